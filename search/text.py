"""Text handling shared by both engines: normalisation, analysis into terms, query words, highlighted
snippets.

The database engine indexes and queries the *analysed* form of the text (`analyse`, `term`): the
terms that the Elasticsearch analyzer `tabadul_text` (`search.elastic`) makes of the same words, so a
word is found however it is written and both engines agree. Each word goes through, in Lucene's
order:

1. lower case, and every decimal digit as an ASCII digit (`lowercase`, `decimal_digit`);
2. the stop words of Lucene's `ArabicAnalyzer` (`search/data/arabic_stopwords.txt`, matched before
   normalisation, as Lucene does) are dropped;
3. Lucene's `ArabicNormalizer`: diacritics (harakat, shadda, sukun) and tatweel removed; أ إ آ → ا;
   ى → ي; ة → ه (ؤ and ئ are kept, as Lucene keeps them);
4. Lucene's `ArabicStemmer`: one prefix (ال وال بال كال فال لل, or و on words of four letters or more),
   then every suffix in its order (ها ان ات ون ين يه ية ه ة ي), each leaving at least two letters;
5. Latin accents removed (é → e, `asciifolding`);
6. the English possessive ('s) removed, then the Snowball English (Porter2) stemmer, from the
   `snowballstemmer` package, which is the algorithm of Lucene's `SnowballFilter` with `EnglishStemmer`.

`normalise` is steps 1, 3 and 5 on a whole text (no stop words, no stemming): the form suggestions
match by prefix.

Query text is only ever turned into words (letters and digits): quotes, operators, field names,
wildcards and control characters never reach an engine as syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

import snowballstemmer

MAX_QUERY_TERMS = 12
MAX_TERM_LENGTH = 64

# Characters the Elasticsearch highlighter wraps matches in (private use: stripped from indexed text).
MARK_START = "\ue000"
MARK_END = "\ue001"

# Lucene's ArabicNormalizer folds these letters (both the plain form and the terms use them).
_ARABIC_LETTER_FOLDS = {
    "\u0622": "\u0627",  # آ → ا
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0649": "\u064a",  # ى → ي
    "\u0629": "\u0647",  # ة → ه
}
_ALEF_YA_TA = str.maketrans(
    {
        **_ARABIC_LETTER_FOLDS,
        **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # Extended Arabic-Indic digits
    }
)
# Removed after decomposition: Latin combining accents, Arabic harakat/shadda/sukun, tatweel.
_STRIP = re.compile("[\u0300-\u036f\u064b-\u0652\u0640]")
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
# A word: a letter or digit, then letters, digits and combining marks (Arabic diacritics included),
# and apostrophes between letters ("officer's", as the standard tokenizer keeps it).
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}]|['\u2019\uff07](?=[^\W_]))*")
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


# --- analysis: the terms both engines index and query ---------------------------------------------

ARABIC_STOP_WORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "arabic_stopwords.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)
# Lucene's ArabicStemmer: prefixes (the first that fits is removed), suffixes (each that fits, in turn).
ARABIC_PREFIXES = (
    "\u0627\u0644",
    "\u0648\u0627\u0644",
    "\u0628\u0627\u0644",
    "\u0643\u0627\u0644",
    "\u0641\u0627\u0644",
    "\u0644\u0644",
    "\u0648",
)
ARABIC_SUFFIXES = (
    "\u0647\u0627",
    "\u0627\u0646",
    "\u0627\u062a",
    "\u0648\u0646",
    "\u064a\u0646",
    "\u064a\u0647",
    "\u064a\u0629",
    "\u0647",
    "\u0629",
    "\u064a",
)
_ARABIC_NORMAL = str.maketrans(
    {
        **_ARABIC_LETTER_FOLDS,
        **dict.fromkeys(range(0x064B, 0x0653)),  # tanwin, harakat, shadda, sukun
        0x0640: None,  # tatweel
    }
)
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")
_APOSTROPHES = "'\u2019\uff07"
_POSSESSIVE = re.compile(f"[{_APOSTROPHES}][sS]$")
_english = snowballstemmer.stemmer("english")


def _digits(word: str) -> str:
    return "".join(
        str(unicodedata.digit(char)) if unicodedata.category(char) == "Nd" else char for char in word
    )


def arabic_stem(word: str) -> str:
    """Lucene's `ArabicStemmer.stem` on a normalised word."""
    for prefix in ARABIC_PREFIXES:
        if len(word) >= (4 if len(prefix) == 1 else len(prefix) + 2) and word.startswith(prefix):
            word = word[len(prefix) :]
            break
    for suffix in ARABIC_SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def term(word: str) -> str | None:
    """The indexed term of one word (see the module docstring); None for a stop word."""
    word = _digits(word.lower()) if not word.isascii() else word.lower()
    if not word.isascii():
        if word in ARABIC_STOP_WORDS:
            return None
        word = arabic_stem(word.translate(_ARABIC_NORMAL))
        word = unicodedata.normalize("NFC", _LATIN_ACCENTS.sub("", unicodedata.normalize("NFKD", word)))
    word = _POSSESSIVE.sub("", word)
    return _english.stemWord(word) or None


def terms(text: str) -> list[str]:
    """The terms of `text`, in order (stop words left out)."""
    return [found for found in map(term, words(text)) if found]


def analyse(text: str) -> str:
    """The terms of `text` as one string (what the database engine stores and full-text indexes)."""
    return " ".join(terms(text))


def clean(text: str) -> str:
    """Text safe to index: no NUL and no highlighter sentinels."""
    if "\x00" in text or MARK_START in text or MARK_END in text:
        return text.translate(_PRIVATE_MARKS)
    return text


def words(text: str) -> list[str]:
    """The words of `text`, as written (no normalisation)."""
    return WORD.findall(text)


def query_terms(query: str) -> list[str]:
    """The distinct terms (`term`) of a query's words, at most `MAX_QUERY_TERMS` words of at most
    `MAX_TERM_LENGTH` characters."""
    found: list[str] = []
    for word in words(query)[:MAX_QUERY_TERMS]:
        analysed = term(word[:MAX_TERM_LENGTH])
        if analysed and analysed not in found:
            found.append(analysed)
    return found


def prefix_terms(query: str) -> list[str]:
    """Normalised, distinct words of a query (not stemmed: suggestions match their beginnings), at most
    `MAX_QUERY_TERMS` of at most `MAX_TERM_LENGTH`."""
    found: list[str] = []
    for word in words(normalise(query)):
        if word[:MAX_TERM_LENGTH] not in found:
            found.append(word[:MAX_TERM_LENGTH])
        if len(found) == MAX_QUERY_TERMS:
            break
    return found


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
    word whose term (`term`) is one of `terms` in `<mark>`, as written; everything else is escaped.
    Without a match: the start of the first non-empty text."""
    wanted = set(terms)
    fallback = None
    for text in texts:
        if not text:
            continue
        spans = [(m.start(), m.end(), term(m.group()) in wanted) for m in WORD.finditer(text)]
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
