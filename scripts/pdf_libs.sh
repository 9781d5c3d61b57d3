#!/usr/bin/env bash
# What the PDF downloads (curriculum.pdf, WeasyPrint) need besides the Python packages: Debian's
# Pango (text layout and Arabic shaping through HarfBuzz) and the Noto fonts the PDFs name (Noto
# Naskh Arabic and Noto Sans, in fonts-noto-core). Idempotent: quick when they are present; as
# root it installs what is missing with apt-get, otherwise it says what is missing and fails.
# WeasyPrint never downloads fonts: it uses these, through fontconfig.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/services/lib.sh
. scripts/services/lib.sh

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fontconfig)

missing=()
for pkg in "${PACKAGES[@]}"; do
  pkg_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  require_root
  apt_install "${missing[@]}"
  fc-cache -f >/dev/null 2>&1 || true
fi
case "$(fc-list : family)" in *"Noto Naskh Arabic"*) ;; *) false ;; esac || die "Noto Naskh Arabic not found by fontconfig (fonts-noto-core)"
