# shellcheck shell=bash
# Shared helpers for scripts/services/*.sh. Source it; do not execute it.
#
# Sets REPO_ROOT (resolved from this file's location) and VAR_DIR.

SERVICES_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SERVICES_DIR/../.." && pwd -P)"
VAR_DIR="$REPO_ROOT/var"
export REPO_ROOT VAR_DIR

_SVC_NAME="$(basename -- "${0:-svc}" .sh)"

log() { printf '[%s] %s\n' "$_SVC_NAME" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$_SVC_NAME" "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (uses apt-get, useradd, runuser)"
}

APT_LOG="$VAR_DIR/log/apt.log"

# _apt ARGS...: apt-get, quiet, output appended to var/log/apt.log (its tail
# is shown on failure).
_apt() {
  mkdir -p "$(dirname -- "$APT_LOG")"
  printf '\n### %s apt-get %s\n' "$(date -u +%FT%TZ)" "$*" >>"$APT_LOG"
  if ! DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0 "$@" >>"$APT_LOG" 2>&1; then
    tail -n 25 "$APT_LOG" >&2
    return 1
  fi
}

_APT_UPDATED=0
apt_update_once() {
  if [ "$_APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    _apt update || die "apt-get update failed"
    _APT_UPDATED=1
  fi
}

# apt_install PKG...: installs packages non-interactively without starting
# any daemon they ship (a temporary policy-rc.d denies service starts).
apt_install() {
  apt_update_once
  log "apt-get install -y $*"
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  local rc=0
  _apt install -y --no-install-recommends "$@" || rc=$?
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || die "apt-get install $* failed (rc=$rc; see ${APT_LOG#"$REPO_ROOT"/})"
}

# pkg_installed PKG: true if the Debian package is installed.
pkg_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

# ensure_traversable USER PATH: make every ancestor directory of PATH
# searchable by USER (chmod o+x where needed), so a service running as USER
# can reach state under var/ even when the checkout lives in e.g. /root.
ensure_traversable() {
  local user="$1" target="$2" dir
  dir="$(dirname -- "$target")"
  local -a chain=()
  while :; do
    chain=("$dir" "${chain[@]}")
    [ "$dir" = "/" ] && break
    dir="$(dirname -- "$dir")"
  done
  for dir in "${chain[@]}"; do
    [ -d "$dir" ] || continue
    if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
      log "chmod o+x $dir (so '$user' can reach $target)"
      chmod o+x "$dir"
    fi
  done
  runuser -u "$user" -- test -x "$(dirname -- "$target")" \
    || die "user '$user' still cannot traverse to $target"
}

# port_in_use HOST PORT: true if something accepts TCP connections there.
port_in_use() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# pid_alive PID: running and not a zombie (a container's PID 1 may never reap).
pid_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != "Z" ]
}

# pidfile_pid PIDFILE MARKER: print the pid in PIDFILE if that process is alive and its command line
# holds MARKER (so a pid reused after a reboot is not taken for ours).
pidfile_pid() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  printf '%s' "$pid"
}
