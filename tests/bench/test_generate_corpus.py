"""The benchmark corpus generator writes a valid Wagtail tree in streamed batches (the benchmarks
themselves are not tests: figures in docs/benchmarks.md)."""

from __future__ import annotations

from wagtail.models import Page

import pytest

from bench.generate_corpus import generate
from curriculum.models import CoursePage, ModulePage
from portal.models import AccessRule, Cohort


@pytest.mark.django_db
def test_a_small_corpus_in_several_batches_is_a_valid_tree():
    result = generate(130, cohorts=12, rules=30, batch=50)

    assert ModulePage.objects.count() == 130
    assert CoursePage.objects.count() == result["courses"] == 5 + 1  # N/25 courses, a fifth in Arabic
    assert Cohort.objects.count() == 12
    assert AccessRule.objects.count() == result["rules"] == 30
    # treebeard's own check: paths, depths and child counts agree.
    assert Page.find_problems() == ([], [], [], [], [])
    for course in CoursePage.objects.all():
        assert course.numchild == ModulePage.objects.child_of(course).count()
