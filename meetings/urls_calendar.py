"""iCal feeds and the personal subscription page (included from meetings/urls.py, same namespace)."""

from django.urls import path

from .views import calendar

urlpatterns = [
    path("platforms/<slug:code>/agenda.ics", calendar.district_feed, name="calendar_district_feed"),
    path("mijn-agenda/", calendar.subscription, name="calendar_subscription"),
    path("agenda/<slug:token>.ics", calendar.personal_feed, name="calendar_personal_feed"),
]
