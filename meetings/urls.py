from django.urls import include, path

from .views import actions, attendance, live, platforms

app_name = "meetings"

urlpatterns = [
    path("platforms/", platforms.platform_list, name="platform_list"),
    path("actiepunten/", actions.action_list, name="action_list"),
    path("actiepunten/<int:pk>/", actions.action_update, name="action_update"),
    path("overleg/<int:meeting_id>/agenda-publiceren/", attendance.agenda_publish, name="agenda_publish"),
    path("overleg/<int:meeting_id>/antwoord/", attendance.invitation_answer, name="invitation_answer"),
    path("overleg/<int:meeting_id>/aanwezigheid/", attendance.attendance_record, name="attendance"),
    path("overleg/<int:meeting_id>/uitnodiging.ics", attendance.meeting_ics, name="meeting_ics"),
    path("overleg/<int:meeting_id>/besluit/", actions.decision_add, name="decision_add"),
    path("overleg/<int:meeting_id>/actiepunt/", actions.action_add, name="action_add"),
    path("overleg/<int:meeting_id>/huidig-punt/", live.current_item_set, name="current_item_set"),
    path("", include("meetings.urls_calendar")),
    path("", include("meetings.urls_minutes")),
]
