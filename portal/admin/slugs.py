"""A slug filled from a name as it is typed, Wagtail's own way (`TitleFieldPanel` syncing into a
`SlugInput`), for snippets whose slug is a key: only while the object is being created, because a
saved object's slug is what bundles and links name it by and must not follow a renamed name."""

from wagtail.admin.panels import FieldPanel, TitleFieldPanel
from wagtail.admin.widgets.slug import SlugInput


class NameFieldPanel(TitleFieldPanel):
    """The name field; while the object is new, typing it fills the `slug` field."""

    def __init__(self, *args, placeholder=False, classname="", **kwargs):
        super().__init__(*args, placeholder=placeholder, classname=classname, **kwargs)

    class BoundPanel(TitleFieldPanel.BoundPanel):
        def get_should_apply(self) -> bool:
            return self.instance is None or self.instance.pk is None


def slug_panel(name: str = "slug") -> FieldPanel:
    return FieldPanel(name, widget=SlugInput)
