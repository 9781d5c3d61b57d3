"""`manage.py load_demo`: a realistic curriculum with every role, on SQLite and on PostgreSQL."""

import datetime
import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from wagtail.models import Page

import pytest

from curriculum.models import CoursePage, CultureGuidePage, GlossaryTerm, ModulePage, ProgrammePage
from portal.models import Cohort

pytestmark = pytest.mark.django_db

REQUIRED_TRACKS = {"defense-methodology", "military-technology", "cyber-security", "intelligence-management"}
GUIDE_TOPICS = ["etiquette", "religious", "dress", "hospitality", "arabic", "outbound"]


def words(stream) -> int:
    text = " ".join(strip_tags(str(block.render())) for block in stream)
    return len(re.findall(r"\w+", text))


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back afterwards.
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_demo_has_a_real_curriculum(demo_output):
    english = {"locale__language_code": "en"}
    courses = CoursePage.objects.filter(**english).select_related("track")
    assert courses.count() >= 5
    assert {course.track.slug for course in courses} >= REQUIRED_TRACKS
    modules = ModulePage.objects.filter(**english)
    assert modules.count() >= 30
    for module in modules:
        assert words(module.body) >= 300, module.slug
        assert len(module.objectives) >= 1, module.slug
        assert len({block.block_type for block in module.body}) >= 4, module.slug
    guides = CultureGuidePage.objects.filter(**english)
    assert guides.count() >= 6
    slugs = " ".join(guides.values_list("slug", flat=True))
    assert all(topic in slugs for topic in GUIDE_TOPICS)


def test_the_demo_is_bilingual(demo_output):
    terms = GlossaryTerm.objects.exclude(term_ar="")
    assert terms.count() >= 40
    translations = Page.objects.filter(locale__language_code="ar", depth__gt=3)
    assert translations.count() >= 5
    assert all(page.translation_key for page in translations)


def test_the_demo_has_programmes_cohorts_in_every_state_and_every_role(demo_output):
    assert ProgrammePage.objects.filter(locale__language_code="en").count() >= 2
    assert ProgrammePage.objects.filter(title__icontains="symposium").exists()
    today = timezone.localdate()
    states = set()
    for cohort in Cohort.objects.all():
        if cohort.starts_on > today:
            states.add("future")
        elif today <= cohort.ends_on:
            states.add("open")
        elif today <= cohort.ends_on + datetime.timedelta(days=cohort.grace_days):
            states.add("grace")
        else:
            states.add("expired")
    assert states == {"future", "open", "grace", "expired"}
    users = get_user_model().objects.all()
    groups = set(users.values_list("groups__name", flat=True))
    assert {"Instructors", "Editors", "Programme admins"} <= groups
    assert users.filter(groups__isnull=True, is_superuser=False, cohorts__isnull=False).exists()


def test_the_demo_prints_its_sign_ins_and_loads_again_without_duplicates(demo_output):
    assert "Demo sign-ins" in demo_output
    for username in ("officer.us", "instructor", "editor", "programme.admin"):
        assert username in demo_output
    pages_before = Page.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Page.objects.count() == pages_before


def test_the_demo_instructor_teaches_the_demo_cohorts(demo_output):
    for cohort in Cohort.objects.all():
        assert list(cohort.instructors.values_list("username", flat=True)) == ["instructor"]


def test_most_demo_modules_have_a_knowledge_check_in_every_language(demo_output):
    from curriculum.checks import definition

    english = list(ModulePage.objects.filter(locale__language_code="en"))
    checks = {module.translation_key: definition.of_page(module) for module in english}
    with_checks = [check for check in checks.values() if check is not None]
    assert len(with_checks) > len(english) * 2 // 3
    assert all(not definition.problems(check) for check in with_checks)
    assert sum(check.required for check in with_checks) >= 5
    assert 1 <= sum(check.max_attempts is not None for check in with_checks) <= 3
    assert {kind for check in with_checks for q in check.questions for kind in [q.kind]} == {
        "single",
        "multiple",
    }
    arabic = list(ModulePage.objects.filter(locale__language_code="ar"))
    assert arabic
    for module in arabic:
        check = definition.of_page(module)
        assert check is not None, module.slug
        assert definition.structure_problems(check, checks[module.translation_key]) == [], module.slug
        assert check.questions[0].text != checks[module.translation_key].questions[0].text  # translated
        assert re.search(r"[\u0600-\u06FF]", check.questions[0].text), module.slug


def test_officer_us_is_part_way_through_the_checks(demo_output):
    from curriculum.checks import attempts, definition
    from curriculum.models import CheckAttempt, ModuleProgress
    from portal import access

    officer = get_user_model().objects.get(username="officer.us")
    mine = CheckAttempt.objects.filter(user=officer)
    assert mine.filter(passed=False).exists() and mine.filter(passed=True).exists()
    by_module = {}
    for module in ModulePage.objects.filter(locale__language_code="en"):
        check = definition.of_page(module)
        if check is not None:
            by_module[module.slug] = (module, check, attempts.state(officer, module, check))
    assert all(access.can_view(officer, module) for module, _, state in by_module.values() if state.used)
    untouched = [slug for slug, (_, _, state) in by_module.items() if not state.used]
    assert len(untouched) >= len(by_module) // 2

    # failed, then passed a required check: the module is completed by earning it
    module, check, state = by_module["joint-planning-process"]
    assert check.required and [a.passed for a in state.attempts] == [False, True]
    assert ModuleProgress.objects.get(user=officer, module_key=module.translation_key).completed_at
    # failed once, not completed, may try again
    module, check, state = by_module["mission-analysis"]
    assert [a.passed for a in state.attempts] == [False] and state.can_attempt
    assert not ModuleProgress.objects.filter(
        user=officer, module_key=module.translation_key, completed_at__isnull=False
    ).exists()
    # an attempt limit, one attempt left
    _, check, state = by_module["cyber-incident-response"]
    assert check.max_attempts == 2 and state.remaining == 1


def test_loading_the_demo_again_records_no_attempt_twice(demo_output):
    from curriculum.models import CheckAttempt

    before = sorted(CheckAttempt.objects.values_list("user_id", "module_key", "number", "score", "passed"))
    assert before
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert sorted(CheckAttempt.objects.values_list("user_id", "module_key", "number", "score", "passed")) == (
        before
    )
    assert "attempts recorded" not in out.getvalue()


def test_the_demos_checks_export_and_re_import_unchanged(demo_output, tmp_path):
    import json

    from wagtail.models import Revision

    from curriculum.checks import definition
    from curriculum.demo.loader import demo_bundle

    path = tmp_path / "demo-export.json"
    call_command("export_curriculum", str(path))
    exported = json.loads(path.read_text(encoding="utf-8"))
    revisions = Revision.objects.count()

    out = StringIO()
    call_command("import_curriculum", str(path), stdout=out)

    assert Revision.objects.count() == revisions
    assert "0 created, 0 updated" in out.getvalue()

    def checks(bundle: dict) -> dict:
        return {
            (module["slug"], module.get("locale", "en")): definition.of_data(module["check"])
            for course in bundle["courses"]
            for module in course.get("modules", [])
            if "check" in module
        }

    assert checks(exported) == checks(demo_bundle(timezone.localdate()))
    assert len(checks(exported)) == 28


def test_the_demo_holds_lessons_at_every_stage_in_both_languages(demo_output):
    from lessons.listing import overdue, readable
    from lessons.models import Lesson, Status
    from portal.access import is_lessons_manager

    stages = set(Lesson.objects.values_list("status", flat=True))
    assert stages == set(Status.values)
    assert set(Lesson.objects.values_list("locale", flat=True)) == {"en", "ar"}
    assert Lesson.objects.filter(locale="ar", released=True).exists()
    users = get_user_model().objects.in_bulk(field_name="username")
    assert is_lessons_manager(users["editor"]) and not is_lessons_manager(users["instructor"])
    # The cyber exercise's lesson is released to two nations: Pakistan reads it, Malaysia does not.
    assert readable(users["officer.pk"]).filter(key="phishing-reports-a-day-late").exists()
    assert not readable(users["officer.my"]).filter(key="phishing-reports-a-day-late").exists()
    assert [lesson.key for lesson in overdue()] == ["partner-information-sharing-delay"]


def test_the_demo_holds_a_lively_moderated_discussion(demo_output):
    from discussion.models import Mute, Post, Report

    posts = Post.objects.filter(thread__cohort__slug="symposium-2026")
    assert posts.count() >= 6
    assert {post.author.username for post in posts} >= {
        "officer.us",
        "officer.jo",
        "officer.tr",
        "instructor",
    }
    assert any("\u0600" <= char <= "\u06ff" for post in posts for char in post.body)  # Arabic posts too
    assert posts.filter(state=Post.State.HIDDEN).count() == 1
    assert Report.objects.filter(post__in=posts).exists()
    assert Mute.objects.filter(user__username="officer.tr", until__gt=timezone.now()).exists()
