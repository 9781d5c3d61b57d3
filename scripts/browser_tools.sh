#!/usr/bin/env bash
# What the browser tests (tests/e2e) need besides the Python packages: Debian's Chromium with
# Arabic fonts (scripts/services/chromium.sh) and axe-core from the npm registry, pinned, in
# var/node/ (git-ignored). Idempotent; prints the Chromium path on stdout, progress on stderr.
# Playwright's own browser download is never used: the tests launch /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_CORE_VERSION=4.14.1   # keep in step with AXE_CORE_VERSION in tests/e2e/conftest.py
NODE_DIR=var/node
AXE_PACKAGE="$NODE_DIR/node_modules/axe-core/package.json"

# shellcheck source=scripts/services/lib.sh
. scripts/services/lib.sh

chromium=$(bash scripts/services/chromium.sh ensure)

installed=""
if [ -f "$AXE_PACKAGE" ]; then
  installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$AXE_PACKAGE" | head -n 1)
fi
if [ "$installed" != "$AXE_CORE_VERSION" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    require_root
    log "installing npm"
    apt_install npm
  fi
  log "npm install axe-core@$AXE_CORE_VERSION into $NODE_DIR/"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-save --silent "axe-core@$AXE_CORE_VERSION" >&2
fi
[ -s "$NODE_DIR/node_modules/axe-core/axe.min.js" ] || die "axe-core missing after npm install"

printf '%s\n' "$chromium"
