"""Keeping out whoever does not belong: sign-in lockout (django-axes), two-factor authentication
(django-otp), the Content-Security-Policy (django-csp) and its reports, and the access-log entries
for every sign-in event. docs/operations.md "Security" says how to run it."""
