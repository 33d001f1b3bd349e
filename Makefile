# The two set-up commands of the README: `make build` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export SPARK_LOCAL_IP ?= 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python

.PHONY: build test install seed-data lint pytest dbt-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## build: install, then dbt build + dbt docs generate on the embedded local Spark (one JVM)
build: $(STAMP)
	@test -f seeds/customers.csv || $(MAKE) seed-data
	$(BIN)/python -m dbtchain build "docs generate"

## seed-data: (re)generate the shipped seed deterministically (overwrites seeds/customers.csv)
seed-data: $(STAMP)
	$(BIN)/python -m datagen --rows 3000 --seed 42 --out seeds/customers.csv --force

## test: every test: ruff, sqlfluff lint, pytest (incl. dbt build on test data)
test: $(STAMP) lint pytest

lint: $(STAMP)
	$(BIN)/ruff check python_jobs tests bench
	$(BIN)/ruff format --check python_jobs tests bench
	$(BIN)/sqlfluff lint models tests macros --processes 2

pytest: $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf target logs .spark artifacts
