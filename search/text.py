"""Text handling shared by both engines: normalisation, query words, highlighted snippets.

The database engine indexes and queries the *normalised* form of the text, so a word is found however
it is written. The normalisation mirrors what the Elasticsearch analyzers do (Lucene's
`ArabicNormalizer`, `lowercase`, `asciifolding`, `decimal_digit`), so the two engines agree:

- Arabic: diacritics (harakat, shadda, sukun) and tatweel are removed; أ إ آ become ا; ى becomes ي;
  ة becomes ه. ؤ and ئ are kept, as Lucene keeps them.
- Latin: lower case, accents removed (é → e).
- Digits: Arabic-Indic digits become ASCII digits.

Query text is only ever turned into words (letters and digits): quotes, operators, field names,
wildcards and control characters never reach an engine as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_TERMS = 12
MAX_TERM_LENGTH = 64

# Characters the Elasticsearch highlighter wraps matches in (private use: stripped from indexed text).
MARK_START = "\ue000"
MARK_END = "\ue001"

_ALEF_YA_TA = str.maketrans(
    {
        "\u0622": "\u0627",  # آ → ا
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0649": "\u064a",  # ى → ي
        "\u0629": "\u0647",  # ة → ه
        **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # Extended Arabic-Indic digits
    }
)
# Removed after decomposition: Latin combining accents, Arabic harakat/shadda/sukun, tatweel.
_STRIP = re.compile("[\u0300-\u036f\u064b-\u0652\u0640]")
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
# A word: a letter or digit, then letters, digits and combining marks (Arabic diacritics included).
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*")
_SPACES = re.compile(r"\s+")
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}
_PRIVATE_MARKS = str.maketrans({MARK_START: " ", MARK_END: " ", "\x00": " "})


def normalise(text: str) -> str:
    """The searchable form of `text` (see the module docstring)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFC", text).lower().translate(_ALEF_YA_TA)
    text = _STRIP.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """Text safe to index: no NUL and no highlighter sentinels."""
    if "\x00" in text or MARK_START in text or MARK_END in text:
        return text.translate(_PRIVATE_MARKS)
    return text


def words(text: str) -> list[str]:
    """The words of `text`, as written (no normalisation)."""
    return WORD.findall(text)


def query_terms(query: str) -> list[str]:
    """Normalised, distinct words of a query, at most `MAX_QUERY_TERMS` of at most `MAX_TERM_LENGTH`."""
    terms: list[str] = []
    for word in words(normalise(query)):
        term = word[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
        if len(terms) == MAX_QUERY_TERMS:
            break
    return terms


def query_text(query: str) -> str:
    """The query for an engine that analyses text itself (Elasticsearch's `match`): control and
    private-use characters removed, at most `MAX_QUERY_TERMS` chunks of at most `MAX_TERM_LENGTH`
    characters; "" when it holds no word at all."""
    if not words(query):
        return ""
    printable = "".join(
        char if unicodedata.category(char) not in _INVISIBLE else " "
        for char in unicodedata.normalize("NFC", query)
    )
    return " ".join(chunk[:MAX_TERM_LENGTH] for chunk in printable.split()[:MAX_QUERY_TERMS])


def snippet(texts: Iterable[str], terms: list[str], *, size: int = 30) -> SafeString:
    """A window of about `size` words from the first text that contains a query term, with each
    matching word in `<mark>`; everything else is escaped. Without a match: the start of the first
    non-empty text."""
    wanted = set(terms)
    fallback = None
    for text in texts:
        if not text:
            continue
        spans = [(m.start(), m.end(), normalise(m.group()) in wanted) for m in WORD.finditer(text)]
        if not spans:
            continue
        hits = [i for i, (_, _, hit) in enumerate(spans) if hit]
        if hits:
            return _window(text, spans, max(0, hits[0] - size // 4), size)
        if fallback is None:
            fallback = (text, spans)
    if fallback is None:
        return mark_safe("")  # noqa: S308 - empty
    return _window(*fallback, 0, size)


def _window(text: str, spans: list[tuple[int, int, bool]], first: int, size: int) -> SafeString:
    last = min(len(spans), first + size) - 1
    start = spans[first][0]
    end = spans[last][1]
    parts = ["… " if first > 0 else ""]
    position = start
    for begin, finish, hit in spans[first : last + 1]:
        if hit:
            parts.append(escape(text[position:begin]))
            parts.append(f"<mark>{escape(text[begin:finish])}</mark>")
            position = finish
    parts.append(escape(text[position:end]))
    if last < len(spans) - 1:
        parts.append(" …")
    return mark_safe(_SPACES.sub(" ", "".join(parts)).strip())  # noqa: S308 - every part is escaped


def marked(fragment: str) -> SafeString:
    """An Elasticsearch highlight fragment (matches between MARK_START/MARK_END) as safe HTML: the text
    escaped, the sentinels turned into `<mark>` tags."""
    html = escape(fragment).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(_SPACES.sub(" ", html).strip())  # noqa: S308 - escaped first
