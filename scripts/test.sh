#!/usr/bin/env bash
# Everything `make test` runs: lint, migration and deploy checks, the suite on SQLite, then the
# suite again on a real PostgreSQL started from Debian's package. A real Elasticsearch node runs
# for the search tests that opt in to it (TABADUL_TEST_ELASTICSEARCH_URL; every other test stays on
# the database search engine). The browser tests (tests/e2e) drive Debian's Chromium, installed when
# missing. Last, a three-node Elasticsearch cluster (256 MB of heap per node) for the test that kills
# one of its nodes (marker "cluster", in its own pass so the suite never shares the machine with it).
# The xAPI tests send to a real learning record store, Ralph (scripts/services/lrs.sh; TABADUL_TEST_LRS_URL).
# Under CI=true a service or browser that cannot be started fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
PY=.venv/bin/python
step() { printf '\n== %s\n' "$*" >&2; }

stop_es=""
stop_lrs=""
stop_pg=""
stop_cluster=""
# The cluster's ports (HTTP 9211-9213, transport 9311-9313) miss the single node's 9201 and 9301.
CLUSTER=(env ES_NODES=3 ES_PORT=9211 ES_HEAP=256m bash scripts/services/elasticsearch.sh)
cleanup() {
  if [ -n "$stop_cluster" ]; then "${CLUSTER[@]}" stop >/dev/null 2>&1 || true; fi
  if [ -n "$stop_es" ]; then bash scripts/services/elasticsearch.sh stop >/dev/null 2>&1 || true; fi
  if [ -n "$stop_lrs" ]; then bash scripts/services/lrs.sh stop >/dev/null 2>&1 || true; fi
  if [ -n "$stop_pg" ]; then bash scripts/services/postgres.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

step "ruff"
.venv/bin/ruff check .

step "migrations are up to date"
DATABASE_URL="sqlite:///$(pwd)/var/makemigrations-check.sqlite3" $PY manage.py makemigrations --check --dry-run

step "check --deploy under production settings"
bash scripts/check_deploy.sh

step "Elasticsearch for the search tests"
stop_es=1
if es_url=$(bash scripts/services/elasticsearch.sh start); then
  export TABADUL_TEST_ELASTICSEARCH_URL="$es_url" TABADUL_EXPECT_ELASTICSEARCH=1
elif [ "${CI:-}" = "true" ]; then
  echo "Elasticsearch could not be started." >&2
  exit 1
else
  echo "Elasticsearch could not be started: its tests will be skipped." >&2
fi

step "Ralph (a learning record store) for the xAPI tests"
stop_lrs=1
if lrs_url=$(bash scripts/services/lrs.sh start); then
  export TABADUL_TEST_LRS_URL="$lrs_url" TABADUL_EXPECT_LRS=1 \
    TABADUL_TEST_LRS_USERNAME="${TABADUL_LRS_USERNAME:-tabadul}" \
    TABADUL_TEST_LRS_PASSWORD="${TABADUL_LRS_PASSWORD:-tabadul-lrs}"
elif [ "${CI:-}" = "true" ]; then
  echo "The learning record store could not be started." >&2
  exit 1
else
  echo "The learning record store could not be started: the xAPI store tests will be skipped." >&2
fi

step "Chromium and axe-core for the browser tests"
if bash scripts/browser_tools.sh >/dev/null; then
  export TABADUL_EXPECT_CHROMIUM=1
elif [ "${CI:-}" = "true" ]; then
  echo "Chromium or axe-core could not be installed." >&2
  exit 1
else
  echo "Chromium or axe-core could not be installed: the browser tests will be skipped." >&2
fi

# The browser journeys (tests/e2e, marker "browser") run once, in the PostgreSQL pass: with in-memory
# SQLite the live server and the test share one connection (Django's documented caveat), which made
# the journeys' own database reads collide with the server's requests now and then.
step "pytest on SQLite"
$PY -m pytest -m "not postgres and not browser" -p no:cacheprovider -q

step "pytest on PostgreSQL (with the browser tests)"
stop_pg=1
if ! pg_url=$(bash scripts/services/postgres.sh start); then
  echo "PostgreSQL could not be started." >&2
  exit 1
fi
DATABASE_URL="$pg_url" TABADUL_EXPECT_POSTGRES=1 $PY -m pytest -m "not cluster" -p no:cacheprovider -q

step "Elasticsearch cluster (3 nodes) for the cluster test"
stop_cluster=1
if cluster_urls=$("${CLUSTER[@]}" start); then
  step "pytest: a node of the cluster killed (PostgreSQL)"
  DATABASE_URL="$pg_url" TABADUL_EXPECT_POSTGRES=1 TABADUL_EXPECT_ES_CLUSTER=1 \
    TABADUL_TEST_ES_CLUSTER_URLS="$cluster_urls" $PY -m pytest -m cluster -p no:cacheprovider -q
elif [ "${CI:-}" = "true" ]; then
  echo "The Elasticsearch cluster could not be started." >&2
  exit 1
else
  echo "The Elasticsearch cluster could not be started: the cluster test is skipped." >&2
fi
