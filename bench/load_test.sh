#!/usr/bin/env bash
# Load test: signed-in officers browse and search against gunicorn on 127.0.0.1, optionally while an
# editor publishes and a programme admin changes memberships and rules.
#
#   bash bench/load_test.sh [--users 50] [--run-time 60s] [--workers 3] [--sign-in ahead|form]
#                           [--database-url URL] [--elasticsearch-url URL[,URL...]]
#                           [--task-workers N] [--writers]
#
# Migrates a fresh SQLite database in var/loadtest/ (or the PostgreSQL database given with
# --database-url, dropped and made anew), loads the demo and the load-test officers, starts gunicorn
# on loopback, runs locust headless, stops gunicorn and prints requests/s, p50, p95, the error count
# and the CPU used per request. Exits 1 on any error. A benchmark, not a test: `make test` does not
# run it. Only ever targets 127.0.0.1.
#
# --sign-in ahead (default): the officers are signed in before the run, which measures browsing and
# searching; --sign-in form: every officer signs in through the sign-in form when it starts, so
# the run opens with that many password checks (PBKDF2, deliberately slow) at once.
# --elasticsearch-url: search on Elasticsearch (an index of its own, built before the run).
# --task-workers N: the production task set-up: background work queued in the database
# (django-tasks-db) and N `manage.py db_worker` processes running it; their CPU is reported too.
# --writers: bench/load_writers.py's editor and programme admin run beside the officers (locust
# classes Editor and ProgrammeAdmin); after the run the outbox must drain, `search_index --check`
# must be clean and every republished module must be found under its newest title.
#
# The production-like run of issue 13:
#   bash bench/load_test.sh --users 200 --run-time 120s --writers --task-workers 2 \
#     --database-url "$(bash scripts/services/postgres.sh url)_load" \
#     --elasticsearch-url "$(bash scripts/services/elasticsearch.sh url)"
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
USERS=50
RUN_TIME=60s
WORKERS=3
PORT=${LOADTEST_PORT:-8765}
DIR=var/loadtest
DATABASE_URL_ARG=""
ES_URL_ARG=""
SIGN_IN=ahead
TASK_WORKERS=0
WRITERS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS=$2; shift 2 ;;
    --run-time) RUN_TIME=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --database-url) DATABASE_URL_ARG=$2; shift 2 ;;
    --sign-in) SIGN_IN=$2; shift 2 ;;
    --elasticsearch-url) ES_URL_ARG=$2; shift 2 ;;
    --task-workers) TASK_WORKERS=$2; shift 2 ;;
    --writers) WRITERS=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

rm -rf "$DIR"
mkdir -p "$DIR"
export DJANGO_SETTINGS_MODULE=${LOADTEST_SETTINGS:-tabadul.settings.dev} DJANGO_DEBUG=false LOG_LEVEL=ERROR
# Connections kept between requests, as the production settings keep them.
export DJANGO_CONN_MAX_AGE=${DJANGO_CONN_MAX_AGE:-60}
export DATABASE_URL=${DATABASE_URL_ARG:-"sqlite:///$ROOT/$DIR/tabadul.sqlite3"}
export LOADTEST_USERS=$USERS
if [ -n "$ES_URL_ARG" ]; then
  export ELASTICSEARCH_URL=$ES_URL_ARG SEARCH_INDEX_PREFIX="loadtest-$$"
fi

if [ -n "$DATABASE_URL_ARG" ]; then
  echo "== database: a fresh ${DATABASE_URL##*/}" >&2
  $PY - <<'PY'
import os
import psycopg
from urllib.parse import urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
with psycopg.connect(os.environ["DATABASE_URL"].replace(f"/{name}", "/postgres"), autocommit=True) as db:
    db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    db.execute(f'CREATE DATABASE "{name}"')
PY
fi
echo "== database: ${DATABASE_URL%%://*}; migrate, demo, $USERS officers" >&2
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo > "$DIR/load_demo.txt"
if [ "$SIGN_IN" = ahead ]; then
  $PY bench/load_users.py --count "$USERS" --sessions "$DIR/sessions.json" >&2
  export LOADTEST_SESSIONS="$ROOT/$DIR/sessions.json"
else
  $PY bench/load_users.py --count "$USERS" >&2
  unset LOADTEST_SESSIONS
fi

if [ -n "$WRITERS" ]; then
  $PY bench/load_writers.py setup --sessions "$DIR/spot.json" >&2
  export LOADTEST_WRITERS=1 LOADTEST_SPOT_SESSIONS="$ROOT/$DIR/spot.json"
fi
if [ -n "$ES_URL_ARG" ]; then
  echo "== Elasticsearch: build the index $SEARCH_INDEX_PREFIX-*" >&2
  $PY manage.py search_index --rebuild --no-progress >&2
fi

TASK_PIDS=()
if [ "$TASK_WORKERS" -gt 0 ]; then
  export TASKS_BACKEND=django_tasks_db.DatabaseBackend
  echo "== $TASK_WORKERS task workers (db_worker)" >&2
  for n in $(seq 1 "$TASK_WORKERS"); do
    $PY manage.py db_worker --no-reload --worker-id "loadtest-$n" -v 0 >"$DIR/worker-$n.log" 2>&1 &
    TASK_PIDS+=($!)
  done
fi

echo "== gunicorn on 127.0.0.1:$PORT ($WORKERS workers)" >&2
.venv/bin/gunicorn tabadul.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --pid "$DIR/gunicorn.pid" --error-logfile "$DIR/gunicorn.log" --log-level warning &
GUNICORN=$!
stop() {
  kill "$GUNICORN" "${TASK_PIDS[@]}" 2>/dev/null || true
  wait "$GUNICORN" "${TASK_PIDS[@]}" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 60); do
  if $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

# Warm up: each worker's first requests load templates and code; a few bounded requests first.
$PY - "$PORT" "${LOADTEST_SESSIONS:-}" <<'PY'
import json
import sys
import urllib.request

port, sessions = sys.argv[1], sys.argv[2]
cookie = next(iter(json.load(open(sessions)).values()), "") if sessions else ""
paths = ["/dashboard/", "/search/?q=planning", "/api/v1/search/?q=planning", "/glossary/"] if cookie else ["/", "/accounts/login/"]
for path in paths * 4:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={cookie}"})
    urllib.request.urlopen(request, timeout=60).read()
PY

# cpu_seconds PID...: the CPU seconds (utime + stime) those processes have used so far.
cpu_seconds() {
  local total=0 pid ticks
  for pid in "$@"; do
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
# ... of the gunicorn workers (the master's children) and of the task workers.
worker_cpu() { cpu_seconds $(pgrep -P "$GUNICORN"); }
task_cpu() { cpu_seconds "${TASK_PIDS[@]}"; }
CPU_BEFORE=$(worker_cpu)
TASK_CPU_BEFORE=$(task_cpu)

LOCUST_USERS=$USERS
if [ -n "$WRITERS" ]; then LOCUST_USERS=$((USERS + 2)); fi
echo "== locust: $USERS officers${WRITERS:+, an editor and a programme admin} (signed in: $SIGN_IN), spawn 10/s, $RUN_TIME" >&2
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
.venv/bin/locust -f bench/locustfile.py --headless -u "$LOCUST_USERS" -r 10 --run-time "$RUN_TIME" \
  --host "http://127.0.0.1:$PORT" --csv "$DIR/locust" --only-summary --stop-timeout 10 \
  > "$DIR/locust.txt" 2>&1 || true
CPU_USED=$(awk -v a="$(worker_cpu)" -v b="$CPU_BEFORE" 'BEGIN { printf "%.2f", a - b }')

AFTER=0
if [ -n "$WRITERS" ]; then
  echo "== after the run: the outbox drains, search_index --check, every published change searchable" >&2
  $PY - <<'PY' || AFTER=1
import os, sys, time
import django
django.setup()
from search.models import IndexChange
pending = IndexChange.objects.filter(processed_at__isnull=True)
started = time.monotonic()
while pending.exists() and time.monotonic() - started < 300:
    time.sleep(1)
left = pending.count()
print(f"outbox: {left} changes pending {time.monotonic() - started:.0f} s after the run")
sys.exit(1 if left else 0)
PY
  $PY manage.py search_index --check || AFTER=1
  $PY bench/load_writers.py verify || AFTER=1
fi
TASK_CPU_USED=$(awk -v a="$(task_cpu)" -v b="$TASK_CPU_BEFORE" 'BEGIN { printf "%.2f", a - b }')
stop
trap - EXIT
if [ -n "$ES_URL_ARG" ]; then
  $PY -c "from elasticsearch import Elasticsearch; Elasticsearch('${ES_URL_ARG%%,*}').indices.delete(index='$SEARCH_INDEX_PREFIX-*', ignore_unavailable=True)" || true
fi

$PY - "$DIR/locust_stats.csv" "$DIR/locust_failures.csv" "$CPU_USED" "$TASK_CPU_USED" "$LOAD_BEFORE" "$AFTER" <<'PY'
import csv
import os
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
total = next(row for row in rows if row["Name"] == "Aggregated")
print(f"{'endpoint':<34} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
for row in rows:
    print(
        f"{row['Name']:<34} {row['Request Count']:>8} {row['Failure Count']:>6} "
        f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7}"
    )
errors = int(total["Failure Count"])
for failure in list(csv.DictReader(open(sys.argv[2]))):
    print(f"error: {failure['Method']} {failure['Name']}: {failure['Error']} × {failure['Occurrences']}")
print(
    f"\nrequests/s {float(total['Requests/s']):.1f} · p50 {total['50%']} ms · p95 {total['95%']} ms · "
    f"errors {errors} of {total['Request Count']} requests"
)
cpu, task_cpu, load_before, after = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], int(sys.argv[6])
requests = max(1, int(total["Request Count"]))
print(
    f"gunicorn workers used {cpu:.1f} CPU-s: {1000 * cpu / requests:.1f} CPU-ms per request"
    f" · task workers {task_cpu:.1f} CPU-s ({1000 * task_cpu / requests:.1f} ms per request)"
    f" · load average {load_before} → {os.getloadavg()[0]:.1f}"
)
if after:
    print("after the run: the outbox did not drain, the index drifted, or a change is not searchable (above)")
sys.exit(1 if errors or after else 0)
PY
