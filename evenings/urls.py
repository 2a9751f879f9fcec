from django.urls import path

from . import views

app_name = "evenings"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("organiseren/", views.organise_list, name="organise_list"),
    path("organiseren/nieuw/", views.evening_edit, name="evening_new"),
    path("organiseren/<int:pk>/", views.organise_detail, name="organise_detail"),
    path("organiseren/<int:pk>/wijzigen/", views.evening_edit, name="evening_edit"),
    path("organiseren/<int:pk>/sprekers/crm/", views.speaker_add_contact, name="speaker_add_contact"),
    path("organiseren/<int:pk>/sprekers/gast/", views.speaker_add_guest, name="speaker_add_guest"),
    path("organiseren/spreker/<int:pk>/verwijderen/", views.speaker_remove, name="speaker_remove"),
    path("organiseren/<int:pk>/opkomst/", views.attendance, name="attendance"),
    path("organiseren/<int:pk>/les/", views.lesson_start, name="lesson_start"),
    path("<slug:slug>/", views.public_detail, name="public_detail"),
    path("<slug:slug>/aangemeld/", views.public_done, name="public_done"),
]
