from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("locaties/nieuw/", views.location_create, name="location_create"),
    path("locaties/<uuid:pk>/", views.location_detail, name="location"),
    path("cijfers/", views.referral_figures, name="figures"),
    path("toegangslog/", views.access_log, name="access_log"),
    path("verzoek-betrokkene/", views.owner_request, name="owner_request"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/toewijzen/", views.referral_assign, name="assign"),
    path("<uuid:pk>/status/", views.referral_status, name="status"),
    path("<uuid:pk>/notitie/", views.referral_note, name="note"),
]
