"""Load a validated curriculum bundle into the portal: all or nothing, idempotent by slug and locale.

Nothing is saved unless it differs from what the portal holds, so importing the same bundle twice
creates no pages, revisions, users or rules the second time.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from wagtail.models import Locale, Page

from curriculum import roles
from curriculum.bundle import knowledge_checks, sections
from curriculum.bundle.accounts import is_protected, plan_account, refusal, split_name
from curriculum.bundle.markdown import References, markdown_to_blocks
from curriculum.bundle.validation import DEFAULT_LOCALE, BundleError, locale_of, validate_bundle
from curriculum.models import (
    CoursePage,
    CultureGuidePage,
    CultureIndexPage,
    CurriculumIndexPage,
    GlossaryTerm,
    HomePage,
    ModulePage,
    ProgrammeIndexPage,
    ProgrammePage,
    Track,
)
from curriculum.setup import ensure_site_structure
from portal.models import AccessRule, Cohort, CohortMembership, Nation, OfficerProfile


class BundleInvalid(Exception):
    """The bundle has errors; nothing was written."""

    def __init__(self, errors: list[BundleError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the bundle")
        self.errors = errors


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    dry_run: bool = False
    # existing accounts: username → the fields the import changes (or, in a dry run, would change)
    account_changes: dict[str, list[str]] = field(default_factory=dict)
    # existing accounts whose bundle password differs and was kept (no --reset-passwords)
    passwords_kept: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


class _DryRunRollback(Exception):
    pass


def import_bundle(data: dict, *, dry_run: bool = False, reset_passwords: bool = False) -> ImportReport:
    """Validate and import `data`. Raises BundleInvalid (with every error) and writes nothing if
    anything is wrong; with `dry_run`, reports what would change and rolls everything back. The
    passwords of existing accounts change only with `reset_passwords`."""
    errors = validate_bundle(data, reset_passwords=reset_passwords)
    if errors:
        raise BundleInvalid(errors)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _Importer(data, report, reset_passwords=reset_passwords).run()
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


class _Importer:
    def __init__(self, data: dict, report: ImportReport, *, reset_passwords: bool = False) -> None:
        self.data = data
        self.report = report
        self.reset_passwords = reset_passwords
        self.path = ""

    # -- orchestration -----------------------------------------------------------------------
    def run(self) -> None:
        ensure_site_structure()
        self.locales = {locale.language_code: locale for locale in Locale.objects.all()}
        try:
            for i, item in enumerate(self.data.get("nations", [])):
                self.at(f"nations[{i}]")._nation(item)
            for i, item in enumerate(self.data.get("tracks", [])):
                self.at(f"tracks[{i}]")._track(item)
            for i, item in enumerate(self.data.get("glossary", [])):
                self.at(f"glossary[{i}]")._glossary_term(item)
            for i, item in enumerate(self.data.get("programmes", [])):
                self.at(f"programmes[{i}]")._programme(item)
            for i, item in enumerate(self.data.get("cohorts", [])):
                self.at(f"cohorts[{i}]")._cohort(item)
            for i, item in enumerate(self.data.get("users", [])):
                self.at(f"users[{i}]")._user(item)
            for i, item in enumerate(self.data.get("cohorts", [])):  # once the users exist
                self.at(f"cohorts[{i}]")._cohort_instructors(item)
            for i, item in self._sources_first("courses"):
                self.at(f"courses[{i}]")._course(item, i)
            for i, item in self._sources_first("guides"):
                self.at(f"guides[{i}]")._guide(item)
            for section in sections.sections():  # lessons, …: once the pages and people exist
                self.at(section.key)
                section.load(self.data.get(section.key, []), self.report.count)
        except ValidationError as error:
            raise BundleInvalid([BundleError(self.path, message) for message in _messages(error)]) from error

    def at(self, path: str) -> _Importer:
        self.path = path
        return self

    def _sources_first(self, kind: str) -> list[tuple[int, dict]]:
        items = list(enumerate(self.data.get(kind, [])))
        return sorted(items, key=lambda pair: locale_of(pair[1]) != DEFAULT_LOCALE)

    # -- plain records -----------------------------------------------------------------------
    def _record(self, kind: str, model, lookup: dict, values: dict, *, exclude_from_clean=()):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean(exclude=exclude_from_clean)
            obj.save()
            self.report.count(kind, "created")
            return obj
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            obj.full_clean(exclude=exclude_from_clean)
            obj.save()
            self.report.count(kind, "updated")
        else:
            self.report.count(kind, "unchanged")
        return obj

    def _nation(self, item: dict) -> None:
        self._record(
            "nation",
            Nation,
            {"code": item["code"]},
            {"name": item["name"], "name_ar": item.get("name_ar", "")},
        )

    def _track(self, item: dict) -> None:
        values = {
            "title": item["title"],
            "title_ar": item.get("title_ar", ""),
            "description": item.get("description", ""),
        }
        self._record("track", Track, {"slug": item["slug"]}, values)

    def _glossary_term(self, item: dict) -> None:
        values = {
            "term_ar": item.get("term_ar", ""),
            "transliteration": item.get("transliteration", ""),
            "definition": item["definition"],
            "definition_ar": item.get("definition_ar", ""),
            "live": True,
        }
        self._record("glossary term", GlossaryTerm, {"term": item["term"]}, values)

    def _cohort(self, item: dict) -> None:
        programme = self._page(ProgrammePage, item.get("programme"), DEFAULT_LOCALE)
        values = {
            "name": item["name"],
            "programme_id": programme.pk if programme else None,
            "starts_on": datetime.date.fromisoformat(item["starts_on"]),
            "ends_on": datetime.date.fromisoformat(item["ends_on"]),
            "grace_days": item.get("grace_days", 0),
        }
        self._record("cohort", Cohort, {"slug": item["slug"]}, values)

    def _cohort_instructors(self, item: dict) -> None:
        if "instructors" not in item:
            return
        cohort = Cohort.objects.get(slug=item["slug"])
        wanted = set(
            get_user_model().objects.filter(username__in=item["instructors"]).values_list("pk", flat=True)
        )
        if set(cohort.instructors.values_list("pk", flat=True)) != wanted:
            cohort.instructors.set(wanted)
            self.report.count("cohort instructors", "updated")

    def _user(self, item: dict) -> None:
        user_model = get_user_model()
        existing = user_model.objects.filter(username=item["username"]).first()
        if existing is not None:
            plan = plan_account(item, existing, reset_passwords=self.reset_passwords)
            if reason := refusal(existing, plan):  # validation refuses these first; never write one
                raise ValidationError(reason)
            if plan.password_kept:
                self.report.passwords_kept.append(existing.get_username())
            if plan.changes:
                self.report.account_changes[existing.get_username()] = plan.changes
            elif is_protected(existing):
                self.report.count("user", "unchanged")
                return
        first, last = split_name(item.get("full_name", ""))
        values = {"first_name": first, "last_name": last, "email": item.get("email", "")}
        user = self._record(
            "user", user_model, {"username": item["username"]}, values, exclude_from_clean=["password"]
        )
        password = item.get("password")
        if password and (existing is None or self.reset_passwords) and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        elif not password and not user.password:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if roles.role_of(user) != item["role"]:
            roles.assign_role(user, item["role"])
        nation = Nation.objects.get(code=item["nation"]) if item.get("nation") else None
        self._record(
            "officer profile",
            OfficerProfile,
            {"user": user},
            {
                "nation": nation,
                "rank": item.get("rank", ""),
                "preferred_language": item.get("language", "en"),
            },
        )
        if "cohorts" in item:
            wanted = set(Cohort.objects.filter(slug__in=item["cohorts"]).values_list("pk", flat=True))
            current = set(user.memberships.values_list("cohort_id", flat=True))
            CohortMembership.objects.filter(user=user, cohort_id__in=current - wanted).delete()
            CohortMembership.objects.bulk_create(
                [CohortMembership(user=user, cohort_id=pk) for pk in wanted - current]
            )

    # -- pages -------------------------------------------------------------------------------
    def _section(self, model: type[Page], locale: str) -> Page:
        home = HomePage.objects.get(locale=self.locales[locale], depth=2)
        return model.objects.child_of(home).get()

    def _page(self, model: type[Page], slug: str | None, locale: str) -> Page | None:
        if not slug:
            return None
        return model.objects.filter(slug=slug, locale=self.locales[locale]).first()

    def _programme(self, item: dict) -> None:
        fields = {
            "title": item["title"],
            "summary": item.get("summary", ""),
            "direction": item.get("direction", "bilateral"),
            "body": self._blocks(item.get("body", "")),
        }
        nations = set(
            Nation.objects.filter(code__in=item.get("partner_nations", [])).values_list("pk", flat=True)
        )
        page = self._upsert_page(
            "programme",
            ProgrammePage,
            self._section(ProgrammeIndexPage, DEFAULT_LOCALE),
            item,
            fields,
            m2m={"partner_nations": nations},
        )
        self._access(page, item.get("access"))

    def _course(self, item: dict, index: int) -> None:
        locale = locale_of(item)
        programme = self._page(ProgrammePage, item.get("programme"), DEFAULT_LOCALE)
        fields = {
            "title": item["title"],
            "summary": item.get("summary", ""),
            "track_id": Track.objects.get(slug=item["track"]).pk,
            "level": item.get("level", "foundation"),
            "programme_id": programme.pk if programme else None,
            "body": self._blocks(item.get("body", "")),
        }
        course = self._upsert_page(
            "course", CoursePage, self._section(CurriculumIndexPage, locale), item, fields
        )
        self._access(course, item.get("access"))
        modules = []
        for m, module in enumerate(item.get("modules", [])):
            self.at(f"courses[{index}].modules[{m}]")
            modules.append(self._module(course, module))
        self._order(course, modules)

    def _module(self, course: CoursePage, item: dict) -> ModulePage:
        fields = {
            "title": item["title"],
            "summary": item.get("summary", ""),
            "objectives": [{"type": "objective", "value": text} for text in item.get("objectives", [])],
            "estimated_minutes": item.get("minutes"),
            "classification": item.get("classification", "UNCLASSIFIED"),
            "body": self._blocks(item.get("body", "")),
        }
        if "check" in item:  # absent: the module's check is left as it is
            fields.update(knowledge_checks.page_fields(item["check"]))
        module = self._upsert_page("module", ModulePage, course, item, fields)
        self._access(module, item.get("access"))
        return module

    def _guide(self, item: dict) -> None:
        fields = {
            "title": item["title"],
            "summary": item.get("summary", ""),
            "region": item.get("region", ""),
            "topics": [{"type": "topic", "value": text} for text in item.get("topics", [])],
            "body": self._blocks(item.get("body", "")),
        }
        guide = self._upsert_page(
            "guide", CultureGuidePage, self._section(CultureIndexPage, locale_of(item)), item, fields
        )
        self._access(guide, item.get("access"))

    def _blocks(self, markdown: str) -> list[dict]:
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        terms = dict(GlossaryTerm.objects.values_list("term", "pk"))
        refs = References(
            term_id=terms.get,
            image_exists=lambda pk: get_image_model().objects.filter(pk=pk).exists(),
            document_exists=lambda pk: get_document_model().objects.filter(pk=pk).exists(),
        )
        return markdown_to_blocks(markdown, refs).blocks

    def _upsert_page(
        self, kind: str, model: type[Page], parent: Page, item: dict, fields: dict, m2m=None
    ) -> Page:
        locale = self.locales[locale_of(item)]
        source = self._page(model, item.get("translation_of"), DEFAULT_LOCALE)
        page = model.objects.filter(slug=item["slug"], locale=locale).first()
        created = page is None
        if created:
            page = self._create_page(model, parent, item["slug"], locale, source, fields)
        else:
            if page.get_parent().pk != parent.pk:
                page.move(parent, pos="last-child")
                page = model.objects.get(pk=page.pk)
            if source and page.translation_key != source.translation_key:
                page.translation_key = source.translation_key
                page.save(update_fields=["translation_key"])
        changed = _assign(page, fields) or created
        for name, wanted in (m2m or {}).items():
            if {related.pk for related in getattr(page, name).all()} != wanted:
                getattr(page, name).set(list(wanted))
                changed = True
        if changed:
            page.save_revision(log_action=True).publish()
        self.report.count(kind, "created" if created else ("updated" if changed else "unchanged"))
        return page

    def _create_page(self, model, parent, slug, locale, source, fields) -> Page:
        # A translation is built from the bundle's own fields and joined to its source by translation
        # key, never copied from the source: what the bundle leaves out (a check, say) is then absent,
        # not the source's untranslated text.
        page = model(slug=slug, locale=locale, title=fields["title"])
        if source is not None:
            page.translation_key = source.translation_key
        _assign(page, fields)
        parent.add_child(instance=page)
        return page

    def _order(self, course: CoursePage, modules: list[ModulePage]) -> None:
        """Keep the modules of a course in the bundle's order (only moves when the order differs)."""
        current = list(ModulePage.objects.child_of(course).order_by("path").values_list("pk", flat=True))
        wanted = [m.pk for m in modules]
        if [pk for pk in current if pk in wanted] == wanted:
            return
        for module in modules:
            Page.objects.get(pk=module.pk).move(course, pos="last-child")

    def _access(self, page: Page, access: dict | None) -> None:
        rule = AccessRule.objects.filter(page=page).first()
        if access is None:
            if rule:
                rule.delete()
                self.report.count("access rule", "updated")
            return
        cohorts = set(Cohort.objects.filter(slug__in=access["cohorts"]).values_list("pk", flat=True))
        nations = set(
            Nation.objects.filter(code__in=access.get("releasable_to", [])).values_list("pk", flat=True)
        )
        dates = {
            "opens_on": _date(access.get("opens_on")),
            "closes_on": _date(access.get("closes_on")),
        }
        if rule is None:
            rule = AccessRule.objects.create(page=page, **dates)
            rule.cohorts.set(cohorts)
            rule.releasable_to.set(nations)
            self.report.count("access rule", "created")
            return
        same = (
            all(getattr(rule, name) == value for name, value in dates.items())
            and set(rule.cohorts.values_list("pk", flat=True)) == cohorts
            and set(rule.releasable_to.values_list("pk", flat=True)) == nations
        )
        if same:
            self.report.count("access rule", "unchanged")
            return
        for name, value in dates.items():
            setattr(rule, name, value)
        rule.save()
        rule.cohorts.set(cohorts)
        rule.releasable_to.set(nations)
        self.report.count("access rule", "updated")


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _strip_ids(stream) -> list:
    """StreamField data without block ids, which differ on every conversion."""
    if isinstance(stream, list):
        return [_strip_ids(item) for item in stream]
    if isinstance(stream, dict):
        return {key: _strip_ids(value) for key, value in stream.items() if key != "id"}
    return stream


def _assign(page: Page, fields: dict) -> bool:
    """Set `fields` on `page`; True when anything differed."""
    changed = False
    for name, value in fields.items():
        current = getattr(page, name)
        if hasattr(current, "raw_data"):
            if _strip_ids(list(current.raw_data)) == _strip_ids(value):
                continue
        elif current == value:
            continue
        setattr(page, name, value)
        changed = True
    return changed


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages]
    return list(error.messages)
