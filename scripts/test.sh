#!/usr/bin/env bash
# Everything `make test` runs: lint, migration and deploy checks, the suite on SQLite, then the
# suite again on a real PostgreSQL started from Debian's package. Under CI=true a service that
# cannot be started fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
PY=.venv/bin/python
step() { printf '\n== %s\n' "$*" >&2; }

step "ruff"
.venv/bin/ruff check .

step "migrations are up to date"
DATABASE_URL="sqlite:///$(pwd)/var/makemigrations-check.sqlite3" $PY manage.py makemigrations --check --dry-run

step "check --deploy under production settings"
bash scripts/check_deploy.sh

step "pytest on SQLite"
$PY -m pytest -m "not postgres" -p no:cacheprovider -q

step "pytest on PostgreSQL"
if ! pg_url=$(bash scripts/services/postgres.sh start); then
  echo "PostgreSQL could not be started." >&2
  exit 1
fi
trap 'bash scripts/services/postgres.sh stop >/dev/null 2>&1 || true' EXIT
DATABASE_URL="$pg_url" TABADUL_EXPECT_POSTGRES=1 $PY -m pytest -p no:cacheprovider -q
