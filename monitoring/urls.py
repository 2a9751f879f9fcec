from django.urls import path

from . import views, views_figures

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("politiecijfers-inlezen/", views_figures.police_import, name="police_import"),
    path("trenddrempel/", views_figures.trend_threshold_edit, name="trend_threshold"),
    path("rapportage/<int:year>/", views_figures.report_edit, name="report"),
    path(
        "rapportage/<int:year>/stuurgroep.<str:extension>",
        views_figures.report_download,
        name="report_download",
    ),
    path("<slug:cbs_code>/", views.municipality_page, name="municipality"),
    path("<slug:cbs_code>/module-<int:module_number>/", views.participation_edit, name="participation_edit"),
    path("<slug:cbs_code>/enquete/", views_figures.survey_result_edit, name="survey_result"),
    path("<slug:cbs_code>/politiecijfers/", views_figures.police_figures_edit, name="police_figures"),
    path("<slug:cbs_code>/informatieavond/", views_figures.information_evening_edit, name="evening_new"),
    path("<slug:cbs_code>/informatieavond/<int:pk>/", views_figures.information_evening_edit, name="evening_edit"),
    path("<slug:cbs_code>/training/", views_figures.training_edit, name="training_new"),
    path("<slug:cbs_code>/training/<int:pk>/", views_figures.training_edit, name="training_edit"),
    path("<slug:cbs_code>/<str:kind>/<int:pk>/verwijderen/", views_figures.entry_delete, name="entry_delete"),
]
