"""A memo that lasts one request: facts many parts of a page ask for (the locales, the access
policy's inputs: a user's denied rules, the rule roots) are read once per request, and read again by
the next request, so nothing read here is ever shared between requests, or between users. Outside a
request (commands, tests) nothing is memoised.

`portal.middleware.AccessScopeMiddleware` opens the scope for every request; code outside a request
that asks the policy many times (a search's second ask, a report) opens one with `request_memo()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("tabadul_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Memoise `per_request` answers until the end of this block (a nested block shares them)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def in_request() -> bool:
    """Is a request memo open (answers asked twice are read once)?"""
    return _memo.get() is not None


def per_request(key, compute: Callable[[], T]) -> T:
    """`compute()`, once per request for `key` (every time outside a request)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def remember(key, value) -> None:
    """Keep `value` for `key` for the rest of the request, unless an answer is kept already."""
    memo = _memo.get()
    if memo is not None:
        memo.setdefault(key, value)
