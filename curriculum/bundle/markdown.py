"""Markdown bodies ⇄ StreamField blocks, both ways, so a bundle round-trips.

CommonMark with GFM tables (markdown-it-py) becomes blocks:
- `## Heading` / `### Sub` → heading; paragraphs and lists → rich text (consecutive ones merged);
- GFM tables → table; a plain block quote → quote (a last line starting with "—" is the attribution);
- GitHub alert syntax for what Markdown has no words for: `> [!NOTE]` and `> [!WARNING]` → callout,
  `> [!TERMS]` with `Term; Term` → key terms linked to the glossary, `> [!VIDEO]` with a URL (and an
  optional caption line) → video;
- a paragraph that is only `![alt](image:ID "caption")` → image; only `[label](document:ID)` → document.
Links to `page:ID` and `document:ID` inside text become Wagtail's internal links.

Export (markdownify for rich text) writes the same syntax back; import(export(blocks)) == blocks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from markdown_it import MarkdownIt
from markdownify import MarkdownConverter

from curriculum.blocks import rich_text_url_errors, video_url_error

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
ALERT = re.compile(r"^\[!(NOTE|WARNING|TERMS|VIDEO)\]\s*$", re.IGNORECASE)
IMAGE_ONLY = re.compile(r'^!\[(?P<alt>[^\]]*)\]\(image:(?P<id>\d+)(?:\s+"(?P<caption>(?:[^"\\]|\\.)*)")?\)$')
DOCUMENT_ONLY = re.compile(r"^\[(?P<label>[^\]]*)\]\(document:(?P<id>\d+)\)$")
INTERNAL_HREF = re.compile(r'<a href="(page|document):(\d+)">')
WAGTAIL_LINK = re.compile(
    r'<a (?:id="(\d+)" linktype="(page|document)"|linktype="(page|document)" id="(\d+)")>'
)


@dataclass
class Conversion:
    """Blocks made from one Markdown body, and every reference that could not be resolved."""

    blocks: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class References:
    """How to resolve what a body names: glossary terms, images and documents that must exist."""

    term_id: Callable[[str], int | None]
    image_exists: Callable[[int], bool] = lambda pk: False
    document_exists: Callable[[int], bool] = lambda pk: False


def markdown_to_blocks(text: str, refs: References) -> Conversion:
    """Convert a Markdown body to raw StreamField data (a list of {"type", "value"} dicts)."""
    result = Conversion()
    lines = text.splitlines()
    tokens = _md.parse(text)
    pending_rich: list[str] = []

    def flush_rich() -> None:
        if pending_rich:
            result.blocks.append({"type": "rich_text", "value": "".join(pending_rich)})
            pending_rich.clear()

    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _matching_close(tokens, index)
        group = tokens[index : end + 1]
        index = end + 1
        if token.type == "heading_open":
            flush_rich()
            level = "h2" if token.tag in ("h1", "h2") else "h3"
            result.blocks.append({"type": "heading", "value": {"text": _plain(group[1]), "level": level}})
        elif token.type == "paragraph_open" and (media := _single_media(group[1].content, refs, result)):
            flush_rich()
            result.blocks.append(media)
        elif token.type == "blockquote_open":
            flush_rich()
            inner = _unquote(lines[token.map[0] : token.map[1]])
            result.blocks.append(_quote_or_alert(inner, refs, result))
        elif token.type == "table_open":
            flush_rich()
            result.blocks.append({"type": "table", "value": _table(group)})
        elif token.type in ("fence", "code_block"):
            pending_rich.append(f"<p><code>{html.escape(token.content.rstrip())}</code></p>")
        elif token.type == "hr":
            continue
        else:
            pending_rich.append(_rich_text(_md.renderer.render(group, _md.options, {})))
    flush_rich()
    result.errors.extend(_url_errors(result.blocks))
    return result


def _url_errors(stream: list[dict]) -> list[str]:
    """The same URL rules as the blocks' validation in the admin (curriculum.blocks)."""
    errors = []
    for position, block in enumerate(stream, start=1):
        kind, value = block["type"], block["value"]
        if kind == "video":
            found = [video_url_error(value["video"])] if value["video"] else []
        elif kind == "rich_text":
            found = rich_text_url_errors(value)
        elif kind == "callout":
            found = rich_text_url_errors(value["text"])
        else:
            continue
        errors.extend(f"block {position} ({kind}): {error}" for error in found if error)
    return errors


def _matching_close(tokens, start: int) -> int:
    token = tokens[start]
    if token.nesting != 1:
        return start
    depth = 0
    for position in range(start, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


def _plain(inline) -> str:
    return html.unescape(strip_tags(_md.renderer.render(inline.children or [], _md.options, {}))).strip()


def _plain_markdown(text: str) -> str:
    return html.unescape(strip_tags(_md.renderInline(text))).strip()


def _rich_text(rendered: str) -> str:
    """markdown-it HTML → Wagtail's rich text storage format (b/i tags, internal link types)."""
    rendered = rendered.replace("<strong>", "<b>").replace("</strong>", "</b>")
    rendered = rendered.replace("<em>", "<i>").replace("</em>", "</i>")
    rendered = INTERNAL_HREF.sub(lambda m: f'<a linktype="{m.group(1)}" id="{m.group(2)}">', rendered)
    return re.sub(r">\s*\n\s*<", "><", rendered).strip()


def _single_media(content: str, refs: References, result: Conversion) -> dict | None:
    """The block for a paragraph that is only an image or a document link, else None."""
    content = content.strip()
    if match := IMAGE_ONLY.match(content):
        pk = int(match["id"])
        if not refs.image_exists(pk):
            result.errors.append(f"unknown image {pk}")
        caption = (match["caption"] or "").replace('\\"', '"')
        return {"type": "image", "value": {"image": pk, "alt_text": match["alt"], "caption": caption}}
    if match := DOCUMENT_ONLY.match(content):
        pk = int(match["id"])
        if not refs.document_exists(pk):
            result.errors.append(f"unknown document {pk}")
        return {"type": "document", "value": {"document": pk, "label": match["label"]}}
    return None


def _unquote(lines: list[str]) -> list[str]:
    return [re.sub(r"^\s{0,3}> ?", "", line) for line in lines]


def _quote_or_alert(inner: list[str], refs: References, result: Conversion) -> dict:
    first = inner[0].strip() if inner else ""
    alert = ALERT.match(first)
    rest = "\n".join(inner[1:]).strip() if alert else "\n".join(inner).strip()
    if not alert:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rest) if p.strip()]
        attribution = ""
        if len(paragraphs) > 1 and paragraphs[-1].startswith(("—", "--")):
            attribution = _plain_markdown(paragraphs.pop().lstrip("—-").strip())
        quote = "\n\n".join(_plain_markdown(" ".join(p.split("\n"))) for p in paragraphs)
        return {"type": "quote", "value": {"quote": quote, "attribution": attribution}}
    kind = alert.group(1).upper()
    if kind == "TERMS":
        names = [name.strip() for name in " ".join(rest.split("\n")).split(";") if name.strip()]
        term_ids = []
        for name in names:
            term_id = refs.term_id(name)
            if term_id is None:
                result.errors.append(f'unknown glossary term "{name}"')
            else:
                term_ids.append(term_id)
        return {"type": "key_terms", "value": {"terms": term_ids}}
    if kind == "VIDEO":
        url, _, caption = rest.partition("\n")
        return {"type": "video", "value": {"video": url.strip(), "caption": caption.strip()}}
    text = _rich_text(_md.render(rest))
    return {"type": "callout", "value": {"kind": kind.lower(), "text": text}}


def _table(group) -> dict:
    rows: list[list[str]] = []
    for position, token in enumerate(group):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(_plain(group[position + 1]))
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "",
    }


# --- export ---------------------------------------------------------------------------------


class _Converter(MarkdownConverter):
    """markdownify configured to write back exactly the syntax the importer reads."""

    def __init__(self) -> None:
        super().__init__(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_misc=False)


def _rich_to_markdown(value: str) -> str:
    source = WAGTAIL_LINK.sub(
        lambda m: f'<a href="{m.group(2) or m.group(3)}:{m.group(1) or m.group(4)}">', str(value)
    )
    return _Converter().convert(source).strip()


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def blocks_to_markdown(stream: list[dict], term_name: Callable[[int], str]) -> str:
    """Raw StreamField data → Markdown that `markdown_to_blocks` turns back into the same blocks."""
    parts: list[str] = []
    for block in stream:
        kind, value = block["type"], block["value"]
        if kind == "heading":
            parts.append(("## " if value.get("level") != "h3" else "### ") + value["text"])
        elif kind == "rich_text":
            parts.append(_rich_to_markdown(value))
        elif kind == "callout":
            parts.append(_quoted(f"[!{value['kind'].upper()}]\n{_rich_to_markdown(value['text'])}"))
        elif kind == "quote":
            text = value["quote"]
            if value.get("attribution"):
                text += f"\n\n— {value['attribution']}"
            parts.append(_quoted(text))
        elif kind == "key_terms":
            parts.append(_quoted("[!TERMS]\n" + "; ".join(term_name(pk) for pk in value["terms"])))
        elif kind == "video":
            parts.append(_quoted(f"[!VIDEO]\n{value['video']}\n{value.get('caption', '')}".rstrip()))
        elif kind == "image":
            caption = (value.get("caption") or "").replace('"', '\\"')
            title = f' "{caption}"' if caption else ""
            parts.append(f"![{value.get('alt_text', '')}](image:{value['image']}{title})")
        elif kind == "document":
            parts.append(f"[{value.get('label', '')}](document:{value['document']})")
        elif kind == "table":
            parts.append(_table_markdown(value.get("data") or []))
    return "\n\n".join(part for part in parts if part) + ("\n" if parts else "")


def _table_markdown(rows: list[list]) -> str:
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    cell = lambda text: (str(text) if text is not None else "").replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(cell(c) for c in row + [""] * (width - len(row))) + " |" for row in rows]
    lines.insert(1, "| " + " | ".join(["---"] * width) + " |")
    return "\n".join(lines)
