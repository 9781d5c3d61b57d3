"""The page editor's form: every field of a page edits in the direction of the page's language, so an
Arabic page edits right-to-left."""

from __future__ import annotations

from django.utils.translation import get_language_info

from wagtail.admin.forms import WagtailAdminPageForm


def text_attrs(language_code: str) -> dict[str, str]:
    """The widget attributes of a field holding text in `language_code`: its language and direction
    (the Arabic fields of snippets: a glossary term's `term_ar`, a track's `title_ar`...)."""
    language = language_code.split("-")[0]
    return {"lang": language, "dir": "rtl" if get_language_info(language)["bidi"] else "ltr"}


ARABIC = text_attrs("ar")


class PortalPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = getattr(self.instance, "locale", None) if self.instance.locale_id else None
        if locale is None and self.parent_page is not None:
            locale = self.parent_page.locale
        if locale is None:
            return
        # In its language's direction whatever the admin's (an English page in an Arabic admin stays
        # left-to-right). `data-content-dir` tells the editor's script (curriculum/static/curriculum/
        # admin/content-direction.js) to give the direction to the fields it adds later (StreamField
        # blocks, rich text), which the server does not render.
        language = text_attrs(locale.language_code)
        attrs = {**language, "data-content-dir": language["dir"]}
        for field in self.fields.values():
            field.widget.attrs.update(attrs)
