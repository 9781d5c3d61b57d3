"""`__any_of` (portal.lookups): the values are bound as one parameter, encoded once, and match exactly
what they say, whatever characters they hold (the PostgreSQL array literal is quoted by hand)."""

from __future__ import annotations

import pytest

from portal.lookups import Values
from portal.models import Nation

AWKWARD = ['Quote " inside', "Back\\slash", "Comma, brace {x}", "NULL", "", "  spaced  ", "عربي"]


@pytest.mark.django_db
def test_any_of_matches_exactly_the_values_given():
    for number, name in enumerate([*AWKWARD, "Other"]):
        Nation.objects.create(code=f"{number:02d}", name=name)
    values = Values(AWKWARD)
    found = Nation.objects.filter(name__any_of=values)
    assert sorted(found.values_list("name", flat=True)) == sorted(AWKWARD)
    # The same encoded values serve a second query, and a plain list gives the same answer.
    assert found.exclude(name__any_of=values).count() == 0
    assert set(Nation.objects.filter(name__any_of=list(AWKWARD))) == set(found)
    assert not Nation.objects.filter(name__any_of=Values([])).exists()
