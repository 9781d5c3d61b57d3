"""The access policy: both faces agree with a brute-force reading of the rules, for random worlds."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from curriculum.models import HomePage
from portal import access
from portal.models import AccessRule, Cohort, CohortMembership, Nation, OfficerProfile
from tests.factories import AccessRuleFactory, CohortFactory, ModuleFactory

BASE = datetime.date(2026, 3, 1)


def day(offset: int) -> datetime.date:
    return BASE + datetime.timedelta(days=offset)


@st.composite
def worlds(draw):
    n_pages = draw(st.integers(1, 7))
    parents = [draw(st.integers(-1, i - 1)) for i in range(n_pages)]
    cohorts = [
        {
            "start": draw(st.integers(-20, 20)),
            "length": draw(st.integers(0, 20)),
            "grace": draw(st.integers(0, 5)),
        }
        for _ in range(draw(st.integers(1, 4)))
    ]
    n_nations = draw(st.integers(1, 3))
    users = [
        {
            "nation": draw(st.one_of(st.none(), st.integers(0, n_nations - 1))),
            "cohorts": draw(st.sets(st.integers(0, len(cohorts) - 1))),
        }
        for _ in range(draw(st.integers(1, 3)))
    ]
    rules = {}
    for _ in range(draw(st.integers(0, 5))):
        key = (draw(st.integers(0, n_pages - 1)), draw(st.booleans()))  # (page, on the Arabic translation?)
        opens = draw(st.one_of(st.none(), st.integers(-25, 30)))
        rules[key] = {
            "cohorts": draw(st.sets(st.integers(0, len(cohorts) - 1), min_size=1)),
            "opens": opens,
            "closes": draw(st.one_of(st.none(), st.integers(opens if opens is not None else -25, 45))),
            "releasable": draw(st.sets(st.integers(0, n_nations - 1))),
        }
    # Days on and around every boundary, where off-by-one mistakes live, plus any day at all.
    edges = [0]
    for c in cohorts:
        end = c["start"] + c["length"]
        edges += [c["start"] - 1, c["start"], end, end + c["grace"], end + c["grace"] + 1]
    for rule in rules.values():
        edges += [
            edge + delta
            for edge in (rule["opens"], rule["closes"])
            if edge is not None
            for delta in (-1, 0, 1)
        ]
    days = draw(st.lists(st.one_of(st.sampled_from(edges), st.integers(-25, 45)), min_size=1, max_size=4))
    return {
        "parents": parents,
        "cohorts": cohorts,
        "nations": n_nations,
        "users": users,
        "rules": rules,
        "days": days,
    }


def build(world):
    english = Locale.objects.get(language_code="en")
    arabic = Locale.objects.get(language_code="ar")
    homes = {
        False: HomePage.objects.get(locale=english, depth=2),
        True: HomePage.objects.get(locale=arabic, depth=2),
    }
    pages = {False: [], True: []}
    for index, parent in enumerate(world["parents"]):
        key = uuid.uuid4()
        for is_arabic, locale in ((False, english), (True, arabic)):
            under = homes[is_arabic] if parent < 0 else pages[is_arabic][parent]
            node = Page(title=f"p{index}", slug=f"p{index}-{key.hex[:8]}", locale=locale, translation_key=key)
            pages[is_arabic].append(under.add_child(instance=node))
    cohorts = [
        Cohort.objects.create(
            slug=f"c{i}",
            name=f"c{i}",
            starts_on=day(c["start"]),
            ends_on=day(c["start"] + c["length"]),
            grace_days=c["grace"],
        )
        for i, c in enumerate(world["cohorts"])
    ]
    nations = [Nation.objects.create(code=f"N{i}", name=f"Nation {i}") for i in range(world["nations"])]
    users = []
    for i, spec in enumerate(world["users"]):
        user = get_user_model().objects.create(username=f"u{i}")
        OfficerProfile.objects.create(
            user=user, nation=nations[spec["nation"]] if spec["nation"] is not None else None
        )
        for c in spec["cohorts"]:
            CohortMembership.objects.create(user=user, cohort=cohorts[c])
        users.append(user)
    for (page_index, on_arabic), spec in world["rules"].items():
        rule = AccessRule.objects.create(
            page=pages[on_arabic][page_index],
            opens_on=day(spec["opens"]) if spec["opens"] is not None else None,
            closes_on=day(spec["closes"]) if spec["closes"] is not None else None,
        )
        rule.cohorts.set([cohorts[c] for c in spec["cohorts"]])
        rule.releasable_to.set([nations[n] for n in spec["releasable"]])
    return pages[False] + pages[True], users


def brute_force(world, user_index: int, page_index: int, on_day: datetime.date) -> bool:
    """The rules read literally: ancestors' (and own) translation groups, every rule must pass."""
    chain, node = [], page_index
    while node >= 0:
        chain.append(node)
        node = world["parents"][node]
    user = world["users"][user_index]
    for (rule_page, _), rule in world["rules"].items():
        if rule_page not in chain:
            continue
        cohort_ok = any(
            day(c["start"]) <= on_day <= day(c["start"] + c["length"] + c["grace"])
            for i, c in enumerate(world["cohorts"])
            if i in rule["cohorts"] and i in user["cohorts"]
        )
        window_ok = (rule["opens"] is None or day(rule["opens"]) <= on_day) and (
            rule["closes"] is None or on_day <= day(rule["closes"])
        )
        nation_ok = not rule["releasable"] or user["nation"] in rule["releasable"]
        if not (cohort_ok and window_ok and nation_ok):
            return False
    return True


class PolicyAgreesWithTheRules(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_can_view_viewable_pages_and_brute_force_agree(self, world):
        pages, users = build(world)
        n = len(world["parents"])
        ids = [page.pk for page in pages]
        for offset in world["days"]:
            on_day = day(offset)
            for u, user in enumerate(users):
                fresh = get_user_model().objects.get(pk=user.pk)
                expected = {
                    pages[i + half * n].pk
                    for half in (0, 1)
                    for i in range(n)
                    if brute_force(world, u, i, on_day)
                }
                by_queryset = set(
                    access.viewable_pages(fresh, on_day, Page.objects.filter(pk__in=ids)).values_list(
                        "pk", flat=True
                    )
                )
                by_page = {page.pk for page in pages if access.can_view(fresh, page, on_day)}
                rows = Page.objects.filter(pk__in=ids).values("pk", "path", "depth")
                by_row = {row["pk"] for row in access.filter_viewable_rows(fresh, rows, on_day)}
                assert by_queryset == expected
                assert by_page == expected
                assert by_row == expected


class PolicyCostIsFixed(TestCase):
    def test_can_view_costs_the_same_queries_for_a_shallow_and_a_deep_page(self):
        home = HomePage.objects.get(locale__language_code="en", depth=2)
        cohort = Cohort.objects.create(slug="c", name="c", starts_on=BASE, ends_on=day(30))
        node, chain = home, []
        for level in range(8):
            node = node.add_child(instance=Page(title=f"level {level}", slug=f"level-{level}"))
            chain.append(node)
            rule = AccessRule.objects.create(page=node)
            rule.cohorts.set([cohort])
        user = get_user_model().objects.create(username="officer")
        CohortMembership.objects.create(user=user, cohort=cohort)

        def cost(page) -> int:
            fresh = get_user_model().objects.get(pk=user.pk)
            with access.request_scope(), CaptureQueriesContext(connection) as queries:
                assert access.can_view(fresh, page, day(1))
            return len(queries)

        assert cost(chain[-1]) == cost(chain[0])
        assert cost(chain[-1]) == 2  # the viewer (open cohorts and nation), the rule table


@pytest.mark.django_db
def test_rows_and_pages_give_staff_the_pages_they_may_edit(instructor, officer, course):
    module = ModuleFactory(parent=course)
    AccessRuleFactory(page=course, cohorts=[CohortFactory()])
    rows = Page.objects.filter(pk__in=[course.pk, module.pk]).values("pk", "path", "depth")
    pages = [Page.objects.get(pk=course.pk), Page.objects.get(pk=module.pk)]
    for user, expected in ((instructor, {course.pk, module.pk}), (officer, set())):
        assert {row["pk"] for row in access.filter_viewable_rows(user, rows)} == expected
        assert {page.pk for page in access.filter_viewable(user, pages)} == expected
