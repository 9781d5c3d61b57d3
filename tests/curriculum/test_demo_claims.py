"""What the demo says about itself is true.

- The README's counts (courses, tracks, modules, guides, glossary terms, programmes, the Arabic
  side) are the counts `load_demo` loads.
- `load_demo` prints the address the portal is served on (`make run HOST=… PORT=…` passes it).
- Course text that an officer can read never hints at modules that officer may not read
  (docs/authoring.md): no readable page other than a module uses a word found only in the modules
  hidden from them — for every demo officer and for a stand-in officer of every demo cohort and nation
  — and a number of modules stated in a course's text is the number that reader sees.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.utils.html import strip_tags

from wagtail.models import Page

import pytest

from curriculum.models import CoursePage, CultureGuidePage, GlossaryTerm, ModulePage, ProgrammePage, Track
from portal import access
from portal.models import Cohort, Nation
from portal.viewas import SimulatedOfficer
from search import service
from tests.search.conftest import index_now

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
SERVED_AT = "http://192.0.2.7:8765"
DEMO_OFFICERS = ("officer.us", "officer.pk", "officer.my", "officer.sa")
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
WORD = re.compile(r"[^\W\d_]{4,}")
WORD_ANY = re.compile(r"[^\W\d_]+")


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back afterwards.
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", base_url=SERVED_AT, stdout=out)
        index_now()  # what the search task does after the demo's transaction commits
        yield out.getvalue()
        transaction.set_rollback(True)


# --- the README's counts ---------------------------------------------------------------------------


def readme_counts() -> dict[str, int]:
    text = re.sub(r"\s+", " ", (REPO / "README.md").read_text(encoding="utf-8"))
    patterns = {
        (
            "courses",
            "tracks",
            "modules",
        ): r"The demo holds (\d+) courses across (\d+) tracks with (\d+) modules",
        ("guides",): r"(\d+) cultural-orientation guides",
        ("glossary terms",): r"(\d+) glossary terms \(each with its Arabic term\)",
        ("programmes",): r"(\d+) programmes, in English",
        (
            "arabic courses",
            "arabic modules",
            "arabic guides",
        ): r"in Arabic, (\d+) courses? with (\d+) modules and "
        r"(\d+) guides",
    }
    counts = {}
    for names, pattern in patterns.items():
        found = re.search(pattern, text)
        assert found, f"the README does not state the demo's {', '.join(names)} as `{pattern}`"
        counts.update(zip(names, map(int, found.groups()), strict=True))
    return counts


def test_the_readme_states_what_the_demo_loads(demo_output):
    english, arabic = {"locale__language_code": "en"}, {"locale__language_code": "ar"}
    loaded = {
        "courses": CoursePage.objects.filter(**english).count(),
        "tracks": Track.objects.count(),
        "modules": ModulePage.objects.filter(**english).count(),
        "guides": CultureGuidePage.objects.filter(**english).count(),
        "glossary terms": GlossaryTerm.objects.exclude(term_ar="").count(),
        "programmes": ProgrammePage.objects.filter(**english).count(),
        "arabic courses": CoursePage.objects.filter(**arabic).count(),
        "arabic modules": ModulePage.objects.filter(**arabic).count(),
        "arabic guides": CultureGuidePage.objects.filter(**arabic).count(),
    }
    assert GlossaryTerm.objects.filter(term_ar="").count() == 0
    assert readme_counts() == loaded


# --- the address it is served on -------------------------------------------------------------------


def test_the_sign_ins_name_the_address_the_portal_is_served_on(demo_output):
    assert f"({SERVED_AT}/accounts/login/, admin at {SERVED_AT}/admin/)" in demo_output
    assert "127.0.0.1:8000" not in demo_output


def test_make_run_hands_its_host_and_port_to_the_demo():
    make = shutil.which("make")
    assert make, "make is not installed"
    dry_run = [make, "-n", "run", "HOST=192.0.2.7", "PORT=8765"]  # prints the commands, runs none
    commands = subprocess.run(dry_run, cwd=REPO, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert "manage.py load_demo --base-url http://192.0.2.7:8765" in commands
    assert "manage.py runserver 192.0.2.7:8765" in commands


# --- no hints at restricted modules ----------------------------------------------------------------


def text_of(page: Page) -> str:
    parts = [page.title, getattr(page, "summary", "") or ""]
    for name in ("body", "objectives", "learning_objectives", "topics"):
        stream = getattr(page, name, None)
        if stream is not None:
            parts += [strip_tags(str(block.render())) for block in stream]
    return " ".join(parts)


def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(text)}


def phrases(text: str) -> set[tuple[str, str]]:
    """The text's pairs of consecutive words of four letters or more: "unmanned systems", "electronic
    warfare" (not "exercises and")."""
    sequence = [word.lower() for word in WORD_ANY.findall(text)]
    return {pair for pair in zip(sequence, sequence[1:], strict=False) if min(map(len, pair)) >= 4}


def viewers() -> list:
    """The demo officers, and a stand-in officer (as "view as" makes) for every cohort and nation."""
    from django.contrib.auth import get_user_model

    people = list(get_user_model().objects.filter(username__in=DEMO_OFFICERS))
    assert len(people) == len(DEMO_OFFICERS)
    stand_ins = [
        SimulatedOfficer(
            real_user=None,
            cohort_ids=frozenset({cohort.pk}),
            nation_id=nation.pk,
            view_date=None,
            label=f"{cohort.slug} from {nation.code}",
        )
        for cohort in Cohort.objects.all()
        for nation in Nation.objects.all()
    ]
    return people + stand_ins


def test_nothing_an_officer_may_read_hints_at_a_module_hidden_from_them(demo_output):
    """A module's distinctive phrases are the pairs of words of its title that no module readable by
    a different set of people uses anywhere: what a text describing these modules, and no others,
    gives away ("unmanned systems", "electronic warfare"). No page other than a module that a viewer
    may read uses a distinctive phrase of a module hidden from that viewer."""
    pages = [page.specific for page in Page.objects.live().filter(depth__gt=1)]
    texts = {page.pk: phrases(text_of(page)) for page in pages}
    everyone = viewers()
    readable = []
    for viewer in everyone:
        with access.request_scope():
            readable.append({page.pk for page in access.filter_viewable(viewer, pages)})
    modules = [page for page in pages if isinstance(page, ModulePage)]
    readers = {
        module.pk: frozenset(i for i, seen in enumerate(readable) if module.pk in seen) for module in modules
    }
    distinctive = {}
    for module in modules:
        elsewhere = set().union(
            *(texts[other.pk] for other in modules if readers[other.pk] != readers[module.pk])
        )
        distinctive[module.pk] = phrases(module.title) - elsewhere
    sees = {("unmanned", "systems"), ("electronic", "warfare")}
    assert sees <= set().union(*distinctive.values())  # the check can see a hint
    problems = []
    for viewer, seen in zip(everyone, readable, strict=True):
        for page in pages:
            if page.pk not in seen or isinstance(page, ModulePage):
                continue
            for module in modules:
                named = texts[page.pk] & distinctive[module.pk]
                if module.pk not in seen and named:
                    named = sorted(" ".join(pair) for pair in named)
                    problems.append(f"{viewer}: “{page.title}” names {named} of “{module.title}”")
    assert not problems, "\n".join(sorted(set(problems)))


def test_a_number_of_modules_stated_in_a_course_is_the_number_its_reader_sees(demo_output):
    courses = list(CoursePage.objects.live().filter(locale__language_code="en"))
    problems = []
    for viewer in viewers():
        with access.request_scope():
            for course in access.filter_viewable(viewer, courses):
                seen = len(access.filter_viewable(viewer, list(ModulePage.objects.live().child_of(course))))
                text = f"{course.summary} {text_of(course)}".lower()
                for stated in re.findall(rf"\b({'|'.join(NUMBERS)}|\d+) (?:\w+ )?modules?\b", text):
                    if NUMBERS.get(stated, stated) not in (seen, str(seen)):
                        problems.append(f"{viewer}: “{course.title}” says {stated} modules, shows {seen}")
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("word", ["unmanned", "electromagnetic"])
def test_searching_a_hidden_modules_words_finds_nothing_for_officer_my(demo_output, word):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="officer.my")
    superuser = get_user_model().objects.get(username="admin")
    assert service.search(superuser, word, {}, 1).hits  # the word is in the index: the check can fail
    results = service.search(officer, word, {}, 1)
    pages = [hit for hit in results.hits if hit.type in ("module", "course", "programme", "guide")]
    assert pages == [], [hit.title for hit in pages]
