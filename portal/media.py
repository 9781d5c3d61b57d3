"""Serving uploaded media through the access policy.

Wagtail writes image renditions and originals under MEDIA_ROOT and links to them by MEDIA_URL; a
plain web server would hand them to anyone. Every media URL comes here instead: the file is matched
to its image or document, the policy decides, and the bytes go out through the web server when
`MEDIA_ACCEL_REDIRECT_PREFIX` (nginx) or `MEDIA_X_SENDFILE` (Apache) is set, else through Django.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from portal import access, audit


def media_object(path: str):
    """The image or document a media path belongs to, or None."""
    image_model = get_image_model()
    if path.startswith("images/"):
        rendition = (
            image_model.get_rendition_model().objects.filter(file=path).select_related("image").first()
        )
        return rendition.image if rendition else None
    if path.startswith("original_images/"):
        return image_model.objects.filter(file=path).first()
    if path.startswith("documents/"):
        return get_document_model().objects.filter(file=path).first()
    return None


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    obj = media_object(path)
    if access.is_anonymous(request.user):
        return redirect_to_login(request.get_full_path())
    object_type = audit.ObjectType.DOCUMENT if path.startswith("documents/") else audit.ObjectType.IMAGE
    if obj is None or not access.can_view_media(request.user, obj):
        audit.record(request, object_type=object_type, obj=obj, title=path, outcome=audit.Outcome.DENIED)
        raise Http404
    if any(access.is_restricted(page) for page in access.pages_using(obj)):
        audit.record(request, object_type=object_type, obj=obj, outcome=audit.Outcome.GRANTED)
    return _send(request, path)


def _send(request: HttpRequest, path: str) -> HttpResponse:
    accel_prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT_PREFIX", "")
    if accel_prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = f"{accel_prefix.rstrip('/')}/{path}"
        response["Content-Type"] = ""  # let the web server set it from the file
        return response
    if getattr(settings, "MEDIA_X_SENDFILE", False):
        response = HttpResponse()
        response["X-Sendfile"] = str(settings.MEDIA_ROOT / path)
        return response
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "private, max-age=3600"
    return response
