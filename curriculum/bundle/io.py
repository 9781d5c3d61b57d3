"""Reading and writing bundle files: JSON, or YAML with the same shape."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

# A bundle of the whole demo is well under 1 MiB and nests 10 levels deep (bundle → courses → module →
# check → questions → question → options → option); these limits leave room for much more while
# keeping parsing, schema checks and the importer (all recursive) far from Python's recursion limit
# and the machine's memory.
MAX_BUNDLE_BYTES = 32 * 1024 * 1024
MAX_NESTING = 32


class BundleFileError(Exception):
    """The file cannot be read as a bundle at all (missing, too large, too deeply nested, not
    JSON/YAML, not a mapping)."""


def read_bundle(path: str | Path) -> dict:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleFileError(
                f"{path}: the file is {size:,} bytes; a bundle may be at most {MAX_BUNDLE_BYTES:,} bytes "
                f"({MAX_BUNDLE_BYTES // (1024 * 1024)} MiB): split it into several bundles"
            )
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BundleFileError(f"{path}: cannot read the file ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise BundleFileError(f"{path}: not UTF-8 text") from error
    is_json = path.suffix.lower() == ".json"
    try:
        too_deep = _json_too_deep(text) if is_json else _yaml_too_deep(text)
    except yaml.YAMLError as error:
        raise BundleFileError(f"{path}: not valid JSON or YAML: {error}") from error
    if too_deep:
        line, column = too_deep
        raise BundleFileError(
            f"{path}: nested too deeply at line {line}, column {column} "
            f"(a bundle nests at most {MAX_NESTING} levels)"
        )
    try:
        # YAML is a superset of JSON, so .yaml, .yml and anything else parse as YAML. Dates stay
        # strings, as in JSON, so the schema sees the same values either way.
        data = json.loads(text) if is_json else yaml.load(text, Loader=_StringDateLoader)  # noqa: S506
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise BundleFileError(f"{path}: not valid JSON or YAML: {error}") from error
    if not isinstance(data, dict):
        raise BundleFileError(f"{path}: a bundle is a mapping with a 'format' key")
    return data


def write_bundle(data: dict, path: str | Path) -> None:
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def _json_too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) of the first bracket nested deeper than MAX_NESTING, else None; brackets
    inside strings do not count. Runs before json.loads, whose decoder recurses."""
    depth = 0
    in_string = escaped = False
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, position) + 1
                return line, position - (text.rfind("\n", 0, position) + 1) + 1
        elif char in "]}":
            depth -= 1
    return None


def _yaml_too_deep(text: str) -> tuple[int, int] | None:
    """The same for YAML, over the parser's events (the parser iterates; the composer recurses)."""
    depth = 0
    for event in yaml.parse(text, Loader=_StringDateLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark.line + 1, event.start_mark.column + 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps ISO dates as strings."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
