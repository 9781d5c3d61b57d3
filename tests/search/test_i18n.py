"""The Arabic search page speaks Arabic: the Arabic catalogue is complete (no untranslated or fuzzy
entry, compiled), and the page's labels, facet names, tips, errors and fallback notice are Arabic."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings

import pytest

from tests.factories import CourseFactory, ModuleFactory, OfficerFactory, TrackFactory
from tests.search.conftest import index_now

CATALOGUE = settings.BASE_DIR / "locale" / "ar" / "LC_MESSAGES" / "django.po"
PAGE = "/ar/search/"

# The page's own words in English: none may show on the Arabic page.
ENGLISH_LABELS = [
    "Search modules",
    "Filter results",
    "active filter",
    "selected; choose again to remove",
    "Sort by",
    "Relevance",
    "Most recent",
    "Track",
    "Type",
    "Course",
    "Language",
    "English",
    "Arabic",
    "Module",
    "result for",
    "results for",
    "No results",
    "Suggestions",
    "Remove the filters",
    "and search everything you can read",
    "Check the spelling",
    "Arabic is found",
    "Search in the other language",
    "Only the material",
    "Browse the glossary",
    "The search could not be run",
    "The main search index is not available",
    "Page",
]


# --- the catalogue ------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def read_po(path) -> list[Entry]:
    """The entries of a .po file as makemessages writes them (polib is not a dependency)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword.startswith('"'):
            text, rest = line, None
        else:
            match = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?", keyword)
            assert match, f"{path}:{number}: cannot read {raw!r}"
            target = (match.group(1), None if match.group(2) is None else int(match.group(2)))
            text = rest
        value = ast.literal_eval(text)  # a C-escaped string literal, as Python reads it
        name, index = target
        if name == "msgstr":
            key = index or 0
            entry.msgstr[key] = entry.msgstr.get(key, "") + value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    return entries


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


def tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?\w+", text))


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return [entry for entry in read_po(CATALOGUE) if not entry.obsolete and entry.msgid]


@pytest.fixture(scope="module")
def plural_forms() -> tuple[int, str]:
    """The catalogue's Plural-Forms header: the number of forms and the C expression choosing one."""
    (header,) = [entry for entry in read_po(CATALOGUE) if entry.msgid == "" and entry.msgctxt is None]
    match = re.search(r"^Plural-Forms:\s*nplurals=(\d+);\s*plural=(.+?);?\s*$", header.msgstr[0], re.M)
    assert match, "the catalogue names its plural forms"
    return int(match.group(1)), match.group(2)


def test_every_arabic_entry_is_translated_and_none_is_fuzzy(catalogue, plural_forms):
    assert len(catalogue) > 100
    count, _expression = plural_forms
    assert count == 6  # Arabic: zero, one, two, few, many, other
    fuzzy = [str(entry) for entry in catalogue if "fuzzy" in entry.flags]
    untranslated = [str(entry) for entry in catalogue if not entry.msgstr or not all(entry.msgstr.values())]
    forms_missing = [
        str(entry) for entry in catalogue if entry.msgid_plural and sorted(entry.msgstr) != list(range(count))
    ]
    assert fuzzy == [], "fuzzy entries in locale/ar/LC_MESSAGES/django.po"
    assert untranslated == [], "untranslated entries in locale/ar/LC_MESSAGES/django.po"
    assert forms_missing == [], "plural entries without all six forms"


def test_arabic_translations_keep_placeholders_and_markup(catalogue):
    wrong = []
    for entry in catalogue:
        source = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for form, text in entry.msgstr.items():
            used = placeholders(text)
            # A plural form may leave the number out ("عضوان": two members); nothing else may differ.
            if not used <= source or (entry.msgid_plural is None and used != source):
                wrong.append(f"{entry} [{form}]: {sorted(used)} for {sorted(source)}")
            if tags(text) != tags(entry.msgid):
                wrong.append(f"{entry} [{form}]: markup {tags(text)} for {tags(entry.msgid)}")
    assert wrong == []


def test_the_compiled_catalogue_is_current(catalogue, plural_forms):
    """django.mo says what django.po says (`make messages` compiles it)."""
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    plural = gettext.c2py(plural_forms[1])
    stale = []
    for entry in catalogue:
        if entry.msgid_plural is None:
            found = (
                translations.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else translations.gettext(entry.msgid)
            )
            if found != entry.msgstr[0]:
                stale.append(str(entry))
            continue
        for n in (0, 1, 2, 3, 11, 100):
            if entry.msgctxt is not None:
                found = translations.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            else:
                found = translations.ngettext(entry.msgid, entry.msgid_plural, n)
            if found != entry.msgstr[plural(n)]:
                stale.append(f"{entry} (n={n})")
    assert stale == [], "run `make messages` to compile locale/ar/LC_MESSAGES/django.mo"


# --- the page -----------------------------------------------------------------------------------


class ReaderText(HTMLParser):
    """What a reader sees or hears on a page, leaving out content marked as another language (the
    language switcher, English hits): text, and the aria-label, title, placeholder and alt values."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, str | None]] = []
        self.hidden_depth = 0  # inside <script>, <style>, <title> or another language
        self.parts: list[str] = []

    def _foreign(self) -> bool:
        langs = [lang for _tag, lang in self.stack if lang]
        return bool(langs) and not langs[-1].startswith(self.language)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in self.VOID:
            self.stack.append((tag, attributes.get("lang")))
        if self._foreign():
            return
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attributes.get(name):
                self.parts.append(attributes[name])

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        inside = {tag for tag, _lang in self.stack}
        if inside & {"script", "style"} or self._foreign():
            return
        self.parts.append(data)

    @classmethod
    def of(cls, html: str, language: str = "ar") -> str:
        parser = cls(language)
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def english_labels_in(text: str) -> list[str]:
    return [label for label in ENGLISH_LABELS if re.search(rf"\b{re.escape(label)}\b", text)]


@pytest.fixture
def reader(client, db):
    user = OfficerFactory(username="reader")
    client.force_login(user)
    return user


@pytest.fixture
def pages(db, curriculum_index, curriculum_index_ar, locale_ar):
    """A course in each language in one track, each with a module about JOPP."""
    track = TrackFactory(slug="methodology", title="Methodology", title_ar="المنهجية")
    english = CourseFactory(
        parent=curriculum_index, title="Defence Planning", slug="defence-planning", track=track
    )
    arabic = CourseFactory(
        parent=curriculum_index_ar,
        locale=locale_ar,
        title="التخطيط الدفاعي",
        slug="al-takhtit",
        track=track,
        summary="دورة في التخطيط",
    )
    ModuleFactory(parent=english, title="Planning with JOPP", summary="The JOPP steps.")
    ModuleFactory(parent=arabic, locale=locale_ar, title="التخطيط وفق JOPP", summary="خطوات JOPP.")
    index_now()


@pytest.fixture
def bilingual(engine, pages):
    return engine


def test_the_arabic_page_with_results_and_facets_has_no_english_label(client, reader, bilingual):
    response = client.get(PAGE, {"q": "JOPP", "type": "module"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    text = ReaderText.of(html)
    for arabic in [
        "تصفية النتائج",  # Filter results
        "عامل تصفية واحد مفعّل",  # 1 active filter
        "الترتيب حسب",  # Sort by
        "الأكثر صلة",  # Relevance
        "الأحدث",  # Most recent
        "النوع",  # Type
        "المسار",  # Track
        "الدورة",  # Course
        "اللغة",  # Language
        "المنهجية",  # the track's Arabic title
        "الإنجليزيّة",  # English, as a facet value
        "محدَّد؛ اختره مرة أخرى لإلغاء التحديد",  # selected; choose again to remove
        "نتيجتان لـ «JOPP»",  # 2 results for “JOPP”
    ]:
        assert arabic in text
    assert english_labels_in(text) == []
    # The English hit keeps its language (and the reader's Arabic label of its type does not).
    assert '<h2 class="result__title" lang="en" dir="auto"><a href="/curriculum/defence-planning/' in html


def test_the_arabic_page_without_results_has_no_english_label(client, reader, bilingual):
    html = client.get(PAGE, {"q": "zeppelin", "track": "methodology"}).content.decode()
    text = ReaderText.of(html)
    for arabic in [
        "لا توجد نتائج لـ «zeppelin».",
        "أزِل عوامل التصفية وابحث في كل ما يمكنك قراءته.",
        "تحقّق من الإملاء",
        "يُعثر على النص العربي بالتشكيل أو من دونه",
        "ابحث باللغة الأخرى",
        "يقتصر البحث على المواد المتاحة لدفعاتك.",
    ]:
        assert arabic in text
    assert '<a href="?q=zeppelin">أزِل عوامل التصفية</a>' in html
    assert english_labels_in(text) == []


def test_the_arabic_page_explains_invalid_parameters_in_arabic(client, reader, db):
    response = client.get(PAGE, {"q": "JOPP", "page": "two", "type": "manual"})
    assert response.status_code == 400
    text = ReaderText.of(response.content.decode())
    assert "تعذّر إجراء البحث:" in text
    assert "الصفحة: " in text and "النوع: " in text  # the fields by their Arabic labels
    assert english_labels_in(text) == [] and "page:" not in text and "type:" not in text


def test_the_fallback_notice_is_arabic(client, reader, pages, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there: the database answers
    html = client.get(PAGE, {"q": "JOPP"}).content.decode()
    text = ReaderText.of(html)
    assert "فهرس البحث الرئيسي غير متاح حاليًّا" in text
    assert english_labels_in(text) == []


def test_the_english_page_keeps_its_english_labels(client, reader, bilingual):
    text = ReaderText.of(client.get("/search/", {"q": "JOPP", "locale": "en"}).content.decode(), "en")
    for english in ["Filter results", "1 active filter", "Sort by", "Track", "Language", "English", "Arabic"]:
        assert english in text


def test_on_phones_the_filters_are_a_closed_disclosure_before_the_results(client, reader, bilingual):
    """The panel is a <details> without `open` (js/search-filters.js opens it on wide screens), its
    summary names it and counts the active filters; no inline script or style on the page."""
    html = client.get(PAGE, {"q": "JOPP", "type": "module", "locale": "ar"}).content.decode()
    panel = re.search(
        r'<details class="facets__disclosure"[^>]*>\s*<summary class="facets__summary">(.*?)</summary>',
        html,
        re.S,
    )
    assert panel is not None and " open" not in panel.group(0).split(">")[0]
    summary = ReaderText.of(panel.group(1))
    assert summary == "تصفية النتائج عاملا تصفية مفعّلان"  # Filter results, 2 active filters
    assert html.index("facets__disclosure") < html.index('class="result-list"')
    assert "js/search-filters.js" in html and "css/search.css" in html
    assert "<script>" not in html.replace('<script src="', "") and " style=" not in html
