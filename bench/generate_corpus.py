"""Generate a benchmark corpus: N modules in courses across six tracks, a fifth of them in Arabic
(under Arabic translations of the courses), access rules (by default on a fifth of the English
courses), cohorts and two sign-ins (`bench.officer`, a member of every fourth of the first 40
cohorts, and `bench.admin`, a superuser).

    .venv/bin/python bench/generate_corpus.py --modules 100000 \
        [--database-url postgres://tabadul:tabadul@127.0.0.1:54329/tabadul_scale] [--cohorts 40] [--rules N]

The database is emptied first (the SQLite file deleted, the PostgreSQL database dropped and created).
Pages are written in bulk (rows computed here, treebeard paths, depths and child counts included) rather
than one `add_child` at a time, and streamed: modules are built, inserted and committed in batches
(`--batch`, one transaction each), so memory stays bounded whatever N (nothing holds the N modules)
and progress is printed as it goes. No signal fires, so nothing is indexed: the benchmark runners
rebuild the indexes themselves. The corpus is deterministic for a given --modules, --cohorts, --rules
and --seed. Prints the counts, the seconds and the peak resident memory.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import resource
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
        # Cumulative Zipf weights, summed once (the same draws as passing the weights to each call).
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
        self.rng = rng

    def __call__(self, low: int, high: int) -> str:
        k = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=k))


def peak_rss_mb() -> int:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def fresh_database(url: str) -> None:
    """An empty database at `url`: the SQLite file deleted, or the PostgreSQL database dropped and
    created again (the role must be allowed to create databases)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def corpus_exists(url: str, username: str = "bench.admin") -> bool:
    """Does `url` hold a finished corpus (the last thing `generate` writes is `bench.admin`)?"""
    query = f"SELECT 1 FROM auth_user WHERE username = '{username}'"  # noqa: S608 - our own constant
    try:
        if url.startswith("sqlite:///"):
            import sqlite3

            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                return False
            with sqlite3.connect(path) as db:
                return db.execute(query).fetchone() is not None
        import psycopg

        with psycopg.connect(url) as db:
            return db.execute(query).fetchone() is not None
    except Exception:  # noqa: BLE001 - a missing database or table: no corpus
        return False


def setup(database_url: str, es_url: str = "", prefix: str = "bench") -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabadul.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.ELASTICSEARCH_URL = es_url
    settings.SEARCH_INDEX_PREFIX = prefix


def generate(
    modules: int,
    seed: int = 2026,
    *,
    cohorts: int = 40,
    rules: int | None = None,
    batch: int = 2000,
    progress=None,
) -> dict:
    """Write the corpus into the (empty, migrated here) database configured by `setup`.

    Memory is bounded by the courses (N/25) and one batch of modules; each batch is one transaction.
    `rules`: how many access rules (default: on about a fifth of the English courses); beyond those
    courses the rest go on modules drawn at random. `progress(text)` is called after each batch."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction

    from wagtail.models import Locale, Page

    from curriculum.models import CoursePage, CurriculumIndexPage, ModulePage, Track
    from portal.models import AccessRule, Cohort, CohortMembership

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic()
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

    n_courses = max(2, modules // 25)
    n_arabic_courses = max(1, n_courses // 5)

    def parent_of(n: int) -> tuple[bool, int]:
        """Module n's language (Arabic?) and its course's position among the courses of that language."""
        in_arabic = n % 5 == 4
        return in_arabic, n % (n_arabic_courses if in_arabic else n_courses)

    # Each course's child count, known before any page is written (so no update afterwards).
    numchild: dict[tuple[bool, int], int] = {}
    for n in range(modules):
        key = parent_of(n)
        numchild[key] = numchild.get(key, 0) + 1

    def page(parent: Page, number: int, title: str, slug: str, content_type, locale, **fields) -> Page:
        published = start + datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        return Page(
            path=parent.path + step(number),
            depth=parent.depth + 1,
            numchild=fields.pop("numchild", 0),
            title=title,
            draft_title=title,
            slug=slug,
            url_path=f"{parent.url_path}{slug}/",
            content_type=content_type,
            locale=locale,
            translation_key=fields.pop("key", None) or uuid.uuid4(),
            live=True,
            first_published_at=published,
            last_published_at=published,
        )

    def insert(model, pages: list[Page], fields) -> list[Page]:
        created = Page.objects.bulk_create(pages, batch_size=500)
        rows = [model(page_ptr_id=row.pk, **fields(index)) for index, row in enumerate(created)]
        concrete = list(model._meta.local_concrete_fields)
        for first in range(0, len(rows), 500):
            model._base_manager._insert(rows[first : first + 500], fields=concrete)
        return created

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

    def course_fields(words: Words):
        return lambda n: {
            "summary": words(10, 25),
            "track_id": tracks[n % len(tracks)].pk,
            "level": "foundation",
            "body": [],
            "learning_objectives": [],
        }

    with transaction.atomic():
        english_courses = insert(
            CoursePage,
            [
                page(
                    index_en,
                    n + 1,
                    english(2, 4).title(),
                    f"course-{n}",
                    course_type,
                    locale_en,
                    numchild=numchild.get((False, n), 0),
                )
                for n in range(n_courses)
            ],
            course_fields(english),
        )
        ar_courses = insert(
            CoursePage,
            [
                page(
                    index_ar,
                    n + 1,
                    arabic(2, 4),
                    f"course-{n}",
                    course_type,
                    locale_ar,
                    key=english_courses[n].translation_key,
                    numchild=numchild.get((True, n), 0),
                )
                for n in range(n_arabic_courses)
            ],
            course_fields(arabic),
        )
        Page.objects.filter(pk=index_en.pk).update(numchild=len(english_courses))
        Page.objects.filter(pk=index_ar.pk).update(numchild=len(ar_courses))
        course_rule_pages = [course.pk for course in english_courses if rng.random() < 0.2]
    if rules is not None:
        course_rule_pages = course_rule_pages[:rules]
    extra_rules = 0 if rules is None else min(modules, rules - len(course_rule_pages))
    ruled_modules = set(random.Random(seed + 1).sample(range(modules), extra_rules))
    module_rule_pages: list[int] = []

    children: dict[tuple[bool, int], int] = {}
    for first in range(0, modules, batch):
        numbers = range(first, min(first + batch, modules))
        pages, languages = [], []
        for n in numbers:
            in_arabic, position = key = parent_of(n)
            children[key] = children.get(key, 0) + 1
            parent = (ar_courses if in_arabic else english_courses)[position]
            locale = locale_ar if in_arabic else locale_en
            title = (arabic if in_arabic else english)(3, 6)
            pages.append(page(parent, children[key], title, f"module-{n}", module_type, locale))
            languages.append(in_arabic)
        with transaction.atomic():
            created = insert(
                ModulePage,
                pages,
                lambda i, languages=languages: {
                    "summary": (arabic if languages[i] else english)(15, 30),
                    "objectives": [],
                    "estimated_minutes": 30,
                    "classification": "UNCLASSIFIED",
                    "body": body(arabic if languages[i] else english),
                },
            )
        module_rule_pages += [row.pk for n, row in zip(numbers, created, strict=True) if n in ruled_modules]
        del pages, created
        if progress:
            progress(
                f"{numbers.stop}/{modules} modules, {time.monotonic() - started:.0f} s, "
                f"peak RSS {peak_rss_mb()} MB"
            )

    with transaction.atomic():
        all_cohorts = Cohort.objects.bulk_create(
            Cohort(
                slug=f"bench-cohort-{n}",
                name=f"Bench cohort {n}",
                starts_on=today - datetime.timedelta(days=rng.randint(-30, 300)),
                ends_on=today + datetime.timedelta(days=rng.randint(-60, 200)),
            )
            for n in range(cohorts)
        )
        # In bulk, like the pages: no signal, so nothing is queued for indexing.
        created_rules = AccessRule.objects.bulk_create(
            [AccessRule(page_id=pk) for pk in course_rule_pages + module_rule_pages], batch_size=1000
        )
        AccessRule.cohorts.through.objects.bulk_create(
            [
                AccessRule.cohorts.through(accessrule_id=rule.pk, cohort_id=cohort.pk)
                for rule in created_rules
                for cohort in rng.sample(all_cohorts, min(len(all_cohorts), rng.randint(1, 2)))
            ],
            batch_size=1000,
        )
        User = get_user_model()
        officer, _ = User.objects.get_or_create(username="bench.officer")
        CohortMembership.objects.bulk_create(
            CohortMembership(cohort=cohort, user=officer) for cohort in all_cohorts[:40:4]
        )
        User.objects.get_or_create(username="bench.admin", defaults={"is_superuser": True, "is_staff": True})
    return {
        "modules": modules,
        "courses": len(english_courses) + len(ar_courses),
        "cohorts": cohorts,
        "rules": len(created_rules),
        "migrate_seconds": round(migrated - started, 1),
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modules", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cohorts", type=int, default=40)
    parser.add_argument("--rules", type=int, help="default: on about a fifth of the English courses")
    parser.add_argument("--batch", type=int, default=2000, help="modules per transaction")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{ROOT / 'var' / f'bench-search-{args.modules}.sqlite3'}"
    fresh_database(url)
    setup(url)
    print(
        generate(
            args.modules,
            args.seed,
            cohorts=args.cohorts,
            rules=args.rules,
            batch=args.batch,
            progress=lambda text: print(f"… {text}", file=sys.stderr, flush=True),
        )
    )


if __name__ == "__main__":
    main()
