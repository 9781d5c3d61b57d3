"""A module's knowledge check is never searchable: its questions, options, feedback and explanations
are in no document, hit or snippet, on either engine, so search can never hand out an answer."""

from __future__ import annotations

import pytest

from search import service
from tests.factories import ModuleFactory, OfficerFactory, check_questions
from tests.search.conftest import index_now

pytestmark = pytest.mark.django_db


def test_the_check_of_a_module_is_in_no_search_hit(engine, course):
    ModuleFactory(
        parent=course,
        title="Mission Analysis",
        check_questions=check_questions(
            (
                "single",
                "Which quarzelbeam comes first?",
                [("Wobblegrade", True, "Zanthorpic feedback"), ("Budget", False, "")],
                "Plinkerous explanation",
            )
        ),
    )
    index_now()
    reader = OfficerFactory(username="reader")
    assert service.search(reader, "mission", {}, 1).count == 1
    for word in ("quarzelbeam", "wobblegrade", "zanthorpic", "plinkerous"):
        assert service.search(reader, word, {}, 1).count == 0, word
