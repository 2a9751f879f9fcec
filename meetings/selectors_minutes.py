"""Reads for the minutes: the meeting page's section, the minutes page, version comparison and the PDFs.
The minutes page runs a fixed number of queries however many agenda items and comments it has."""

import difflib
import itertools
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.sanitize import clean_rich_text, rich_text_to_markup

from .models import ActionItem, Decision, MeetingPage, Minutes, MinutesComment, MinutesVersion
from .permissions import (
    user_can_comment_on_minutes,
    user_can_manage_meetings,
    user_can_read_minutes,
    user_can_review_minutes_as_chair,
)
from .services.minutes import (
    COMMENT_DAYS_DEFAULT,
    COMMENT_DAYS_MAX,
    START_MARGIN,
    Event,
    chair_has_approved,
    chair_users,
    later_meetings,
)

EVENT_LABELS = {
    Event.STARTED: _("Notulen aangemaakt"),
    Event.SAVED: _("Tekst opgeslagen"),
    Event.SUBMITTED: _("Voorgelegd aan de voorzitter"),
    Event.APPROVED: _("Goedgekeurd door de voorzitter"),
    Event.CHANGES_REQUESTED: _("Aanpassing gevraagd door de voorzitter"),
    Event.PUBLISHED: _("Gepubliceerd als concept-notulen"),
    Event.AMENDED: _("Aangepast na de reacties"),
    Event.ADOPTED: _("Vastgesteld"),
}
# Members see the versions from publication on; what the secretariat and the chair drafted before stays theirs.
MEMBER_VERSION_STATUSES = (Minutes.Status.PUBLISHED, Minutes.Status.ADOPTED)


def minutes_of(meeting: MeetingPage) -> Minutes | None:
    minutes = Minutes.objects.select_related("adopted_at_meeting").filter(meeting=meeting).first()
    if minutes is not None:
        minutes.meeting = meeting  # keeps the page's computed audience for the permission checks
    return minutes


def minutes_context(*, meeting: MeetingPage, user) -> dict:
    """For the section on the meeting page."""
    minutes = minutes_of(meeting)
    can_manage = user_can_manage_meetings(user)
    can_read = minutes is not None and user_can_read_minutes(user, minutes)
    return {
        "minutes": minutes if can_read else None,
        "minutes_comments_open": can_read and _comments_open(minutes),
        "minutes_in_preparation": minutes is not None and not can_read,
        "minutes_can_start": can_manage and minutes is None and meeting.starts_at <= timezone.now() + START_MARGIN,
        "minutes_can_edit": can_manage
        and can_read
        and minutes.status in (Minutes.Status.CONCEPT, Minutes.Status.CHANGES_REQUESTED),
        "minutes_can_amend": can_manage and can_read and can_amend(minutes),
    }


def can_amend(minutes: Minutes) -> bool:
    """Published concept-notulen whose comment period is over: the comments can be worked in."""
    return (
        minutes.status == Minutes.Status.PUBLISHED
        and minutes.comments_until is not None
        and not _comments_open(minutes)
    )


def _comments_open(minutes: Minutes) -> bool:
    return (
        minutes.status == Minutes.Status.PUBLISHED
        and minutes.comments_until is not None
        and timezone.now() <= minutes.comments_until
    )


def user_sees_all_versions(user, minutes: Minutes) -> bool:
    return user_can_manage_meetings(user) or (
        user.contact_id is not None and minutes.meeting.chair_id == user.contact_id
    )


def versions_visible_to(user, minutes: Minutes):
    """Call only for users who may read the minutes (user_can_read_minutes)."""
    versions = minutes.versions.all()
    if not user_sees_all_versions(user, minutes):
        versions = versions.filter(status__in=MEMBER_VERSION_STATUSES)
    return versions


def _version_rows(user, minutes: Minutes) -> list[MinutesVersion]:
    versions = list(
        versions_visible_to(user, minutes)
        .select_related("created_by")
        .annotate(event=KeyTextTransform("event", "snapshot"))
        .defer("snapshot")
        .order_by("number")
    )
    for version in versions:
        version.event_label = EVENT_LABELS.get(version.event, "")
    return versions


def _decisions_and_actions(meeting: MeetingPage) -> tuple[dict, dict]:
    decisions, actions = {}, {}
    for decision in Decision.objects.filter(meeting=meeting).order_by("pk"):
        decisions.setdefault(decision.agenda_item_id, []).append(decision)
    for action in (
        ActionItem.objects.filter(meeting=meeting).select_related("owner_organisation", "owner_contact").order_by("pk")
    ):
        actions.setdefault(action.agenda_item_id, []).append(action)
    return decisions, actions


def minutes_items(minutes: Minutes, *, with_comments: bool = True) -> list:
    """Items with their (sanitised) text as HTML and the decisions and action items of their agenda item."""
    items = minutes.items.all()
    if with_comments:
        comments = (
            MinutesComment.objects.select_related("author", "resolved_in_version")
            .defer("resolved_in_version__snapshot")
            .order_by("created_at", "pk")
        )
        items = items.prefetch_related(Prefetch("comments", queryset=comments))
    items = list(items)
    decisions, actions = _decisions_and_actions(minutes.meeting)
    for item in items:
        item.html = mark_safe(clean_rich_text(item.text))  # noqa: S308 - cleaned by nh3 just now
        item.decision_list = decisions.get(item.agenda_item_id, []) if item.agenda_item_id else []
        item.action_list = actions.get(item.agenda_item_id, []) if item.agenda_item_id else []
    return items


def present_attendance(meeting: MeetingPage) -> list:
    return list(
        meeting.attendance.filter(present=True)
        .select_related("contact", "organisation")
        .order_by("contact__last_name", "contact__first_name")
    )


def minutes_page_context(*, minutes: Minutes, user) -> dict:
    meeting = minutes.meeting
    can_manage = user_can_manage_meetings(user)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "items": minutes_items(minutes),
        "present": present_attendance(meeting),
        "versions": _version_rows(user, minutes),
        "can_manage": can_manage,
        "can_comment": user_can_comment_on_minutes(user, minutes),
        "can_review": user_can_review_minutes_as_chair(user, minutes),
        "sees_chair_comment": user_sees_all_versions(user, minutes),
        "is_adopted": minutes.status == Minutes.Status.ADOPTED,
        "comments_open": _comments_open(minutes),
        "comment_days_default": COMMENT_DAYS_DEFAULT,
        "comment_days_max": COMMENT_DAYS_MAX,
    }
    if can_manage:
        editable = minutes.status in (Minutes.Status.CONCEPT, Minutes.Status.CHANGES_REQUESTED)
        approved = chair_has_approved(minutes) if minutes.status == Minutes.Status.CONCEPT else False
        has_chair = bool(chair_users(meeting)) if editable else False
        amendable = can_amend(minutes)
        unanswered = sum(
            1
            for item in context["items"]
            for c in item.comments.all()
            if c.resolution == MinutesComment.Resolution.OPEN
        )
        can_publish = minutes.status == Minutes.Status.CONCEPT and (approved or not has_chair)
        context.update(
            can_edit=editable,
            chair_approved=approved,
            can_submit=editable and has_chair and not approved,
            can_publish=can_publish,
            nobody_present=can_publish and not context["present"],
            has_chair_user=has_chair,
            can_amend=amendable,
            unanswered_count=unanswered,
            can_adopt=amendable and not unanswered,
            adopt_choices=list(later_meetings(meeting, user=user)) if amendable and not unanswered else [],
        )
    return context


# --- Comparing versions ---------------------------------------------------------------------------------


@dataclass
class DiffRow:
    kind: str  # equal, replace, delete, insert
    old: str = ""
    new: str = ""


@dataclass
class ItemDiff:
    number: int
    title: str
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.kind != "equal" for row in self.rows)


def _lines(html: str) -> list[str]:
    return [line for line in rich_text_to_markup(html).split("\n") if line.strip()]


def _diff_rows(old: list[str], new: list[str]) -> list[DiffRow]:
    rows = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow("equal", line, line) for line in old[i1:i2])
            continue
        for left, right in itertools.zip_longest(old[i1:i2], new[j1:j2]):
            kind = "replace" if left is not None and right is not None else ("delete" if right is None else "insert")
            rows.append(DiffRow(kind, left or "", right or ""))
    return rows


def version_compare(*, old: MinutesVersion, new: MinutesVersion) -> list[ItemDiff]:
    """Per agenda item, line by line (lines of the portal markup, as the secretariat typed them)."""
    old_items = old.snapshot.get("items", [])
    new_items = new.snapshot.get("items", [])
    diffs = []
    for n, (a, b) in enumerate(itertools.zip_longest(old_items, new_items), start=1):
        a, b = a or {}, b or {}
        diff = ItemDiff(number=n, title=b.get("title") or a.get("title") or "")
        diff.rows = _diff_rows(_lines(a.get("text", "")), _lines(b.get("text", "")))
        if a.get("title", "") != b.get("title", ""):
            diff.rows.insert(0, DiffRow("replace", a.get("title", ""), b.get("title", "")))
        diffs.append(diff)
    return diffs


def version_status_label(version: MinutesVersion) -> str:
    return str(Minutes.Status(version.status).label) if version.status in Minutes.Status.values else version.status


# --- PDFs -----------------------------------------------------------------------------------------------


def minutes_pdf_data(*, minutes: Minutes) -> dict:
    return {
        "items": minutes_items(minutes, with_comments=False),
        "present": present_attendance(minutes.meeting),
    }


# --- Working the comments in -----------------------------------------------------------------------------


def amend_items(minutes: Minutes) -> list:
    """The items to amend, each with its text as markup and its comments (open ones first to answer)."""
    items = list(
        minutes.items.prefetch_related(
            Prefetch("comments", queryset=MinutesComment.objects.select_related("author").order_by("created_at", "pk"))
        )
    )
    for item in items:
        item.markup = rich_text_to_markup(item.text)
        item.comment_list = list(item.comments.all())
    return items
