"""ASGI entry point (for servers that speak ASGI; gunicorn uses `tabadul.wsgi`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.dev")

application = get_asgi_application()
