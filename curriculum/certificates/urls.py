"""Included by tabadul/urls.py inside `i18n_patterns`, before Wagtail's pages."""

from django.urls import path

from curriculum.certificates import views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<int:certificate_id>/pdf/", views.certificate_download, name="certificate_download"),
    path("verify/<str:code>/", views.verify, name="certificate_verify"),
]
