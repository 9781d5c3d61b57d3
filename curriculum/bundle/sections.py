"""Bundle sections that other content apps own (`"lessons"`: lessons/bundle.py).

Content apps do not import each other, so the bundle asks Wagtail's hook registry: an app registers
a `bundle_sections` hook returning an object with

- `key`: the bundle's top-level key it reads and writes (declared in the bundle schema);
- `check(items, known) -> [(path, message)]`: every referential error of its items, `path` relative
  to the section (`[0].author`); `known` holds what exists in the bundle or the portal: nation
  codes, cohort, track, course and programme slugs, usernames, and (course slug, module slug) pairs;
- `load(items, count)`: write the items inside the import's transaction, nothing that is unchanged,
  calling `count(kind, "created" | "updated" | "unchanged")`;
- `dump() -> items`: what the export writes.
"""

from __future__ import annotations

from wagtail import hooks

HOOK = "bundle_sections"


def sections() -> list:
    return [make() for make in hooks.get_hooks(HOOK)]
