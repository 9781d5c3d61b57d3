from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("overdue/", views.overdue, name="overdue"),
    path("<int:lesson_id>/", views.detail, name="detail"),
    path("<int:lesson_id>/edit/", views.edit, name="edit"),
    path("<int:lesson_id>/<slug:move_name>/", views.move, name="move"),
]
