#!/usr/bin/env bash
# A learning record store for tests/CI: Ralph (ralph-malph on PyPI) with its file-system backend,
# in its own virtualenv (its pins never touch the portal's .venv), state under var/ralph/.
#
#   lrs.sh start   install (if needed), write the auth file, start, wait until it answers;
#                  prints the store's URL on stdout (statements at <URL>/xAPI/statements)
#   lrs.sh stop    stop it (no error if not running); the statements it holds stay
#   lrs.sh url     print the URL
#   lrs.sh status  exit 0 if the store answers
#
# Env: TABADUL_LRS_PORT (default 8100), TABADUL_LRS_USERNAME (default tabadul),
#      TABADUL_LRS_PASSWORD (default tabadul-lrs): the basic-auth user the auth file holds.
#      Deleting var/ralph/data empties the store; deleting var/ralph/ reinstalls it.
set -euo pipefail

# shellcheck source=scripts/services/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

LRS_HOST=127.0.0.1
LRS_PORT="${TABADUL_LRS_PORT:-8100}"
LRS_USERNAME="${TABADUL_LRS_USERNAME:-tabadul}"
LRS_PASSWORD="${TABADUL_LRS_PASSWORD:-tabadul-lrs}"
LRS_URL="http://$LRS_HOST:$LRS_PORT"
LRS_START_TIMEOUT="${TABADUL_LRS_START_TIMEOUT:-60}"

# The LRS server (extra "lrs": FastAPI, uvicorn, bcrypt) and the CLI (extra "cli": `ralph auth`);
# the fs backend is built in. Ralph's OIDC module imports requests without declaring it.
RALPH_SPEC=("ralph-malph[cli,lrs]==5.1.0" "requests==2.32.3")

LRS_BASE="$VAR_DIR/ralph"
LRS_VENV="$LRS_BASE/venv"
LRS_DATA="$LRS_BASE/data"
LRS_APP_DIR="$LRS_BASE/app"
LRS_AUTH_FILE="$LRS_BASE/auth.json"
LRS_RUN="$LRS_BASE/run"
LRS_PIDFILE="$LRS_RUN/ralph-$LRS_PORT.pid"
LRS_LOG_DIR="$LRS_BASE/log"
LRS_LOG="$LRS_LOG_DIR/ralph-$LRS_PORT.log"

# Ralph reads its configuration from the environment only.
ralph_env() {
  env RALPH_RUNSERVER_BACKEND=fs \
    RALPH_APP_DIR="$LRS_APP_DIR" \
    RALPH_AUTH_FILE="$LRS_AUTH_FILE" \
    RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="$LRS_DATA" \
    RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH="$LRS_DATA" \
    "$@"
}

# --- install ----------------------------------------------------------------

ensure_venv() {
  local stamp="$LRS_VENV/.tabadul-installed" want
  want="$(printf '%s\n' "${RALPH_SPEC[@]}")"
  if [ -x "$LRS_VENV/bin/uvicorn" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  command -v python3 >/dev/null || die "python3 is needed to create Ralph's virtualenv"
  log "installing ${RALPH_SPEC[*]} into ${LRS_VENV#"$REPO_ROOT"/}"
  rm -rf "$LRS_VENV"
  mkdir -p "$LRS_BASE" "$LRS_LOG_DIR"
  python3 -m venv "$LRS_VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  if ! "$LRS_VENV/bin/pip" install -q --disable-pip-version-check "${RALPH_SPEC[@]}" \
      >"$LRS_LOG_DIR/pip.log" 2>&1; then
    tail -n 25 "$LRS_LOG_DIR/pip.log" >&2
    die "pip install ${RALPH_SPEC[*]} failed"
  fi
  printf '%s\n' "$want" >"$stamp"
}

# write_auth: the auth file holds exactly one user, with the scopes to write and read statements.
write_auth() {
  local stamp="$LRS_BASE/auth.stamp" want="$LRS_USERNAME:$(printf '%s' "$LRS_PASSWORD" | sha256sum | cut -c1-16)"
  if [ -s "$LRS_AUTH_FILE" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  rm -f "$LRS_AUTH_FILE"
  mkdir -p "$LRS_APP_DIR"
  if ! ralph_env "$LRS_VENV/bin/ralph" auth -u "$LRS_USERNAME" -p "$LRS_PASSWORD" \
      -s statements/write -s statements/read -A "$LRS_USERNAME" "$LRS_URL" -w \
      >"$LRS_LOG_DIR/auth.log" 2>&1; then
    tail -n 20 "$LRS_LOG_DIR/auth.log" >&2
    die "ralph auth failed"
  fi
  printf '%s\n' "$want" >"$stamp"
}

# --- runtime ----------------------------------------------------------------

pid_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != "Z" ]
}

# lrs_pid: the pid from our pidfile, if alive and really our uvicorn on this port.
lrs_pid() {
  local pid
  [ -s "$LRS_PIDFILE" ] || return 1
  pid="$(cat "$LRS_PIDFILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "ralph.api:app --host $LRS_HOST --port $LRS_PORT" || return 1
  printf '%s' "$pid"
}

# lrs_answers: the store is up and these credentials may read statements.
lrs_answers() {
  curl -fsS -m 5 -u "$LRS_USERNAME:$LRS_PASSWORD" "$LRS_URL/whoami" >/dev/null 2>&1
}

cmd_start() {
  local t0=$SECONDS pid
  if lrs_answers; then
    log "a store already answers on $LRS_URL"
    printf '%s\n' "$LRS_URL"
    return 0
  fi
  if pid="$(lrs_pid)"; then
    log "pid $pid from the pidfile is alive but does not answer; stopping it"
    cmd_stop
  fi
  if port_in_use "$LRS_HOST" "$LRS_PORT"; then
    die "port $LRS_PORT is in use, but not by this store (or its credentials differ); set TABADUL_LRS_PORT"
  fi
  ensure_venv
  write_auth
  mkdir -p "$LRS_DATA" "$LRS_RUN" "$LRS_LOG_DIR"
  if [ -f "$LRS_LOG" ]; then mv -f "$LRS_LOG" "$LRS_LOG.prev"; fi
  log "starting Ralph (fs backend, data in ${LRS_DATA#"$REPO_ROOT"/}) on $LRS_URL"
  # No reloader (`ralph runserver` watches the working directory): uvicorn itself, detached.
  # In a session of its own (a test run's Ctrl-C does not reach it); it writes its own pid.
  rm -f "$LRS_PIDFILE"
  (cd "$LRS_BASE" && ralph_env setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$LRS_PIDFILE" \
      "$LRS_VENV/bin/uvicorn" ralph.api:app --host "$LRS_HOST" --port "$LRS_PORT" --log-level warning \
      </dev/null >"$LRS_LOG" 2>&1 &)
  local _
  for _ in $(seq 1 50); do [ -s "$LRS_PIDFILE" ] && break; sleep 0.1; done
  pid="$(cat "$LRS_PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] || die "Ralph did not start (no pid in ${LRS_PIDFILE#"$REPO_ROOT"/})"
  local deadline=$((SECONDS + LRS_START_TIMEOUT))
  until lrs_answers; do
    if ! pid_alive "$pid"; then
      tail -n 30 "$LRS_LOG" >&2 || true
      die "Ralph (pid $pid) exited during startup"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$LRS_LOG" >&2 || true
      die "Ralph not ready on $LRS_URL after ${LRS_START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  log "ready after $((SECONDS - t0))s: $LRS_URL"
  printf '%s\n' "$LRS_URL"
}

cmd_stop() {
  local pid _
  if ! pid="$(lrs_pid)"; then
    log "Ralph is not running (no live pid in ${LRS_PIDFILE#"$REPO_ROOT"/})"
    rm -f "$LRS_PIDFILE"
    return 0
  fi
  log "stopping Ralph (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    pid_alive "$pid" || { rm -f "$LRS_PIDFILE"; log "stopped"; return 0; }
    sleep 0.1
  done
  log "still running after 10s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$LRS_PIDFILE"
}

cmd_status() {
  if lrs_answers; then log "up on $LRS_URL"; else log "down"; return 1; fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) printf '%s\n' "$LRS_URL" ;;
  status) cmd_status ;;
  *) echo "usage: $0 {start|stop|url|status}" >&2; exit 2 ;;
esac
