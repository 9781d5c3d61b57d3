#!/usr/bin/env bash
# Private PostgreSQL cluster for tests/CI, state under var/postgres/.
#
#   postgres.sh start   install (if needed), init, start, ensure role/db;
#                       prints DATABASE_URL on stdout
#   postgres.sh stop    stop the private cluster (no error if not running)
#   postgres.sh url     print DATABASE_URL
#   postgres.sh status  exit 0 if the server answers on the port
#
# Env: TABADUL_PG_PORT (default 54329)
set -euo pipefail

# shellcheck source=scripts/services/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${TABADUL_PG_PORT:-54329}"
PG_HOST=127.0.0.1
PG_ROLE=tabadul
PG_PASSWORD=tabadul
PG_DB=tabadul
PG_OS_USER=postgres

PG_BASE="$VAR_DIR/postgres"
PG_DATA="$PG_BASE/data"
PG_LOG_DIR="$PG_BASE/log"
PG_LOG="$PG_LOG_DIR/postgres.log"
PG_SOCK_DIR="$PG_BASE/run"
# A unix socket path must fit in sun_path (107 bytes). Deep checkouts fall
# back to a per-port directory in /tmp.
if [ "$(printf '%s' "$PG_SOCK_DIR/.s.PGSQL.$PG_PORT" | wc -c)" -gt 100 ]; then
  PG_SOCK_DIR="/tmp/tabadul-pg-$PG_PORT"
fi

DATABASE_URL="postgres://$PG_ROLE:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB"

# --- binaries ---------------------------------------------------------------

# pg_bindir [MAJOR]: server bin dir (initdb + postgres + pg_ctl), newest
# version unless MAJOR is given. Empty if none.
pg_bindir() {
  local want="${1:-}" d best=""
  if [ -n "$want" ]; then
    d="/usr/lib/postgresql/$want/bin"
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pg_ctl" ] && best="$d"
  else
    for d in $(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V); do
      [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pg_ctl" ] && best="$d"
    done
  fi
  printf '%s' "$best"
}

ensure_server_installed() {
  local bindir
  bindir="$(pg_bindir)"
  if [ -z "$bindir" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "PostgreSQL server binaries not found; installing Debian's postgresql"
    apt_install postgresql
    bindir="$(pg_bindir)"
    [ -n "$bindir" ] || die "postgresql installed but no server found under /usr/lib/postgresql"
  fi
  id -u "$PG_OS_USER" >/dev/null 2>&1 || die "system user '$PG_OS_USER' missing after install"
}

# Bin dir matching an existing data dir's major version, else the newest.
select_bindir() {
  local bindir=""
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    local major
    major="$(cat "$PG_DATA/PG_VERSION")"
    bindir="$(pg_bindir "$major")"
    if [ -z "$bindir" ]; then
      log "data dir is PostgreSQL $major but only $(basename "$(dirname "$(pg_bindir)")") is installed: trying apt-get install postgresql-$major"
      apt_install "postgresql-$major"
      bindir="$(pg_bindir "$major")"
      [ -n "$bindir" ] || die "no PostgreSQL $major server for $PG_DATA (remove var/postgres to re-init)"
    fi
  else
    bindir="$(pg_bindir)"
  fi
  printf '%s' "$bindir"
}

# Run a command as the postgres OS user from a directory it can read.
as_pg() { (cd / && runuser -u "$PG_OS_USER" -- "$@"); }

# --- helpers ----------------------------------------------------------------

server_answers() {
  local isready
  isready="$(command -v pg_isready || true)"
  [ -n "$isready" ] || isready="$(pg_bindir)/pg_isready"
  [ -x "$isready" ] || return 1
  "$isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

our_cluster_running() {
  [ -f "$PG_DATA/PG_VERSION" ] || return 1
  local bindir
  bindir="$(pg_bindir "$(cat "$PG_DATA/PG_VERSION")")"
  [ -n "$bindir" ] || return 1
  as_pg "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

prepare_dirs() {
  mkdir -p "$PG_BASE" "$PG_DATA" "$PG_LOG_DIR" "$PG_SOCK_DIR"
  # Only the cluster's own tree is chowned; var/ itself stays root's.
  chown -R "$PG_OS_USER:" "$PG_BASE"
  if [ "$PG_SOCK_DIR" != "$PG_BASE/run" ]; then chown "$PG_OS_USER:" "$PG_SOCK_DIR"; fi
  chmod 700 "$PG_DATA"
  chmod 755 "$PG_BASE" "$PG_LOG_DIR" "$PG_SOCK_DIR"
  ensure_traversable "$PG_OS_USER" "$PG_DATA"
  as_pg test -w "$PG_DATA" || die "user $PG_OS_USER cannot write $PG_DATA"
}

init_cluster() {
  local bindir="$1"
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    return 0
  fi
  if [ -n "$(ls -A "$PG_DATA" 2>/dev/null)" ]; then
    die "$PG_DATA is not empty but has no PG_VERSION; remove it to re-init"
  fi
  log "initdb $PG_DATA ($("$bindir/postgres" --version))"
  as_pg "$bindir/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >>"$PG_LOG_DIR/initdb.log" 2>&1 \
    || { tail -n 30 "$PG_LOG_DIR/initdb.log" >&2; die "initdb failed"; }
  # Throwaway test cluster: trade durability for speed.
  cat >>"$PG_DATA/postgresql.conf" <<'EOF'

# --- tabadul CI settings (scripts/services/postgres.sh) ---
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
}

start_cluster() {
  local bindir="$1"
  log "starting PostgreSQL on $PG_HOST:$PG_PORT (log: ${PG_LOG#"$REPO_ROOT"/})"
  if ! as_pg "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-c listen_addresses=$PG_HOST -p $PG_PORT -k $PG_SOCK_DIR" start >&2; then
    tail -n 30 "$PG_LOG" >&2 || true
    die "pg_ctl start failed"
  fi
  local _
  for _ in $(seq 1 60); do
    if "$bindir/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2; then return 0; fi
    sleep 1
  done
  tail -n 30 "$PG_LOG" >&2 || true
  die "PostgreSQL did not become ready on $PG_HOST:$PG_PORT"
}

ensure_role_and_db() {
  local sql
  sql=$(cat <<EOF
SELECT 'CREATE ROLE $PG_ROLE LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE')\gexec
ALTER ROLE $PG_ROLE WITH LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_ROLE ENCODING ''UTF8'' TEMPLATE template0' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
EOF
)
  # Superuser access via our socket works for our own cluster (peer auth).
  if [ -S "$PG_SOCK_DIR/.s.PGSQL.$PG_PORT" ] \
     && as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres -d postgres \
          -c 'SELECT 1' >/dev/null 2>&1; then
    printf '%s\n' "$sql" | as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK_DIR" -p "$PG_PORT" \
      -U postgres -d postgres >&2 || die "could not create role/database"
  elif PGPASSWORD="$PG_PASSWORD" psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DB" \
          -c 'SELECT 1' >/dev/null 2>&1; then
    log "server on port $PG_PORT is not ours, but $PG_ROLE/$PG_DB already work"
    return 0
  else
    die "a server answers on port $PG_PORT but it is not var/postgres and $PG_ROLE/$PG_DB do not work there"
  fi
  PGPASSWORD="$PG_PASSWORD" psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DB" \
    -c 'SELECT 1' >/dev/null || die "cannot connect as $PG_ROLE to $PG_DB over TCP"
}

# --- subcommands ------------------------------------------------------------

cmd_start() {
  require_root
  ensure_server_installed
  if server_answers; then
    log "a server already answers on $PG_HOST:$PG_PORT"
  else
    if port_in_use "$PG_HOST" "$PG_PORT"; then
      die "port $PG_PORT is in use by something that is not PostgreSQL; set TABADUL_PG_PORT or free it"
    fi
    prepare_dirs
    local bindir
    bindir="$(select_bindir)"
    init_cluster "$bindir"
    start_cluster "$bindir"
  fi
  ensure_role_and_db
  log "ready: $DATABASE_URL"
  printf '%s\n' "$DATABASE_URL"
}

cmd_stop() {
  if ! [ -f "$PG_DATA/PG_VERSION" ]; then
    log "no cluster in ${PG_DATA#"$REPO_ROOT"/}; nothing to stop"
    return 0
  fi
  if our_cluster_running; then
    local bindir
    bindir="$(pg_bindir "$(cat "$PG_DATA/PG_VERSION")")"
    log "stopping PostgreSQL (${PG_DATA#"$REPO_ROOT"/})"
    as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >&2
  else
    log "PostgreSQL (${PG_DATA#"$REPO_ROOT"/}) is not running"
  fi
}

cmd_status() {
  if server_answers; then log "up on $PG_HOST:$PG_PORT"; else log "down"; return 1; fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) printf '%s\n' "$DATABASE_URL" ;;
  status) cmd_status ;;
  *) echo "usage: $0 {start|stop|url|status}" >&2; exit 2 ;;
esac
