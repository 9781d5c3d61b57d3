"""Everything that can be wrong with a bundle, found before anything is written.

Schema errors (jsonschema) and referential errors (every slug a bundle names must exist in the
bundle or in the portal) are reported together, each with its path in the bundle, e.g.
`courses[1].modules[0].access.cohorts[0]: unknown cohort "x"`.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model

import jsonschema

from curriculum.bundle import knowledge_checks, sections
from curriculum.bundle.markdown import References, markdown_to_blocks
from curriculum.models import CoursePage, CultureGuidePage, GlossaryTerm, ModulePage, ProgrammePage, Track
from portal.models import Cohort, Nation

DEFAULT_LOCALE = "en"
FORMAT = "curriculum-bundle/1"


@dataclass(frozen=True, order=True)
class BundleError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@cache
def bundle_schema() -> dict:
    return json.loads(settings.CURRICULUM_BUNDLE_SCHEMA.read_text(encoding="utf-8"))


def format_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_violations(data: dict) -> list[jsonschema.ValidationError]:
    validator = jsonschema.Draft202012Validator(bundle_schema(), format_checker=jsonschema.FormatChecker())
    return list(validator.iter_errors(data))


def schema_errors(data: dict) -> list[BundleError]:
    return sorted(
        BundleError(format_path(error.absolute_path), error.message) for error in _schema_violations(data)
    )


# Violations that leave their object usable: unexpected keys are ignored, and missing required keys
# are read with .get(); every other violation removes the offending value before the later stages.
_KEEP_OBJECT = {"additionalProperties", "required"}


def _without_violations(data: dict, violations: list[jsonschema.ValidationError]) -> dict:
    """A copy of `data` without the values that break the schema, so that the referential checks can
    run on everything else (a value in a list becomes None, keeping the other items' paths)."""
    pruned = copy.deepcopy(data)
    for violation in violations:
        path = list(violation.absolute_path)
        if not path or violation.validator in _KEEP_OBJECT:
            continue
        parent = pruned
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
            parent[path[-1]] = None
    return pruned


def _each(items) -> list[tuple[int, dict]]:
    """(index, item) for the items of a list that are objects (others were schema errors)."""
    return [(i, item) for i, item in enumerate(items or []) if isinstance(item, dict)]


def iter_modules(data: dict) -> Iterator[tuple[str, dict, dict]]:
    """(path, course, module) for every module in the bundle."""
    for c, course in _each(data.get("courses")):
        for m, module in _each(course.get("modules")):
            yield f"courses[{c}].modules[{m}]", course, module


def locale_of(item: dict) -> str:
    return item.get("locale", DEFAULT_LOCALE)


class _Known:
    """What exists, in the bundle or already in the portal, for referential checks."""

    def __init__(self, data: dict) -> None:
        self.nations = {n.get("code") for _, n in _each(data.get("nations"))} | set(
            Nation.objects.values_list("code", flat=True)
        )
        self.programmes = {p.get("slug") for _, p in _each(data.get("programmes"))} | set(
            ProgrammePage.objects.filter(locale__language_code=DEFAULT_LOCALE).values_list("slug", flat=True)
        )
        self.cohorts = {c.get("slug") for _, c in _each(data.get("cohorts"))} | set(
            Cohort.objects.values_list("slug", flat=True)
        )
        self.users = {u.get("username") for _, u in _each(data.get("users"))} | set(
            get_user_model().objects.values_list("username", flat=True)
        )
        self.tracks = {t.get("slug") for _, t in _each(data.get("tracks"))} | set(
            Track.objects.values_list("slug", flat=True)
        )
        self.terms = {g.get("term") for _, g in _each(data.get("glossary"))} | set(
            GlossaryTerm.objects.values_list("term", flat=True)
        )
        self.courses = {
            c.get("slug") for _, c in _each(data.get("courses")) if locale_of(c) == DEFAULT_LOCALE
        } | set(
            CoursePage.objects.filter(locale__language_code=DEFAULT_LOCALE).values_list("slug", flat=True)
        )
        self.guides = {
            g.get("slug") for _, g in _each(data.get("guides")) if locale_of(g) == DEFAULT_LOCALE
        } | set(
            CultureGuidePage.objects.filter(locale__language_code=DEFAULT_LOCALE).values_list(
                "slug", flat=True
            )
        )
        # module slug (default locale) → slug of its course, from the portal first, then the bundle
        self.module_course = dict(_module_parents(DEFAULT_LOCALE))
        for _, course, module in iter_modules(data):
            if locale_of(module) == DEFAULT_LOCALE:
                self.module_course[module.get("slug")] = course.get("slug")


def _module_parents(locale: str) -> list[tuple[str, str]]:
    modules = ModulePage.objects.filter(locale__language_code=locale).only("slug", "path")
    parent_paths = {m.path[: -ModulePage.steplen]: None for m in modules}
    slugs = dict(CoursePage.objects.filter(path__in=parent_paths).values_list("path", "slug"))
    return [(m.slug, slugs.get(m.path[: -ModulePage.steplen], "")) for m in modules]


def referential_errors(data: dict) -> list[BundleError]:
    known = _Known(data)
    errors: list[BundleError] = []

    def check(path: str, value, pool: set, what: str) -> None:
        if value is not None and value not in pool:
            errors.append(BundleError(path, f'unknown {what} "{value}"'))

    def check_access(path: str, access: dict | None) -> None:
        if not access:
            return
        for i, slug in enumerate(access.get("cohorts", [])):
            check(f"{path}.access.cohorts[{i}]", slug, known.cohorts, "cohort")
        for i, code in enumerate(access.get("releasable_to", [])):
            check(f"{path}.access.releasable_to[{i}]", code, known.nations, "nation")
        _check_window(errors, f"{path}.access", access.get("opens_on"), access.get("closes_on"), "closes_on")

    def check_body(path: str, item: dict) -> None:
        if "body" in item:
            refs = References(term_id=lambda name: 0 if name in known.terms else None)
            refs.image_exists = _exists("wagtailimages", "Image")
            refs.document_exists = _exists("wagtaildocs", "Document")
            for message in markdown_to_blocks(item["body"], refs).errors:
                errors.append(BundleError(f"{path}.body", message))

    def check_translation(path: str, item: dict, pool: set, what: str) -> None:
        source = item.get("translation_of")
        if source is None:
            return
        if locale_of(item) == DEFAULT_LOCALE:
            errors.append(BundleError(f"{path}.translation_of", "a translation needs a locale other than en"))
        check(f"{path}.translation_of", source, pool, what)

    _check_unique(errors, "nations", data.get("nations"), lambda n: n.get("code"))
    for kind in ("programmes", "cohorts", "tracks"):
        _check_unique(errors, kind, data.get(kind), lambda item: item.get("slug"))
    _check_unique(errors, "users", data.get("users"), lambda u: u.get("username"))
    _check_unique(errors, "glossary", data.get("glossary"), lambda g: g.get("term"))
    _check_unique(
        errors, "courses", data.get("courses"), lambda c: c.get("slug") and (c["slug"], locale_of(c))
    )
    _check_unique(errors, "guides", data.get("guides"), lambda g: g.get("slug") and (g["slug"], locale_of(g)))
    seen_modules: dict[tuple[str, str], str] = {}
    for path, _, module in iter_modules(data):
        key = (module.get("slug"), locale_of(module))
        if key[0] is not None and key in seen_modules:
            errors.append(
                BundleError(f"{path}.slug", f'module "{key[0]}" ({key[1]}) is also at {seen_modules[key]}')
            )
        seen_modules.setdefault(key, path)

    for i, programme in _each(data.get("programmes")):
        path = f"programmes[{i}]"
        for j, code in enumerate(programme.get("partner_nations", [])):
            check(f"{path}.partner_nations[{j}]", code, known.nations, "nation")
        check_access(path, programme.get("access"))
        check_body(path, programme)
    for i, cohort in _each(data.get("cohorts")):
        check(f"cohorts[{i}].programme", cohort.get("programme"), known.programmes, "programme")
        for j, username in enumerate(cohort.get("instructors", [])):
            check(f"cohorts[{i}].instructors[{j}]", username, known.users, "user")
        _check_window(errors, f"cohorts[{i}]", cohort.get("starts_on"), cohort.get("ends_on"), "ends_on")
    for i, user in _each(data.get("users")):
        check(f"users[{i}].nation", user.get("nation"), known.nations, "nation")
        for j, slug in enumerate(user.get("cohorts", [])):
            check(f"users[{i}].cohorts[{j}]", slug, known.cohorts, "cohort")
    for i, course in _each(data.get("courses")):
        path = f"courses[{i}]"
        check(f"{path}.track", course.get("track"), known.tracks, "track")
        check(f"{path}.programme", course.get("programme"), known.programmes, "programme")
        check_translation(path, course, known.courses, "course")
        check_access(path, course.get("access"))
        check_body(path, course)
        for m, module in _each(course.get("modules")):
            module_path = f"{path}.modules[{m}]"
            if locale_of(module) != locale_of(course):
                errors.append(
                    BundleError(
                        f"{module_path}.locale", f'must match its course\'s locale "{locale_of(course)}"'
                    )
                )
            check_translation(module_path, module, set(known.module_course), "module")
            source = module.get("translation_of")
            if source in known.module_course and known.module_course[source] != course.get("translation_of"):
                errors.append(
                    BundleError(
                        f"{module_path}.translation_of",
                        f'module "{source}" is in course "{known.module_course[source]}", '
                        f"which this course does not translate",
                    )
                )
            check_access(module_path, module.get("access"))
            check_body(module_path, module)
    for i, guide in _each(data.get("guides")):
        check_translation(f"guides[{i}]", guide, known.guides, "guide")
        check_access(f"guides[{i}]", guide.get("access"))
        check_body(f"guides[{i}]", guide)
    return errors


def _check_unique(errors: list[BundleError], kind: str, items: list[dict], identity) -> None:
    seen: dict = {}
    for i, item in _each(items):
        key = identity(item)
        if key is None:
            continue
        if key in seen:
            errors.append(BundleError(f"{kind}[{i}]", f"duplicate of {kind}[{seen[key]}] ({key})"))
        seen.setdefault(key, i)


def _check_window(errors: list[BundleError], path: str, start, end, end_name: str) -> None:
    try:
        if start and end and datetime.date.fromisoformat(end) < datetime.date.fromisoformat(start):
            errors.append(BundleError(f"{path}.{end_name}", f"{end} is before {start}"))
    except (TypeError, ValueError):
        pass  # malformed dates are schema errors, already reported


def _exists(app_label: str, model_name: str):
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    return lambda pk: model.objects.filter(pk=pk).exists()


def field_errors(data: dict) -> list[BundleError]:
    """Values the schema allows but the portal's fields do not (lengths, mostly), found before the
    import writes anything, so that they are listed with everything else."""
    from django.core.exceptions import ValidationError

    from curriculum.bundle.accounts import split_name
    from portal.models import OfficerProfile

    errors: list[BundleError] = []

    def check(path: str, model, values: dict) -> None:
        for key, (name, value) in values.items():
            if value in (None, ""):
                continue
            try:
                model._meta.get_field(name).clean(value, None)
            except ValidationError as error:
                errors.extend(BundleError(f"{path}.{key}", message) for message in error.messages)

    def same(item: dict, *keys: str) -> dict:
        return {key: (key, item.get(key)) for key in keys}

    user_model = get_user_model()
    for i, item in _each(data.get("nations")):
        check(f"nations[{i}]", Nation, same(item, "name", "name_ar"))
    for i, item in _each(data.get("tracks")):
        check(f"tracks[{i}]", Track, same(item, "title", "title_ar"))
    for i, item in _each(data.get("glossary")):
        check(f"glossary[{i}]", GlossaryTerm, same(item, "term", "term_ar", "transliteration"))
    for i, item in _each(data.get("cohorts")):
        check(f"cohorts[{i}]", Cohort, same(item, "name"))
    for i, item in _each(data.get("users")):
        first, last = split_name(item.get("full_name") or "")
        check(
            f"users[{i}]",
            user_model,
            {"full_name": ("first_name", first), "email": ("email", item.get("email"))},
        )
        check(f"users[{i}]", user_model, {"full_name": ("last_name", last)})
        check(f"users[{i}]", OfficerProfile, same(item, "rank"))
    pages = [("programmes", ProgrammePage, ()), ("guides", CultureGuidePage, ("region",))]
    for kind, model, extra in pages:
        for i, item in _each(data.get(kind)):
            check(f"{kind}[{i}]", model, same(item, "title", *extra))
    for i, course in _each(data.get("courses")):
        check(f"courses[{i}]", CoursePage, same(course, "title"))
        for m, module in _each(course.get("modules")):
            check(f"courses[{i}].modules[{m}]", ModulePage, same(module, "title", "classification"))
    return errors


def account_errors(data: dict, *, reset_passwords: bool = False) -> list[BundleError]:
    """The bundle's users that name a superuser, or a staff account it would change: refused."""
    from curriculum.bundle.accounts import plan_account, refusal

    items = {item.get("username"): (i, item) for i, item in _each(data.get("users"))}
    errors = []
    for user in get_user_model().objects.filter(username__in=[name for name in items if name]):
        i, item = items[user.get_username()]
        if reason := refusal(user, plan_account(item, user, reset_passwords=reset_passwords)):
            errors.append(BundleError(f"users[{i}]", reason))
    return sorted(errors)


def check_errors(data: dict, original: dict | None = None) -> list[BundleError]:
    """The modules' knowledge checks: each check's rules, and every translation's agreement with its
    source, in the bundle or in the portal (curriculum.bundle.knowledge_checks). `data` is the bundle
    without the values the schema rejected, `original` the bundle as read."""
    modules = [(path, module, locale_of(module)) for path, _, module in iter_modules(data)]
    kept = {path for path, module, _ in modules if "check" in module}
    rejected = frozenset(
        path for path, _, module in iter_modules(original or data) if "check" in module and path not in kept
    )
    return [
        BundleError(path, message)
        for path, message in knowledge_checks.errors(modules, DEFAULT_LOCALE, rejected)
    ]


def section_errors(data: dict) -> list[BundleError]:
    """The referential errors of the sections other apps own (`curriculum.bundle.sections`)."""
    present = [section for section in sections.sections() if data.get(section.key)]
    if not present:
        return []
    known = _Known(data)
    pools = {
        "nations": known.nations,
        "cohorts": known.cohorts,
        "users": known.users,
        "tracks": known.tracks,
        "courses": known.courses,
        "programmes": known.programmes,
        "modules": {(course, module) for module, course in known.module_course.items()},
    }
    items = [
        (section, [item if isinstance(item, dict) else {} for item in data[section.key]])
        for section in present
    ]
    return [
        BundleError(f"{section.key}{path}", message)
        for section, section_items in items
        for path, message in section.check(section_items, pools)
    ]


def validate_bundle(data: dict, *, reset_passwords: bool = False) -> list[BundleError]:
    """Every problem with `data`: the schema's, then the referential checks, which run on the bundle
    without the values the schema rejected (so an impossible date and an unknown cohort elsewhere
    are both reported)."""
    violations = _schema_violations(data)
    errors = [BundleError(format_path(v.absolute_path), v.message) for v in violations]
    pruned = _without_violations(data, violations) if violations else data
    later = (
        referential_errors(pruned)
        + section_errors(pruned)
        + field_errors(pruned)
        + check_errors(pruned, data)
        + account_errors(pruned, reset_passwords=reset_passwords)
    )
    return sorted(set(errors + later))
