from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("nieuw/", views.campaign_create, name="campaign_create"),
    path("<uuid:pk>/", views.campaign_detail, name="campaign"),
    path("<uuid:pk>/bewerken/", views.campaign_edit, name="campaign_edit"),
    path("<uuid:pk>/vragen/nieuw/", views.question_add, name="question_add"),
    path("<uuid:pk>/vragen/<int:question_pk>/verwijderen/", views.question_delete, name="question_delete"),
    path("<uuid:pk>/brieven/", views.letters_make, name="letters_make"),
    path("<uuid:pk>/brieven.pdf", views.letters_download, name="letters_download"),
    path("<uuid:pk>/resultaten", views.results, name="results"),
    path("<uuid:pk>/antwoorden/<uuid:answer_pk>/", views.open_answer_mark, name="open_answer_mark"),
    path("<uuid:pk>/rapport/", views.report_texts, name="report_texts"),
    path("<uuid:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<uuid:pk>/openen/", views.campaign_status, {"action": "openen"}, name="campaign_open"),
    path("<uuid:pk>/sluiten/", views.campaign_status, {"action": "sluiten"}, name="campaign_close"),
]

# The public questionnaire, mounted at /vragenlijst/ under the namespace "questionnaire".
public_urlpatterns = [
    path("", views.start, name="start"),
    path("invullen/", views.answer, name="answer"),
    path("bedankt/", views.thanks, name="thanks"),
]
