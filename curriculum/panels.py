"""What other apps add to a module page (lessons from the field, the cohort's discussion).

Content apps do not import each other (docs/architecture.md, "Layers"), so a module page asks
Wagtail's hook registry instead: an app registers a `module_page_panels` hook in its
`wagtail_hooks.py`, a function of (request, module page) that returns the panel's HTML, or an empty
string when the reader has nothing to see there. The panels are shown in registration order.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.safestring import SafeString

from wagtail import hooks

HOOK = "module_page_panels"


def for_module(request: HttpRequest, module) -> list[SafeString]:
    """The HTML of every panel that has something for this reader on this module."""
    return [html for html in (panel(request, module) for panel in hooks.get_hooks(HOOK)) if html]
