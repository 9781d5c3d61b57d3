"""Verification's rate limit: so many look-ups per client address in a fixed window.

Codes are unguessable (192 bits); the limit keeps a scanner from even trying, and keeps the public
page cheap. Counted in Django's cache (`cache.add` then `cache.incr`, atomic in every cache Django
ships but the database and file ones): with several processes or machines the cache must be shared
(Redis or Memcached) for the limit to hold across them; with the default per-process memory cache
each process counts on its own (docs/certificates.md). No library fits: django-ratelimit refuses
every cache this project has (its checks fail on the memory and database caches).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from portal.audit import client_ip


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window ends


def check(request: HttpRequest, *, scope: str = "certificates:verify") -> Decision:
    """Count this request against its address's window; refused past the limit."""
    limit = settings.CERTIFICATES_VERIFY_RATE_LIMIT
    window = settings.CERTIFICATES_VERIFY_RATE_WINDOW_SECONDS
    now = int(time.time())
    start = now - now % window
    key = f"{scope}:{client_ip(request) or 'unknown'}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return Decision(allowed=count <= limit, retry_after=start + window - now)
