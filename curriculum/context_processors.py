"""Navigation shared by every officer-facing page: tracks and the courses this user may open."""

from django.http import HttpRequest

from curriculum.navigation import navigation_for


def navigation(request: HttpRequest) -> dict:
    return {"portal_nav": navigation_for(request)}
