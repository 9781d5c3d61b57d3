#!/usr/bin/env bash
# Load test: 50 signed-in officers browse and search for 60 s against gunicorn on 127.0.0.1.
#
#   bash bench/load_test.sh [--users 50] [--run-time 60s] [--workers 3] [--sign-in ahead|form]
#                           [--database-url URL]
#
# Migrates a fresh SQLite database in var/loadtest/ (or the PostgreSQL database given with
# --database-url), loads the demo and 50 load-test officers, starts gunicorn on loopback, runs
# locust headless, stops gunicorn and prints requests/s, p50, p95 and the error count. Exits 1 on
# any error. A benchmark, not a test: `make test` does not run it. Only ever targets 127.0.0.1.
#
# --sign-in ahead (default): the officers are signed in before the run, which measures browsing and
# searching; --sign-in form: every officer signs in through the sign-in form when it starts, so
# the run opens with 50 password checks (PBKDF2, deliberately slow) at once.
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
SIGN_IN=ahead
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS=$2; shift 2 ;;
    --run-time) RUN_TIME=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --database-url) DATABASE_URL_ARG=$2; shift 2 ;;
    --sign-in) SIGN_IN=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

rm -rf "$DIR"
mkdir -p "$DIR"
export DJANGO_SETTINGS_MODULE=${LOADTEST_SETTINGS:-tabadul.settings.dev} DJANGO_DEBUG=false LOG_LEVEL=ERROR
export DATABASE_URL=${DATABASE_URL_ARG:-"sqlite:///$ROOT/$DIR/tabadul.sqlite3"}
export LOADTEST_USERS=$USERS

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

echo "== gunicorn on 127.0.0.1:$PORT ($WORKERS workers)" >&2
.venv/bin/gunicorn tabadul.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --pid "$DIR/gunicorn.pid" --error-logfile "$DIR/gunicorn.log" --log-level warning &
GUNICORN=$!
stop() { kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true; }
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

# CPU seconds the gunicorn workers have used so far (utime + stime of the master's children).
worker_cpu() {
  local total=0 pid ticks
  for pid in $(pgrep -P "$GUNICORN"); do
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
CPU_BEFORE=$(worker_cpu)

echo "== locust: $USERS users (signed in: $SIGN_IN), spawn 10/s, $RUN_TIME" >&2
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 10 --run-time "$RUN_TIME" \
  --host "http://127.0.0.1:$PORT" --csv "$DIR/locust" --only-summary --stop-timeout 10 \
  > "$DIR/locust.txt" 2>&1 || true
CPU_USED=$(awk -v a="$(worker_cpu)" -v b="$CPU_BEFORE" 'BEGIN { printf "%.2f", a - b }')
stop
trap - EXIT

$PY - "$DIR/locust_stats.csv" "$DIR/locust_failures.csv" "$CPU_USED" <<'PY'
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
cpu = float(sys.argv[3])
print(
    f"gunicorn workers used {cpu:.1f} CPU-s: {1000 * cpu / max(1, int(total['Request Count'])):.0f} CPU-ms per request"
    f" · load average {os.getloadavg()[0]:.1f}"
)
sys.exit(1 if errors else 0)
PY
