#!/usr/bin/env bash
# `manage.py check --deploy` under production settings, with a production-like environment.
set -euo pipefail
cd "$(dirname "$0")/.."
secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
DJANGO_SETTINGS_MODULE=tabadul.settings.production \
DJANGO_SECRET_KEY="$secret" \
DJANGO_ALLOWED_HOSTS=tabadul.example.org \
DATABASE_URL="sqlite:///$(pwd)/var/check-deploy.sqlite3" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
