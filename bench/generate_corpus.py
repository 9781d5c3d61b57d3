"""Generate a search benchmark corpus: N modules in courses across six tracks, a fifth of them in
Arabic (under Arabic translations of the courses), access rules on a fifth of the courses, cohorts and
two sign-ins (`bench.officer`, a member of some cohorts, and `bench.admin`, a superuser).

    .venv/bin/python bench/generate_corpus.py --modules 10000 [--database-url sqlite:///var/bench-search-10000.sqlite3]

Pages are written in bulk (rows computed here, paths included) rather than one `add_child` at a time,
so 50,000 modules take a minute, not an hour; no signal fires, so nothing is indexed: the benchmark
runner rebuilds the indexes itself. The corpus is deterministic for a given --modules and --seed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENGLISH_TEXT = (
    "planning mission analysis commander intent staff estimate course action wargaming risk logistics "
    "convoy sustainment supply fuel ammunition maintenance intelligence collection analysis assessment "
    "threat warning indicator network defence cyber incident response malware forensics encryption "
    "signal communication radio satellite command control coordination liaison partner nation exchange "
    "officer cadet instructor seminar symposium exercise simulation scenario terrain weather doctrine "
    "manoeuvre fires effects targeting protection security force posture readiness training evaluation "
    "lesson objective outcome strategy operational tactical joint combined coalition interoperability "
    "culture etiquette protocol language negotiation ethics law conflict humanitarian civilian "
    "counterterrorism radicalisation financing border maritime aviation airspace medical evacuation "
    "engineering bridge obstacle mobility survivability reconnaissance surveillance drone sensor "
    "acquisition procurement budget capability requirement lifecycle innovation research technology "
    "leadership decision judgement initiative discipline morale cohesion team briefing report summary "
    "timeline phase transition deployment redeployment base camp headquarters planning cell fusion"
)
ARABIC_TEXT = (
    "التخطيط المهمة تحليل القائد نية الأركان تقدير مسار العمل المناورة المخاطر الإمداد القافلة الوقود "
    "الذخيرة الصيانة الاستخبارات جمع التقييم التهديد الإنذار الشبكة الدفاع السيبراني الحادث الاستجابة "
    "التشفير الإشارة الاتصالات القيادة السيطرة التنسيق الارتباط الشريك الدولة التبادل الضابط المدرب "
    "الندوة التمرين المحاكاة السيناريو التضاريس العقيدة الحماية الأمن الجاهزية التدريب الدرس الهدف "
    "الاستراتيجية العمليات المشتركة التحالف الثقافة البروتوكول اللغة التفاوض الأخلاق القانون مُقَدِّمَة "
    "مدرسة على الحدود البحرية الطيران الإخلاء الهندسة الاستطلاع المراقبة الطائرة المسيرة القدرة البحث"
)
ENGLISH, ARABIC = ENGLISH_TEXT.split(), ARABIC_TEXT.split()
TRACKS = [
    ("defense-methodology", "Defense methodology"),
    ("military-technology", "Military technology"),
    ("cyber-security", "Cyber security"),
    ("intelligence", "Strategic intelligence"),
    ("counter-terrorism", "Counter-terrorism"),
    ("culture-language", "Culture and language"),
]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(number: int) -> str:
    """Treebeard's path step for the `number`th child (1-based), four base-36 digits."""
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


class Words:
    def __init__(self, vocabulary: list[str], rng: random.Random) -> None:
        self.vocabulary = vocabulary
        self.weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        self.rng = rng

    def __call__(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(self.vocabulary, self.weights, k=self.rng.randint(low, high)))


def setup(database_url: str, es_url: str = "", prefix: str = "bench") -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.ELASTICSEARCH_URL = es_url
    settings.SEARCH_INDEX_PREFIX = prefix


def generate(modules: int, seed: int = 2026) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from wagtail.models import Locale, Page

    from curriculum.models import CoursePage, CurriculumIndexPage, ModulePage, Track
    from portal.models import AccessRule, Cohort, CohortMembership

    call_command("migrate", verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    english, arabic = Words(ENGLISH, rng), Words(ARABIC, rng)
    locale_en = Locale.objects.get(language_code="en")
    locale_ar = Locale.objects.get(language_code="ar")
    index_en = CurriculumIndexPage.objects.get(locale=locale_en)
    index_ar = CurriculumIndexPage.objects.get(locale=locale_ar)
    course_type = ContentType.objects.get_for_model(CoursePage)
    module_type = ContentType.objects.get_for_model(ModulePage)
    tracks = [Track.objects.get_or_create(slug=slug, defaults={"title": title})[0] for slug, title in TRACKS]
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    today = datetime.date.today()

    def page(parent: Page, number: int, title: str, slug: str, content_type, locale, key=None) -> Page:
        published = start + datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        return Page(
            path=parent.path + step(number),
            depth=parent.depth + 1,
            numchild=0,
            title=title,
            draft_title=title,
            slug=slug,
            url_path=f"{parent.url_path}{slug}/",
            content_type=content_type,
            locale=locale,
            translation_key=key or uuid.uuid4(),
            live=True,
            first_published_at=published,
            last_published_at=published,
        )

    def insert(model, pages: list[Page], fields: dict) -> None:
        created = Page.objects.bulk_create(pages, batch_size=500)
        rows = [model(page_ptr_id=row.pk, **fields(index)) for index, row in enumerate(created)]
        concrete = list(model._meta.local_concrete_fields)
        for first in range(0, len(rows), 500):
            model._base_manager._insert(rows[first : first + 500], fields=concrete)

    def body(words: Words) -> list[dict]:
        return [
            {
                "type": "heading",
                "value": {"text": words(2, 4), "level": "h2"},
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
            },
            *[
                {
                    "type": "rich_text",
                    "value": f"<p>{words(40, 80)}</p>",
                    "id": str(uuid.UUID(int=rng.getrandbits(128))),
                }
                for _ in range(rng.randint(2, 4))
            ],
        ]

    started = time.monotonic()
    with transaction.atomic():
        n_courses = max(2, modules // 25)
        n_arabic_courses = max(1, n_courses // 5)
        course_titles = [english(2, 4).title() for _ in range(n_courses)]
        course_pages = [
            page(index_en, n + 1, course_titles[n], f"course-{n}", course_type, locale_en)
            for n in range(n_courses)
        ]
        insert(
            CoursePage,
            course_pages,
            lambda n: {
                "summary": english(10, 25),
                "track_id": tracks[n % len(tracks)].pk,
                "level": "foundation",
                "body": [],
                "learning_objectives": [],
            },
        )
        arabic_courses = [
            page(
                index_ar,
                n + 1,
                arabic(2, 4),
                f"course-{n}",
                course_type,
                locale_ar,
                course_pages[n].translation_key,
            )
            for n in range(n_arabic_courses)
        ]
        insert(
            CoursePage,
            arabic_courses,
            lambda n: {
                "summary": arabic(10, 25),
                "track_id": tracks[n % len(tracks)].pk,
                "level": "foundation",
                "body": [],
                "learning_objectives": [],
            },
        )
        courses = list(
            Page.objects.filter(pk__in=[p.pk for p in course_pages + arabic_courses]).order_by("path")
        )
        english_courses = [c for c in courses if c.locale_id == locale_en.pk]
        ar_courses = [c for c in courses if c.locale_id == locale_ar.pk]
        children: dict[int, int] = {}
        module_pages, languages = [], []
        for n in range(modules):
            in_arabic = n % 5 == 4
            parent = (
                ar_courses[n % len(ar_courses)] if in_arabic else english_courses[n % len(english_courses)]
            )
            children[parent.pk] = children.get(parent.pk, 0) + 1
            title = (arabic if in_arabic else english)(3, 6)
            module_pages.append(
                page(
                    parent,
                    children[parent.pk],
                    title,
                    f"module-{n}",
                    module_type,
                    locale_ar if in_arabic else locale_en,
                )
            )
            languages.append(in_arabic)
        insert(
            ModulePage,
            module_pages,
            lambda n: {
                "summary": (arabic if languages[n] else english)(15, 30),
                "objectives": [],
                "estimated_minutes": 30,
                "classification": "UNCLASSIFIED",
                "body": body(arabic if languages[n] else english),
            },
        )
        for course in courses:
            Page.objects.filter(pk=course.pk).update(numchild=children.get(course.pk, 0))
        Page.objects.filter(pk=index_en.pk).update(numchild=len(english_courses))
        Page.objects.filter(pk=index_ar.pk).update(numchild=len(ar_courses))

        cohorts = [
            Cohort.objects.create(
                slug=f"bench-cohort-{n}",
                name=f"Bench cohort {n}",
                starts_on=today - datetime.timedelta(days=rng.randint(-30, 300)),
                ends_on=today + datetime.timedelta(days=rng.randint(-60, 200)),
            )
            for n in range(40)
        ]
        # In bulk, like the pages: no signal, so nothing is queued for indexing.
        rules = AccessRule.objects.bulk_create(
            [AccessRule(page_id=course.pk) for course in english_courses if rng.random() < 0.2]
        )
        AccessRule.cohorts.through.objects.bulk_create(
            [
                AccessRule.cohorts.through(accessrule_id=rule.pk, cohort_id=cohort.pk)
                for rule in rules
                for cohort in rng.sample(cohorts, rng.randint(1, 2))
            ]
        )
        User = get_user_model()
        officer, _ = User.objects.get_or_create(username="bench.officer")
        for cohort in cohorts[::4]:
            CohortMembership.objects.get_or_create(cohort=cohort, user=officer)
        User.objects.get_or_create(username="bench.admin", defaults={"is_superuser": True, "is_staff": True})
    return {
        "modules": modules,
        "courses": len(courses),
        "rules": len(rules),
        "seconds": round(time.monotonic() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modules", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{ROOT / 'var' / f'bench-search-{args.modules}.sqlite3'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    setup(url)
    print(generate(args.modules, args.seed))


if __name__ == "__main__":
    main()
