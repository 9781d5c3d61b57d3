"""The portal's screens in the Wagtail admin: cohort members (one by one and from CSV), the read-only
"Access" tab of the page editor, the cohort progress report and the access log.

Views stay thin: a form validates the request, a service function in the same module does the work,
a template under templates/portal/admin/ renders it. Every "who may read this page" answer comes
from `portal.access`. As the project's admin wiring (like `portal.urls`), this package may use the
curriculum's models; `portal.access` and `portal.models` never do.
"""
