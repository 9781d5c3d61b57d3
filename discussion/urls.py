"""The discussion's addresses, under /discussion/ (Arabic under /ar/discussion/)."""

from django.urls import path

from discussion import views

app_name = "discussion"

urlpatterns = [
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<slug:cohort>/settings/", views.cohort_settings, name="settings"),
    path("<int:module_id>/<slug:cohort>/", views.thread, name="thread"),
    path("<int:module_id>/<slug:cohort>/lock/", views.lock, name="lock"),
    path("<int:module_id>/<slug:cohort>/unlock/", views.unlock, name="unlock"),
    path("<int:module_id>/<slug:cohort>/members/<int:user_id>/mute/", views.mute, name="mute"),
    path("<int:module_id>/<slug:cohort>/members/<int:user_id>/unmute/", views.unmute, name="unmute"),
    path("posts/<int:post_id>/edit/", views.edit, name="edit"),
    path("posts/<int:post_id>/history/", views.history, name="history"),
    path("posts/<int:post_id>/report/", views.report, name="report"),
    path("posts/<int:post_id>/hide/", views.hide, name="hide"),
    path("posts/<int:post_id>/restore/", views.restore, name="restore"),
    path("posts/<int:post_id>/approve/", views.approve, name="approve"),
    path("posts/<int:post_id>/reject/", views.reject, name="reject"),
    path("posts/<int:post_id>/dismiss/", views.dismiss, name="dismiss"),
]
