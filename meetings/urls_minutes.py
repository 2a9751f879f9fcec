"""The minutes cycle and the PDFs (included from meetings/urls.py, same namespace)."""

from django.urls import path

from .views import minutes

urlpatterns = [
    path("overleg/<int:meeting_id>/notulen/", minutes.minutes_page, name="minutes"),
    path("overleg/<int:meeting_id>/notulen/starten/", minutes.minutes_start, name="minutes_start"),
    path("overleg/<int:meeting_id>/notulen/bewerken/", minutes.minutes_edit, name="minutes_edit"),
    path("overleg/<int:meeting_id>/notulen/voorleggen/", minutes.minutes_submit, name="minutes_submit"),
    path("overleg/<int:meeting_id>/notulen/beoordelen/", minutes.minutes_review, name="minutes_review"),
    path("overleg/<int:meeting_id>/notulen/publiceren/", minutes.minutes_publish, name="minutes_publish"),
    path("overleg/<int:meeting_id>/notulen/reageren/<int:item_id>/", minutes.minutes_comment, name="minutes_comment"),
    path("overleg/<int:meeting_id>/notulen/aanpassen/", minutes.minutes_amend, name="minutes_amend"),
    path("overleg/<int:meeting_id>/notulen/vaststellen/", minutes.minutes_adopt, name="minutes_adopt"),
    path("overleg/<int:meeting_id>/notulen/versies/", minutes.minutes_versions, name="minutes_versions"),
    path("overleg/<int:meeting_id>/agenda.pdf", minutes.agenda_pdf, name="agenda_pdf"),
    path("overleg/<int:meeting_id>/notulen.pdf", minutes.minutes_pdf, name="minutes_pdf"),
]
