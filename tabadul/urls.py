from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from curriculum import views as curriculum_views
from curriculum.certificates import urls as certificate_urls
from portal import media
from portal import views as viewas_views
from portal.security import urls as security_urls
from portal.security import views as security_views
from search import urls as search_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded media always goes through the access policy (portal.media), in every environment.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media"),
    path("view-as/", viewas_views.view_as, name="view_as"),
    path("view-as/stop/", viewas_views.stop_view_as, name="view_as_stop"),
    path(
        settings.CONTENT_SECURITY_POLICY_REPORT_PATH.strip("/") + "/",
        security_views.csp_report,
        name="csp_report",
    ),
]

# Officer-facing pages: English at the root, Arabic under /ar/.
urlpatterns += i18n_patterns(
    path("", include(security_urls)),
    path("glossary/", curriculum_views.glossary, name="glossary"),
    path("dashboard/", curriculum_views.dashboard, name="dashboard"),
    path("progress/<int:page_id>/<str:action>/", curriculum_views.module_progress, name="module_progress"),
    # An officer's certificates and the public verification page: /certificates/, /verify/<code>/.
    path("", include(certificate_urls)),
    # The search page in the reader's language: /search/ and /ar/search/ (the API keeps /api/v1/).
    path("", include(search_urls)),
    path("lessons/", include("lessons.urls")),
    path("discussion/", include("discussion.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
