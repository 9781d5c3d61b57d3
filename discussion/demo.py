"""The demo's discussion (load_demo's `demo_loaded` hook): a lively thread of the symposium cohort on
the exercise-design module, in English and Arabic, with one post reported and hidden by the
instructor and one member muted. Safe to run again: a thread that has posts is left as it is."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail.models import Page

from discussion import rules
from discussion.models import Post
from portal.models import Cohort

COHORT = "symposium-2026"
MODULE_SLUG = "joint-tactical-exercise-design"
MODERATOR = "instructor"

# (author, hours before now, text); the fourth post is the one hidden.
POSTS = [
    (
        "officer.us",
        50,
        "In our national exercises the **white cell** writes the injects in advance. "
        "Does anyone let the injects follow the players' decisions instead?",
    ),
    (
        "officer.jo",
        48,
        "نعم، في تمريننا الأخير كانت الخلية البيضاء تكتب الأحداث بعد كل قرار، "
        "وكان ذلك أقرب إلى الواقع لكنه احتاج إلى ضباط أكثر في الخلية.",
    ),
    (
        "instructor",
        46,
        "Both work. The module's *scenario ladder* keeps a few fixed injects as "
        "anchors and lets the rest follow the players. See the checklist in the second section.",
    ),
    ("officer.tr", 30, "Whoever wrote the scenario for syndicate 3 clearly never served a day. Pointless."),
    ("officer.jo", 20, "سؤال عملي: كم حدثًا تضعون في الساعة الواحدة حتى لا تغرق هيئة الأركان؟"),
    (
        "officer.us",
        18,
        "We aim for one significant inject per hour per cell, and a quiet hour "
        "before the end for the after-action notes.",
    ),
    ("officer.tr", 6, "Again: these exercises are a waste of everyone's time."),
]


def load(today: datetime.date) -> None:
    users = get_user_model().objects.in_bulk(
        [name for name, _, _ in POSTS] + [MODERATOR], field_name="username"
    )
    cohort = Cohort.objects.filter(slug=COHORT).first()
    module = _module(MODULE_SLUG)
    moderator = users.get(MODERATOR)
    if cohort is None or module is None or moderator is None or len(users) < 4:
        return
    place = rules.place_for(moderator, module, cohort)
    if place is None or (place.thread and Post.objects.filter(thread=place.thread).exists()):
        return
    now = timezone.now()
    posts = []
    for name, hours, body in POSTS:
        author = users[name]
        posts.append(
            rules.create_post(
                author, rules.place_for(author, module, cohort), body, now - datetime.timedelta(hours=hours)
            )
        )
    place = rules.place_for(moderator, module, cohort)
    rules.report_post(
        users["officer.us"],
        posts[3],
        "A personal attack on the scenario's author, not a point about the design.",
    )
    rules.hide_post(
        moderator, place, posts[3], "Disrespectful to a colleague; discuss the design, not the person."
    )
    rules.mute_member(
        moderator,
        place,
        users["officer.tr"],
        now + datetime.timedelta(days=3),
        "Repeated dismissive posts after a warning.",
    )


def _module(slug: str) -> Page | None:
    """The English module page with this slug (the thread is shared by its translations)."""
    candidates = Page.objects.live().filter(slug=slug, locale__language_code="en")
    return next((page for page in candidates.select_related("content_type") if rules.is_module(page)), None)
