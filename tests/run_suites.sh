#!/usr/bin/env bash
# `make pytest`: every pytest suite, as two pytest sessions side by side (one per core).
#
# - server lane: the tests marked `server` (one loopback standalone cluster with a PostgreSQL
#   metastore for the session, conftest `spark_server`, plus the servers test_spark_server
#   starts and stops itself), then dbt Labs' adapter suites through a Spark server of their own;
# - embedded lane: every other test (one SparkSession for the session), then the adapter
#   suites on the embedded target.
#
# Much of a dbt test's time is dbt's own Python on one core, so the lanes share the two cores
# well. Each session owns its JVM and its servers and stops them at its end. Output is
# streamed with a [server] / [embedded] prefix; the exit code is non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
unset DBT_TARGET

lane() {
    local name=$1
    shift
    (
        set -o pipefail
        "$@" 2>&1 | sed -u "s/^/[$name] /"
    )
}

server_lane() {
    "$BIN/pytest" -m server --durations=25 -p no:cacheprovider &&
        SPARKOSS_TEST_TARGET=server "$BIN/pytest" tests/adapter -p no:cacheprovider
}

embedded_lane() {
    "$BIN/pytest" -m "not server" --durations=25 &&
        "$BIN/pytest" tests/adapter -p no:cacheprovider
}

started=$(date +%s)
lane server server_lane &
server=$!
lane embedded embedded_lane &
embedded=$!
wait "$server"
server_code=$?
wait "$embedded"
embedded_code=$?
echo "pytest lanes: server exit ${server_code}, embedded exit ${embedded_code}," \
    "$(($(date +%s) - started)) s"
[ "$server_code" -eq 0 ] && [ "$embedded_code" -eq 0 ]
