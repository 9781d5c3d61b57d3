"""Assemble the demo bundle: people (dates relative to today) plus the content fragments."""

from __future__ import annotations

import datetime
from pathlib import Path

from curriculum.bundle.io import read_bundle
from curriculum.demo.lessons import lessons
from curriculum.demo.people import people_bundle

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def demo_bundle(today: datetime.date) -> dict:
    bundle = people_bundle(today)
    bundle["lessons"] = lessons(today)  # after the content: lessons name its modules
    for fragment_path in sorted(CONTENT_DIR.glob("*.yaml")):
        fragment = read_bundle(fragment_path)
        for key, items in fragment.items():
            if key != "format":
                bundle.setdefault(key, []).extend(items)
    return bundle


def apply_lessons_managers() -> None:
    """The demo editor also runs the lessons-learned process (a group the bundle does not carry)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.access import LESSONS_MANAGERS

    group = Group.objects.get(name=LESSONS_MANAGERS)
    for user in get_user_model().objects.filter(username__in=LESSONS_MANAGER_USERNAMES):
        user.groups.add(group)


LESSONS_MANAGER_USERNAMES = ("editor",)


def apply_guide_audiences() -> int:
    """Set the demo guides' audience in every language; returns how many pages changed."""
    from curriculum.demo.people import GUIDE_AUDIENCES
    from curriculum.models import CultureGuidePage

    changed = 0
    for slug, audience in GUIDE_AUDIENCES.items():
        source = CultureGuidePage.objects.filter(slug=slug, locale__language_code="en").first()
        if source is None:
            continue
        for guide in CultureGuidePage.objects.filter(translation_key=source.translation_key).exclude(
            audience=audience
        ):
            guide.audience = audience
            guide.save_revision().publish()
            changed += 1
    return changed
