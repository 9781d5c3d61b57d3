"""Content kept in English with an optional Arabic twin (a nation's `name_ar`, a track's
`title_ar`): which of the two the reader gets.

The bottom layer holds it because the portal's own models (nations) need it as much as the
curriculum's; it knows only Django's active language.
"""

from __future__ import annotations

from django.utils.translation import get_language


def arabic_is_active() -> bool:
    """Is the request being answered in Arabic (any regional variant)?"""
    return (get_language() or "").startswith("ar")


def in_active_language(english: str, arabic: str) -> str:
    """`arabic` when Arabic is active and there is an Arabic text, else `english`: an untranslated
    name falls back to English instead of showing nothing."""
    return arabic if arabic and arabic_is_active() else english
