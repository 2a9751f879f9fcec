from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:cbs_code>/", views.municipality_page, name="municipality"),
    path("<slug:cbs_code>/module-<int:module_number>/", views.participation_edit, name="participation_edit"),
]
