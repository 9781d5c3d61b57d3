#!/usr/bin/env bash
# Debian's Chromium (+ fonts with Arabic coverage) for browser tests.
#
#   chromium.sh ensure   install chromium fonts-noto-core fonts-dejavu-core
#                        if missing; prints the chromium path on stdout
#   chromium.sh smoke    ensure, then render an Arabic/Latin test page
#                        headless to var/chromium/smoke.png; prints its path
#
# Chromium as root needs --no-sandbox; on this network-less machine also pass
# --disable-background-networking --disable-component-update --disable-sync
# (see scripts/services/README.md).
set -euo pipefail

# shellcheck source=scripts/services/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM_BIN=/usr/bin/chromium
PACKAGES=(chromium fonts-noto-core fonts-dejavu-core)

cmd_ensure() {
  local -a missing=()
  local p
  for p in "${PACKAGES[@]}"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if [ ! -x "$CHROMIUM_BIN" ] && [[ ! " ${missing[*]-} " =~ " chromium " ]]; then
    missing+=(chromium)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    require_root
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  [ -x "$CHROMIUM_BIN" ] || die "$CHROMIUM_BIN missing after install"
  log "$("$CHROMIUM_BIN" --version 2>/dev/null || echo 'chromium (version unknown)')"
  printf '%s\n' "$CHROMIUM_BIN"
}

cmd_smoke() {
  cmd_ensure >/dev/null
  local out_dir="$VAR_DIR/chromium" profile
  mkdir -p "$out_dir"
  profile="$(mktemp -d "$out_dir/profile.XXXXXX")"
  local html="$out_dir/smoke.html" png="$out_dir/smoke.png"
  cat >"$html" <<'EOF'
<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8">
<body style="font-size:32px;margin:24px">
<p>مرحبا بكم في تبادل — الكتاب المدرسي</p>
<p dir="ltr" style="font-family:sans-serif">Tabadul smoke test: Latin + العربية</p>
</body></html>
EOF
  rm -f "$png"
  log "rendering ${html#"$REPO_ROOT"/} headless"
  timeout 60 "$CHROMIUM_BIN" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" --window-size=900,300 \
    --screenshot="$png" "file://$html" >"$out_dir/smoke.log" 2>&1 || true
  rm -rf "$profile"
  [ -s "$png" ] || { tail -n 20 "$out_dir/smoke.log" >&2; die "no screenshot produced"; }
  log "screenshot: ${png#"$REPO_ROOT"/}"
  printf '%s\n' "$png"
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  smoke) cmd_smoke ;;
  *) echo "usage: $0 {ensure|smoke}" >&2; exit 2 ;;
esac
