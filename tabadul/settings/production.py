"""Production: PostgreSQL, HTTPS behind a proxy, secrets from the environment.

`DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS` and `DATABASE_URL` must be set; `manage.py check
--deploy` passes with no warnings under these settings.
"""

from .base import *  # noqa: F403
from .base import DATABASES, TASKS_DATABASE, env

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Persistent connections (Django reads this per database; a top-level CONN_MAX_AGE does nothing).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)

# Background work runs in `db_worker` processes (docs/operations.md), not inside web requests.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default=TASKS_DATABASE)}}

# Outgoing mail (lessons learned tell authors, managers and action bodies of every move): an
# EMAIL_URL such as smtp+tls://user:password@mail.example.org:587; unset, mail goes to the log.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tabadul@localhost")
