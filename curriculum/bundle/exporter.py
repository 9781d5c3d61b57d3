"""Write the portal's curriculum as a bundle that re-imports to the same content (no passwords)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from wagtail.models import Page

from curriculum import roles
from curriculum.bundle import knowledge_checks, sections
from curriculum.bundle.markdown import blocks_to_markdown
from curriculum.bundle.validation import DEFAULT_LOCALE, FORMAT
from curriculum.models import CoursePage, CultureGuidePage, GlossaryTerm, ModulePage, ProgrammePage, Track
from portal.models import AccessRule, Cohort, Nation, OfficerProfile


def export_bundle() -> dict:
    exporter = _Exporter()
    bundle = {
        "format": FORMAT,
        "nations": [
            _compact({"code": n.code, "name": n.name, "name_ar": n.name_ar})
            for n in Nation.objects.order_by("code")
        ],
        "programmes": [exporter.programme(p) for p in _pages(ProgrammePage)],
        "cohorts": [
            exporter.cohort(c)
            for c in Cohort.objects.select_related("programme")
            .prefetch_related("instructors")
            .order_by("slug")
        ],
        "users": exporter.users(),
        "tracks": [
            _compact({"slug": t.slug, "title": t.title, "title_ar": t.title_ar, "description": t.description})
            for t in Track.objects.order_by("slug")
        ],
        "courses": [exporter.course(c) for c in _pages(CoursePage)],
        "guides": [exporter.guide(g) for g in _pages(CultureGuidePage)],
        "glossary": [
            _compact(
                {
                    "term": t.term,
                    "term_ar": t.term_ar,
                    "transliteration": t.transliteration,
                    "definition": t.definition,
                    "definition_ar": t.definition_ar,
                }
            )
            for t in GlossaryTerm.objects.filter(live=True).order_by("term")
        ],
    }
    for section in sections.sections():  # lessons, …
        bundle[section.key] = section.dump()
    return {key: value for key, value in bundle.items() if value}


def _pages(model: type[Page]) -> list[Page]:
    """Pages of `model`, default locale first, in tree order."""
    pages = model.objects.select_related("locale").order_by("path")
    return sorted(pages, key=lambda page: page.locale.language_code != DEFAULT_LOCALE)


def _compact(item: dict) -> dict:
    """Drop empty optional values so exports stay readable; import treats absent and empty alike."""
    return {key: value for key, value in item.items() if value not in ("", None, [])}


class _Exporter:
    def __init__(self) -> None:
        self.term_names = dict(GlossaryTerm.objects.values_list("pk", "term"))
        self.rules = {
            rule.page_id: rule for rule in AccessRule.objects.prefetch_related("cohorts", "releasable_to")
        }
        self.sources = {
            page.translation_key: page.slug
            for page in Page.objects.filter(locale__language_code=DEFAULT_LOCALE).only(
                "translation_key", "slug"
            )
        }

    def markdown(self, stream) -> str:
        return blocks_to_markdown(list(stream.raw_data), lambda pk: self.term_names.get(pk, ""))

    def access(self, page: Page) -> dict | None:
        rule = self.rules.get(page.pk)
        if rule is None:
            return None
        return _compact(
            {
                "cohorts": sorted(c.slug for c in rule.cohorts.all()),
                "opens_on": rule.opens_on.isoformat() if rule.opens_on else None,
                "closes_on": rule.closes_on.isoformat() if rule.closes_on else None,
                "releasable_to": sorted(n.code for n in rule.releasable_to.all()),
            }
        )

    def _page(self, page: Page, **fields) -> dict:
        locale = page.locale.language_code
        item = {"slug": page.slug, "title": page.title, **fields}
        if locale != DEFAULT_LOCALE:
            item["locale"] = locale
            item["translation_of"] = self.sources.get(page.translation_key)
        item["access"] = self.access(page)
        return _compact(item)

    def programme(self, page: ProgrammePage) -> dict:
        return self._page(
            page,
            summary=page.summary,
            body=self.markdown(page.body),
            direction=page.direction,
            partner_nations=sorted(n.code for n in page.partner_nations.all()),
        )

    def course(self, page: CoursePage) -> dict:
        modules = ModulePage.objects.child_of(page).select_related("locale").order_by("path")
        return self._page(
            page,
            track=page.track.slug,
            programme=page.programme.slug if page.programme_id else None,
            level=page.level,
            summary=page.summary,
            body=self.markdown(page.body),
            modules=[self.module(module) for module in modules],
        )

    def module(self, page: ModulePage) -> dict:
        return self._page(
            page,
            summary=page.summary,
            objectives=[block.value for block in page.objectives],
            minutes=page.estimated_minutes,
            classification=page.classification,
            body=self.markdown(page.body),
            check=knowledge_checks.exported(page),
        )

    def guide(self, page: CultureGuidePage) -> dict:
        return self._page(
            page,
            region=page.region,
            topics=[block.value for block in page.topics],
            summary=page.summary,
            body=self.markdown(page.body),
        )

    def cohort(self, cohort: Cohort) -> dict:
        return _compact(
            {
                "slug": cohort.slug,
                "name": cohort.name,
                "programme": cohort.programme.slug if cohort.programme_id else None,
                "starts_on": cohort.starts_on.isoformat(),
                "ends_on": cohort.ends_on.isoformat(),
                "grace_days": cohort.grace_days,
                "instructors": sorted(user.get_username() for user in cohort.instructors.all()),
            }
        )

    def users(self) -> list[dict]:
        profiles = {p.user_id: p for p in OfficerProfile.objects.select_related("nation")}
        users = (
            get_user_model()
            .objects.filter(is_superuser=False)
            .prefetch_related("groups", "memberships__cohort")
        )
        exported = []
        for user in users.order_by("username"):
            profile = profiles.get(user.pk)
            exported.append(
                _compact(
                    {
                        "username": user.get_username(),
                        "full_name": user.get_full_name(),
                        "email": user.email,
                        "role": roles.role_of(user),
                        "nation": profile.nation.code if profile and profile.nation else None,
                        "rank": profile.rank if profile else None,
                        "language": profile.preferred_language if profile else None,
                        "cohorts": sorted(m.cohort.slug for m in user.memberships.all()),
                    }
                )
            )
        return exported
