"""The access-rule snippet admin's own tweak: a rule can be started from a page's Access tab."""

from wagtail.models import Page
from wagtail.snippets.views import snippets as snippet_views


class AccessRuleCreateView(snippet_views.CreateView):
    """Opened from a page's Access tab as `?page=<id>`: the page comes already chosen."""

    def get_initial(self):
        initial = super().get_initial()
        page_id = self.request.GET.get("page", "")
        if page_id.isdigit() and Page.objects.filter(pk=page_id).exists():
            initial["page"] = int(page_id)
        return initial
