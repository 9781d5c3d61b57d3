"""The Django project's wiring: settings, the root URLconf, WSGI and ASGI.

The top layer: it may import every app; no app imports it (tests/test_layers.py).
"""
