"""Reading and writing bundle files: JSON, or YAML with the same shape."""

from __future__ import annotations

import json
from pathlib import Path

import yaml


class BundleFileError(Exception):
    """The file cannot be read as a bundle at all (missing, not JSON/YAML, not a mapping)."""


def read_bundle(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BundleFileError(f"{path}: cannot read the file ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise BundleFileError(f"{path}: not UTF-8 text") from error
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            # YAML is a superset of JSON, so .yaml, .yml and anything else parse here. Dates stay
            # strings, as in JSON, so the schema sees the same values either way.
            data = yaml.load(text, Loader=_StringDateLoader)  # noqa: S506 - SafeLoader subclass
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


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps ISO dates as strings."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
