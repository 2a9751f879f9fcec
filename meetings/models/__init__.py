from .actions import ActionItem, ActionItemUpdate, Decision
from .attendance import Attendance, Invitation
from .calendar import CalendarToken
from .minutes import Minutes, MinutesComment, MinutesItem, MinutesVersion
from .pages import AgendaItem, DistrictPlatformPage, MeetingPage

__all__ = [
    "ActionItem",
    "ActionItemUpdate",
    "AgendaItem",
    "Attendance",
    "CalendarToken",
    "Decision",
    "DistrictPlatformPage",
    "Invitation",
    "MeetingPage",
    "Minutes",
    "MinutesComment",
    "MinutesItem",
    "MinutesVersion",
]
