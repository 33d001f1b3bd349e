# The two set-up commands of the README: `make build` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export SPARK_LOCAL_IP ?= 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python
export DBT_SCHEMA ?= segmentation
# VARS=<file.yml>: build with the dbt vars in that file (README "Bring your own data")
VARS ?=
# MODE=train|score|auto: the segmentation model's mode for this build (README "The model's
# life"); with VARS, set `segmentation_mode` in the file instead
MODE ?=
# TARGET=server: build through the Spark server started by `make serve` (README "Targets")
TARGET ?= local
# CLUSTER=1: `make serve` starts a standalone master + worker and runs the server on them
CLUSTER ?=
# METASTORE=postgres: the catalog in a PostgreSQL Hive metastore on 127.0.0.1 (`make serve`
# starts it, `make stop` stops it) for the server and for build / shell / report on the
# embedded target, so all of them see the same tables at once (README "Beyond one process")
METASTORE ?=
export SPARK_METASTORE_PORT ?= 5433
ifeq ($(METASTORE),postgres)
export SPARK_METASTORE_URL ?= jdbc:postgresql://127.0.0.1:$(SPARK_METASTORE_PORT)/metastore
endif

.PHONY: build report readme-chart test install seed-data lint pytest docs shell serve stop metastore beeline clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## build: install, then dbt build + dbt docs generate on the embedded local Spark (one JVM),
## or with TARGET=server through the running `make serve` server
build: $(STAMP)
	@test -f seeds/customers.csv || $(MAKE) seed-data
	DBT_TARGET=$(TARGET) $(BIN)/python -m customer_segmentation.dbtchain build "docs generate" \
		$(if $(VARS),-- --vars "$$(cat $(VARS))",$(if $(MODE),-- --vars '{segmentation_mode: $(MODE)}'))

## report: the segment report of the built marts (TARGET=server: through the server) in
## target/report/ (index.html + a PNG per chart); `make docs` serves it at /report/
report: $(STAMP)
	DBT_TARGET=$(TARGET) $(BIN)/python -m customer_segmentation.report --out target/report

## readme-chart: regenerate the README's chart (docs/images/segment_sizes.png) from the report
readme-chart: report
	mkdir -p docs/images && cp target/report/segment_sizes.png docs/images/segment_sizes.png

## seed-data: (re)generate the shipped seed deterministically (overwrites seeds/customers.csv)
seed-data: $(STAMP)
	$(BIN)/python -m customer_segmentation.datagen --rows 3000 --seed 42 --out seeds/customers.csv --force
	$(BIN)/python -m customer_segmentation.datagen --rows 400 --seed 42 --order-lines-out seeds/order_lines.csv --order-lines-encoding utf-8 --force

## test: every test: ruff, sqlfluff lint, pytest (incl. dbt build on test data)
test: $(STAMP) lint pytest

lint: $(STAMP)
	$(BIN)/ruff check python_jobs tests bench models
	$(BIN)/ruff format --check python_jobs tests bench models
	$(BIN)/sqlfluff lint models tests macros --processes 2

## pytest: the project's suites and dbt Labs' adapter suites, as two pytest sessions side by
## side (tests/run_suites.sh): the server lane (tests marked `server` on one loopback cluster,
## then the adapter suites through a server) and the embedded lane (the rest, then the adapter
## suites on the embedded target)
pytest: $(STAMP)
	tests/run_suites.sh

## docs: serve the dbt docs site written by `make build` on http://127.0.0.1:8080, and the
## segment report written by `make report` at http://127.0.0.1:8080/report/index.html
docs: $(STAMP)
	$(BIN)/dbt docs serve --host 127.0.0.1 --port 8080 --no-browser

## shell: interactive pyspark on the project's warehouse (one process per metastore)
shell: $(STAMP)
	$(BIN)/python -i -c "from customer_segmentation.dbtchain.local_session import local_session; spark = local_session()"

## serve: start the Spark server (HiveServer2 :10000, Connect :15002, .spark-server/); waits for both
serve: $(STAMP)
	$(if $(filter postgres,$(METASTORE)),$(BIN)/python -m customer_segmentation.sparkserver.metastore start)
	$(if $(CLUSTER),SPARK_SERVER_CLUSTER=$(CLUSTER)) $(BIN)/python -m customer_segmentation.sparkserver start

## beeline: the beeline pip pyspark ships, connected to the server's DBT_SCHEMA over JDBC
beeline: $(STAMP)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/beeline \
		-u jdbc:hive2://127.0.0.1:$${SPARK_THRIFT_PORT:-10000}/$(DBT_SCHEMA)

## stop: stop the server `make serve` started, and its cluster (no process, no open port left)
stop: $(STAMP)
	$(BIN)/python -m customer_segmentation.sparkserver stop
	$(BIN)/python -m customer_segmentation.sparkserver.metastore stop

## metastore: start the PostgreSQL Hive metastore of METASTORE=postgres on 127.0.0.1:5433
## (data in .spark-server/postgres/; `make serve METASTORE=postgres` starts it too)
metastore: $(STAMP)
	$(BIN)/python -m customer_segmentation.sparkserver.metastore start

clean:
	rm -rf target logs .spark artifacts
