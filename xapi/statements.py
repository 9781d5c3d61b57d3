"""xAPI 1.0.3 statements, built from plain facts (no content model is imported here).

Every statement has
- an `id` made when it is built (the outbox row keeps it: sending again sends the same statement),
- an account actor, `{"account": {"homePage": <base URL>, "name": <username>}}`, never an email,
- a verb from ADL's vocabulary (`VERBS`),
- an activity whose id does not depend on the language it was read in:
  `<base URL>/xapi/activities/<kind>/<key>`, the key being the page's translation key,
- the officer's cohorts as `context.contextActivities.grouping` (`cohort` activities), the course of
  a module as `context.contextActivities.parent`, the language read in as `context.language`.

The base URL is `XAPI_BASE_URL`, else `WAGTAILADMIN_BASE_URL`.

A knowledge-check attempt is `answered` (the check activity, `result.response` (the options chosen,
`q<question>=<option>[,<option>]` joined by `;`), `result.score`) and then `passed` or `failed` (the
check, `result.success`, `result.score`, `result.completion`); both have the module and its course as
`parent` (docs/xapi.md).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

VERBS = {
    name: {"id": ADL_VERBS + name, "display": {"en-US": name}}
    for name in ("experienced", "completed", "answered", "passed", "failed")
}

# Activity kinds (the path segment of the id) and their ADL activity types.
ACTIVITY_TYPES = {
    "module": ADL_ACTIVITIES + "module",
    "course": ADL_ACTIVITIES + "course",
    "check": ADL_ACTIVITIES + "assessment",  # a module's knowledge check
    "cohort": None,  # ADL has no type for a group of learners: the grouping says what it is
}

PLATFORM = "Tabadul"


def base_url() -> str:
    return (settings.XAPI_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def activity_id(kind: str, key) -> str:
    if kind not in ACTIVITY_TYPES:
        raise ValueError(f"unknown activity kind {kind!r}")
    return f"{base_url()}/xapi/activities/{kind}/{key}"


@dataclass(frozen=True)
class Activity:
    """What a statement is about: `kind` (ACTIVITY_TYPES), a `key` stable across translations (a
    translation key, a slug) and its names by language tag (`{"en": ..., "ar": ...}`)."""

    kind: str
    key: str
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return activity_id(self.kind, self.key)

    def as_json(self) -> dict:
        definition: dict = {}
        if ACTIVITY_TYPES[self.kind]:
            definition["type"] = ACTIVITY_TYPES[self.kind]
        if self.names:
            definition["name"] = dict(sorted(self.names.items()))
        return {"objectType": "Activity", "id": self.id, **({"definition": definition} if definition else {})}


def actor(username: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": username}}


def score(raw: float, *, maximum: float, minimum: float = 0) -> dict:
    """`result.score` of an attempt: raw, min, max and scaled (raw over the range, 0..1)."""
    span = maximum - minimum
    return {
        "scaled": round((raw - minimum) / span, 4) if span else 0,
        "raw": raw,
        "min": minimum,
        "max": maximum,
    }


def statement(
    username: str,
    verb: str,
    activity: Activity,
    *,
    cohorts: Iterable[Activity] = (),
    parents: Iterable[Activity] = (),
    language: str | None = None,
    result: Mapping | None = None,
    timestamp: datetime.datetime | None = None,
    statement_id: uuid.UUID | None = None,
) -> dict:
    """One statement: `username` did `verb` (a key of VERBS) to `activity`."""
    context: dict = {"platform": PLATFORM}
    if language:
        context["language"] = language
    activities = {}
    if parents := [parent.as_json() for parent in parents]:
        activities["parent"] = parents
    if grouping := [cohort.as_json() for cohort in cohorts]:
        activities["grouping"] = grouping
    if activities:
        context["contextActivities"] = activities
    built = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": actor(username),
        "verb": VERBS[verb],
        "object": activity.as_json(),
        "context": context,
        "timestamp": (timestamp or timezone.now())
        .astimezone(datetime.UTC)
        .isoformat(timespec="milliseconds"),
    }
    if result:
        built["result"] = dict(result)
    return built


def experienced(username: str, module: Activity, **kwargs) -> dict:
    """An officer opened a module (`parents`: its course)."""
    return statement(username, "experienced", module, **kwargs)


def completed(username: str, activity: Activity, **kwargs) -> dict:
    """An officer completed a module (`parents`: its course) or a course."""
    return statement(username, "completed", activity, result={"completion": True}, **kwargs)


def answered(username: str, check: Activity, *, response: str, score: Mapping, **kwargs) -> dict:
    """An officer submitted an attempt at a knowledge check (`parents`: its module and course)."""
    return statement(
        username, "answered", check, result={"response": response, "score": dict(score)}, **kwargs
    )


def judged(username: str, check: Activity, *, passed: bool, score: Mapping, **kwargs) -> dict:
    """The attempt's verdict: `passed` or `failed` the knowledge check."""
    result = {"success": passed, "completion": True, "score": dict(score)}
    return statement(username, "passed" if passed else "failed", check, result=result, **kwargs)
