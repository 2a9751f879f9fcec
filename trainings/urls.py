from django.urls import path

from . import views

app_name = "trainings"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("sessie/nieuw/", views.session_edit, name="session_new"),
    path("sessie/<int:pk>/", views.session_detail, name="session"),
    path("sessie/<int:pk>/wijzigen/", views.session_edit, name="session_edit"),
    path("sessie/<int:pk>/aanmelden/", views.register, name="register"),
    path("sessie/<int:pk>/collega-aanmelden/", views.register_colleague, name="register_colleague"),
    path("sessie/<int:pk>/presentie/", views.attendance, name="attendance"),
    path("sessie/<int:pk>/deelnemers.csv", views.participants_csv, name="participants_csv"),
    path("aanmelding/<int:pk>/afmelden/", views.registration_cancel, name="registration_cancel"),
    path("e-learning/", views.elearning_overview, name="elearning"),
    path("e-learning/deelnemer/<int:pk>/", views.enrolment_edit, name="enrolment_edit"),
    path("e-learning/deelnemer/<int:pk>/verwijderen/", views.enrolment_delete, name="enrolment_delete"),
    path("e-learning/deelnemer/<int:pk>/certificaat/", views.certificate_download, name="certificate"),
    path("e-learning/<slug:cbs_code>/", views.elearning_municipality, name="elearning_municipality"),
]
