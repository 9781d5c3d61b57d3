"""The portal's screens in the Wagtail admin: cohort members (one by one and from CSV), the read-only
"Access" tab of the page editor (attached to the page types by the app that owns them), the access
log and the security reports.

Views stay thin: a form validates the request, a service function in the same module does the work,
a template under templates/portal/admin/ renders it. Every "who may read this page" answer comes
from `portal.access`. Like the rest of `portal/`, this package imports no app above it (`curriculum`,
`search`, `tabadul`): tests/test_layers.py keeps it so.
"""
