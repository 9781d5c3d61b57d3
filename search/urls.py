from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("api/v1/search/", views.search_api, name="api"),
    path("api/v1/search/suggest/", views.suggest_api, name="suggest"),
]
