from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    path("wie-is-wie/", views.directory, name="directory"),
    path("wie-is-wie/organisaties/<int:pk>/", views.organisation_detail, name="organisation"),
    path("wie-is-wie/organisaties/<int:pk>/bewerken/", views.organisation_edit, name="organisation_edit"),
    path("wie-is-wie/personen/<int:pk>/vcard/", views.contact_vcard_download, name="contact_vcard"),
    path("mijn-gegevens/", views.my_contact, name="my_contact"),
]
