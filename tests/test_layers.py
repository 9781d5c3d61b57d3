"""Imports point down the layers, never up: the rule of docs/architecture.md, kept true by a test.

Layers, top to bottom:

- `tabadul`: the project's wiring (settings, root URLconf, WSGI/ASGI); it may import everything.
- the content apps (`CONTENT_APPS`): what officers read; they use search and the portal.
- `search`: the search page and its index; content apps declare their documents to it, so it
  names none of them.
- `xapi`: learning records for a learning record store, beside `search`: content apps record their
  events through it, so it names none of them; it and `search` do not import each other.
- `portal`: people, cohorts, nations, access rules and policy, the audit trail, security.

A module may import its own package and the layers below it. Content apps do not import each
other either: each can be added or removed alone, and what two of them share belongs to a lower
layer. And models import no admin screen (a first-party `admin` or `wagtail_hooks` module): the app
that owns a screen attaches it, so loading the models never loads the admin.

Every `.py` file of the first-party packages is read with `ast`, migrations and management
commands included, and every import statement counts wherever it is (in a function, under
`TYPE_CHECKING`). `manage.py`, the tests and the benchmarks are outside the rule. Imports made from
strings (`import_module`, `"app.Model"` references) are not import statements and are not seen.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The apps of content officers read. A new one (lessons learned, events, ...) is added here.
CONTENT_APPS = ("curriculum", "lessons", "discussion")

# Each first-party package's layer: a higher number may import a lower one, never the reverse.
CONTENT_LAYER = 2
LAYERS = {"tabadul": 3, **dict.fromkeys(CONTENT_APPS, CONTENT_LAYER), "search": 1, "xapi": 1, "portal": 0}

ADMIN_MODULES = {"admin", "wagtail_hooks"}


@dataclass(frozen=True, order=True)
class Violation:
    path: str  # relative to the checked root, with forward slashes
    line: int
    target: str  # the dotted name imported
    reason: str


def check_layers(root: Path) -> list[Violation]:
    """Every import in the first-party packages under `root` that breaks the layer rules: one
    violation per statement and rule, naming the module it reaches."""
    found: set[Violation] = set()
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            module = _module_name(relative)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, names in _imports(tree, module, is_package=path.name == "__init__.py"):
                for target, reason in filter(None, (_broken_rule(module, name) for name in names)):
                    found.add(Violation(relative.as_posix(), line, target, reason))
    return sorted(found)


def _module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, module: str, *, is_package: bool) -> list[tuple[int, list[str]]]:
    """(line, dotted names) of every import statement, relative ones resolved. `from a import b`
    names `a.b`: it may be the module `a.b` or a name defined in `a`, and either way reaches `a`."""
    statements: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            statements.append((node.lineno, [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, is_package=is_package)
            names = [base if alias.name == "*" else f"{base}.{alias.name}" for alias in node.names]
            statements.append((node.lineno, names))
    return statements


def _resolve(node: ast.ImportFrom, module: str, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    keep = len(package) - (node.level - 1)
    if keep < 1:  # beyond the top-level package: Python refuses it, and no rule applies
        return "." * node.level + (node.module or "")
    return ".".join([*package[:keep], *([node.module] if node.module else [])])


def _broken_rule(module: str, name: str) -> tuple[str, str] | None:
    """(the module reached, the rule) when importing `name` from `module` breaks a rule."""
    source, imported = module.split(".")[0], name.split(".")[0]
    if imported not in LAYERS:
        return None  # the standard library, Django, Wagtail, ...
    if imported != source and LAYERS[imported] >= LAYERS[source]:
        if LAYERS[imported] == LAYERS[source] != CONTENT_LAYER:
            return imported, f"{source} and {imported} are side by side: neither imports the other"
        if LAYERS[imported] == LAYERS[source]:
            return imported, f"content apps do not import each other ({source} imports {imported})"
        return imported, f"{source} is below {imported}: it may not import it"
    parts = name.split(".")
    admin = next((i for i, part in enumerate(parts) if i and part in ADMIN_MODULES), None)
    if "models" in module.split(".")[1:] and admin is not None:
        return ".".join(parts[: admin + 1]), "models import no admin screen"
    return None


# --- the tree as it is --------------------------------------------------------------------------


def test_no_module_imports_up_a_layer():
    violations = check_layers(ROOT)

    assert violations == [], "\n".join(f"{v.path}:{v.line}: {v.target}: {v.reason}" for v in violations)


def test_the_check_reads_every_first_party_package():
    # A renamed or missing package would make the check above pass by reading nothing.
    for package in LAYERS:
        assert (ROOT / package / "__init__.py").is_file(), package


# --- the check itself, on a small tree with upward imports ----------------------------------------


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_the_check_reports_exactly_the_upward_imports(tmp_path):
    write_tree(
        tmp_path,
        {
            "tabadul/__init__.py": "",
            "tabadul/urls.py": "import curriculum.views\nfrom search import urls\nfrom portal import views\n",
            "curriculum/__init__.py": "",
            "curriculum/views.py": "from search import service, text\nfrom portal import access\n",
            "curriculum/wagtail_hooks.py": "from . import views\n",
            "curriculum/models/__init__.py": "from .pages import Page\n",
            "curriculum/models/pages.py": """\
                from wagtail.admin.panels import FieldPanel
                from portal import access

                def panels():
                    from ..wagtail_hooks import register
                    return register
                """,
            "curriculum/migrations/0001_initial.py": "import tabadul.settings\n",
            "search/__init__.py": "",
            "search/documents.py": """\
                from portal.access import can_view

                def build(page):
                    from curriculum.models import ModulePage
                    return ModulePage
                """,
            "portal/__init__.py": "",
            "portal/x.py": "from search import y, z\nfrom . import access\n",
            "portal/access.py": "from .models import AccessRule\n",
            "portal/management/commands/report.py": "from ...x import y\nimport tabadul.urls as urls\n",
        },
    )

    found = [(v.path, v.line, v.target) for v in check_layers(tmp_path)]

    assert found == [
        ("curriculum/migrations/0001_initial.py", 1, "tabadul"),
        ("curriculum/models/pages.py", 5, "curriculum.wagtail_hooks"),  # relative, in a function
        ("portal/management/commands/report.py", 2, "tabadul"),
        ("portal/x.py", 1, "search"),  # one statement, two names: reported once
        ("search/documents.py", 4, "curriculum"),  # in a function
    ]


def test_content_apps_do_not_import_each_other(tmp_path, monkeypatch):
    monkeypatch.setitem(LAYERS, "lessons", LAYERS["curriculum"])
    write_tree(
        tmp_path,
        {
            "lessons/__init__.py": "",
            "lessons/models.py": "from curriculum.models import Module\nfrom portal.admin import panels\n",
            "curriculum/__init__.py": "",
        },
    )

    reasons = [(v.path, v.line, v.reason) for v in check_layers(tmp_path)]

    assert reasons == [
        ("lessons/models.py", 1, "content apps do not import each other (lessons imports curriculum)"),
        ("lessons/models.py", 2, "models import no admin screen"),
    ]


def test_search_and_xapi_do_not_import_each_other(tmp_path):
    write_tree(
        tmp_path,
        {
            "search/__init__.py": "",
            "search/tasks.py": "from xapi import outbox\n",
            "xapi/__init__.py": "",
            "xapi/sending.py": "import portal.access\nimport search.service\n",
        },
    )

    reasons = [(v.path, v.line, v.reason) for v in check_layers(tmp_path)]

    assert reasons == [
        ("search/tasks.py", 1, "search and xapi are side by side: neither imports the other"),
        ("xapi/sending.py", 2, "xapi and search are side by side: neither imports the other"),
    ]
