from django.http import HttpRequest

from portal.viewas import may_view_as


def view_as(request: HttpRequest) -> dict:
    """Whether the page is being seen through "view as" (for the banner), and whether it could be."""
    user = getattr(request, "user", None)
    real_user = getattr(request, "real_user", user)
    return {
        "viewing_as": user.label if getattr(user, "is_simulated", False) else "",
        "can_view_as": bool(real_user) and may_view_as(real_user),
    }
