"""Check a demo content fragment while writing it: schema, word counts, glossary references.

Run: .venv/bin/python curriculum/demo/check_fragment.py curriculum/demo/content/FILE.yaml
"""

import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parents[3] / "shared/schema/curriculum-bundle.schema.json"
CONTENT = Path(__file__).resolve().parent / "content"
TERMS = re.compile(r"^> \[!TERMS\]\n> (.+)$", re.M)


def main(path: str) -> int:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = []
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for err in validator.iter_errors(data):
        errors.append(f"schema {list(err.absolute_path)}: {err.message}")
    known = set()
    for other in CONTENT.glob("*.yaml"):
        frag = yaml.safe_load(other.read_text(encoding="utf-8")) or {}
        known.update(item["term"] for item in frag.get("glossary", []))
    for course in data.get("courses", []):
        for module in course.get("modules", []):
            body = module.get("body", "")
            words = len(body.split())
            if words < 300:
                errors.append(f"module {module['slug']} ({module.get('locale', 'en')}): {words} words < 300")
            for match in TERMS.finditer(body):
                for term in match.group(1).split("; "):
                    if term.strip() not in known:
                        errors.append(f"module {module['slug']}: unknown glossary term {term!r}")
    for e in errors:
        print(e)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
