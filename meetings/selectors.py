"""Reads for platform and meeting pages and the action list; fixed query counts whatever the history."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from notifications.events import event_for
from notifications.models import Delivery
from notifications.permissions import recipients_who_may_see
from notifications.selectors import already_notified, deliveries_for
from stakeholders.models import Affiliation, Contact, District
from stakeholders.permissions import contacts_visible_to
from stakeholders.selectors import platform_contacts, platform_users

from .models import ActionItem, AgendaItem, Invitation, MeetingPage, Minutes
from .permissions import (
    action_items_visible_to,
    meetings_visible_to,
    platform_district_ids_for,
    user_can_manage_meetings,
)
from .selectors_minutes import minutes_context

PAST_MEETINGS_SHOWN = 8


def _with_owners(items):
    return items.select_related("owner_organisation", "owner_contact", "meeting")


def _with_owner_names(items):
    """For lists on the meeting page itself, which never show an item's meeting (a page row is costly)."""
    return items.select_related("owner_organisation", "owner_contact")


def platform_context(*, platform, user) -> dict:
    now = timezone.now()
    meetings = meetings_visible_to(user).child_of(platform)
    return {
        "upcoming_meetings": list(meetings.filter(starts_at__gte=now).order_by("starts_at")),
        "past_meetings": list(meetings.filter(starts_at__lt=now).order_by("-starts_at")[:PAST_MEETINGS_SHOWN]),
        "open_action_count": action_items_visible_to(user).open().under_path(platform.path).count(),
    }


def open_actions_before(*, meeting: MeetingPage, user):
    """The platform's open action items from earlier meetings: 'actiepunten vorige vergadering'. The platform
    is the one the meeting is under (its parent's path), whatever platform an item was made on."""
    return _with_owner_names(
        action_items_visible_to(user)
        .open()
        .under_path(meeting.path[: -MeetingPage.steplen])
        .filter(meeting__starts_at__lt=meeting.starts_at)
        .order_by("due_date", "pk")
    )


def own_open_invitation(*, meeting: MeetingPage, user) -> Invitation | None:
    """The reader's own invitation to answer, only before the meeting starts (the page is already theirs to see)."""
    if not (user.is_authenticated and user.contact_id) or meeting.starts_at < timezone.now():
        return None
    return Invitation.objects.filter(meeting=meeting, contact_id=user.contact_id).first()


def meeting_context(*, meeting: MeetingPage, user) -> dict:
    agenda = list(meeting.agenda_items.select_related("presenter_contact", "presenter_organisation"))
    decisions = list(meeting.decisions.order_by("pk"))
    actions = list(_with_owner_names(meeting.action_items.order_by("pk")))
    for item in agenda:  # three queries for the whole agenda, whatever its length
        # An item only a draft has (a preview) has no id yet, and nothing recorded under it.
        item.decision_list = [d for d in decisions if item.pk is not None and d.agenda_item_id == item.pk]
        item.action_list = [a for a in actions if item.pk is not None and a.agenda_item_id == item.pk]
    can_manage = user_can_manage_meetings(user)
    context = {
        "agenda": agenda,
        "previous_actions": list(open_actions_before(meeting=meeting, user=user))
        if any(item.is_previous_actions for item in agenda)
        else [],
        "unlinked_decisions": [decision for decision in decisions if decision.agenda_item_id is None],
        # In the order of the action list: by due date (none last), then as recorded.
        "unlinked_actions": sorted(
            (action for action in actions if action.agenda_item_id is None),
            key=lambda action: (action.due_date is None, action.due_date or datetime.date.min, action.pk),
        ),
        "can_manage": can_manage,
        "total_minutes": sum(item.duration_minutes for item in agenda),
        "invitation": own_open_invitation(meeting=meeting, user=user),
        **minutes_context(meeting=meeting, user=user),
    }
    if can_manage:
        context["responses"] = dict(meeting.invitations.values_list("response").annotate(n=Count("pk")).order_by())
        context["invitations"] = list(meeting.invitations.select_related("contact").order_by("contact__last_name"))
        context["attendance"] = {a.contact_id: a for a in meeting.attendance.all()}
        # The live panel's forms; ids prefixed because both have an agenda_item field. New entries default to
        # the item under discussion.
        from .forms import ActionAddForm, DecisionAddForm  # here: the forms import the selectors

        initial = {"agenda_item": meeting.current_agenda_item_id}
        context["decision_form"] = DecisionAddForm(meeting=meeting, initial=initial, auto_id="besluit_%s")
        context["action_form"] = ActionAddForm(meeting=meeting, initial=initial, auto_id="actie_%s")
    return context


@dataclass(frozen=True)
class ActionFilters:
    district: str = ""
    status: str = "open"  # open (open + in uitvoering), a status value, or "alle"
    mine: bool = False
    overdue: bool = False


def action_list(*, user, filters: ActionFilters):
    items = action_items_visible_to(user)
    if filters.district:
        items = items.of_district(filters.district)
    if filters.status == "open":
        items = items.open()
    elif filters.status in ActionItem.Status.values:
        items = items.filter(status=filters.status)
    if filters.mine:
        employers = Affiliation.objects.current().filter(contact_id=user.contact_id).values("organisation_id")
        items = items.filter(Q(owner_contact_id=user.contact_id) | Q(owner_organisation_id__in=employers))
    if filters.overdue:
        items = items.open().filter(due_date__lt=datetime.date.today())
    return _with_owners(items).with_district().order_by("due_date", "pk")


def action_list_districts(*, user):
    districts = platform_district_ids_for(user)
    return District.objects.all() if districts is None else District.objects.filter(pk__in=districts)


def agenda_item_choices(meeting: MeetingPage) -> list[AgendaItem]:
    return list(meeting.agenda_items.all())


def mark_updatable(items, *, user) -> None:
    """Set `can_update` on listed (already visible) items in memory: one query for the whole page, the
    same rule as permissions.user_can_update_action_item."""
    if user_can_manage_meetings(user):
        for item in items:
            item.can_update = True
        return
    employers = (
        set(Affiliation.objects.current().filter(contact_id=user.contact_id).values_list("organisation_id", flat=True))
        if user.contact_id
        else set()
    )
    for item in items:
        item.can_update = user.contact_id is not None and (
            item.owner_contact_id == user.contact_id or item.owner_organisation_id in employers
        )


# --- Attendance -----------------------------------------------------------------------------------------

WALK_IN_RESULTS = 15
WALK_IN_MIN_QUERY = 2


@dataclass
class AttendanceRow:
    """One person on the attendance form: invited, recorded before (a walk-in), or added in this form."""

    contact: Contact
    invitation: Invitation | None
    employers: list
    present: bool
    organisation_id: int | None
    added: bool = False  # added as a walk-in in this form, not stored yet

    @property
    def walk_in(self) -> bool:
        return self.invitation is None


def _employers(contact_ids) -> dict[int, list]:
    employers: dict[int, list] = {}
    affiliations = (
        Affiliation.objects.current()
        .filter(contact_id__in=list(contact_ids))
        .select_related("organisation__municipality")
        .order_by("organisation__name")
    )
    for affiliation in affiliations:
        employers.setdefault(affiliation.contact_id, []).append(affiliation.organisation)
    return employers


def attendance_rows(*, meeting: MeetingPage, added_ids=()) -> list[AttendanceRow]:
    """Everyone invited, everyone recorded before and the walk-ins added now, by name. The organisations
    offered are where each works now, plus the one recorded before (they may have left since)."""
    invitations = {i.contact_id: i for i in meeting.invitations.select_related("contact")}
    recorded = {a.contact_id: a for a in meeting.attendance.select_related("contact", "organisation")}
    added = set(added_ids) - set(invitations) - set(recorded)
    contacts = {i.contact_id: i.contact for i in invitations.values()}
    contacts.update({a.contact_id: a.contact for a in recorded.values()})
    contacts.update({c.pk: c for c in Contact.objects.filter(pk__in=added, anonymised_at__isnull=True)})
    employers = _employers(contacts)
    rows = []
    for contact_id, contact in contacts.items():
        invitation, attendance = invitations.get(contact_id), recorded.get(contact_id)
        options = list(employers.get(contact_id, []))
        if attendance and attendance.organisation_id and all(o.pk != attendance.organisation_id for o in options):
            options.insert(0, attendance.organisation)
        if attendance is not None:
            present, organisation_id = attendance.present, attendance.organisation_id
        else:
            present = contact_id in added or (
                invitation is not None and invitation.response == Invitation.Response.ATTENDING
            )
            organisation_id = options[0].pk if options else None
        rows.append(AttendanceRow(contact, invitation, options, present, organisation_id, added=contact_id in added))
    rows.sort(key=lambda row: (row.contact.last_name.lower(), row.contact.first_name.lower(), row.contact.pk))
    return rows


def walk_in_candidates(*, user, query: str, exclude_ids=()) -> tuple[list[Contact], bool]:
    """Contacts from the CRM for a walk-in, by name, organisation or its place or municipality; every word
    must match. Returns at most WALK_IN_RESULTS and whether there were more."""
    terms = query.split()[:5]
    if len(query.strip()) < WALK_IN_MIN_QUERY:
        return [], False
    contacts = contacts_visible_to(user).filter(anonymised_at__isnull=True)
    for term in terms:
        works_at = (
            Affiliation.objects.current()
            .filter(
                Q(organisation__name__icontains=term)
                | Q(organisation__city__icontains=term)
                | Q(organisation__municipality__name__icontains=term)
            )
            .values("contact_id")
        )
        contacts = contacts.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(pk__in=works_at))
    found = list(
        contacts.exclude(pk__in=list(exclude_ids)).order_by("last_name", "first_name", "pk")[: WALK_IN_RESULTS + 1]
    )
    employers = _employers(c.pk for c in found)
    for contact in found:
        contact.employer_list = employers.get(contact.pk, [])
    return found[:WALK_IN_RESULTS], len(found) > WALK_IN_RESULTS


# --- Publishing the agenda ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaAudience:
    """Who publishing the agenda (again) reaches now, for the confirmation that names the numbers before
    anything is sent. The service sends to exactly these."""

    invite: list  # contacts who consented, with an address, not invited before: an e-mail with the .ics
    notify: list  # portal users not told before about this agenda (members and the secretariat)
    portal_only: int  # members among `notify` who get no invitation mail, only the portal notification
    not_reached: int  # the platform's contacts with neither: no consent for invitation mail, no account
    already_invited: int

    @property
    def invite_count(self) -> int:
        return len(self.invite)


def agenda_audience(*, meeting: MeetingPage) -> AgendaAudience:
    kind = "meetings.agenda_published"
    district_id = meeting.get_parent().specific.district_id
    already = set(meeting.invitations.values_list("contact_id", flat=True))
    contacts = list(platform_contacts(district_id).order_by("pk"))
    invite = [c for c in contacts if c.invitation_consent and c.email and c.pk not in already]
    told_before = already_notified(kind=kind, subject=meeting)
    users = [u for u in platform_users(district_id) if u.pk not in told_before]
    deliveries = deliveries_for(users, event_for(kind), district_id=district_id)
    notify = [u for u in recipients_who_may_see(users, meeting, kind) if deliveries.get(u.pk) != Delivery.OFF]
    platform_ids = {c.pk for c in contacts}
    mailed = already | {c.pk for c in invite}
    portal_only = sum(1 for u in notify if u.contact_id in platform_ids and u.contact_id not in mailed)
    member_ids = set(
        platform_users(district_id).filter(contact_id__in=platform_ids).values_list("contact_id", flat=True)
    )
    not_reached = sum(
        1 for c in contacts if not (c.invitation_consent and c.email) and c.pk not in member_ids and c.pk not in already
    )
    return AgendaAudience(invite, notify, portal_only, not_reached, len(already))


# --- The start page ("Mijn overzicht") ------------------------------------------------------------------------

START_LIMIT = 5


def open_invitations(*, user, limit: int = START_LIMIT):
    """The reader's own unanswered invitations to meetings still to come that they may see, soonest first."""
    if not (user.is_authenticated and user.contact_id):
        return []
    return list(
        Invitation.objects.filter(
            contact_id=user.contact_id,
            response=Invitation.Response.PENDING,
            meeting__in=meetings_visible_to(user).filter(starts_at__gte=timezone.now()),
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")[:limit]
    )


def next_meetings(*, user, limit: int = START_LIMIT) -> list[MeetingPage]:
    """The coming meetings of the reader's platforms (the secretariat: of every platform)."""
    return list(meetings_visible_to(user).filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")[:limit])


def own_open_actions(*, user, limit: int = START_LIMIT * 2) -> list[ActionItem]:
    """Open items of the reader or their organisation on platforms they may see; overdue first (earliest due
    date first, items without a date last)."""
    if not (user.is_authenticated and user.contact_id):
        return []
    items = action_list(user=user, filters=ActionFilters(mine=True))
    return list(items.order_by(F("due_date").asc(nulls_last=True), "pk")[:limit])


def meetings_to_prepare(*, user, limit: int = START_LIMIT * 2) -> list[tuple[MeetingPage, str]]:
    """The secretariat's meeting work, each with what it waits for: the next meeting of each platform whose
    agenda is not published, minutes in their comment period, and published concept-notulen whose period is
    over (to adopt)."""
    if not user_can_manage_meetings(user):
        return []
    now = timezone.now()
    visible = meetings_visible_to(user)
    agenda = visible.filter(starts_at__gte=now, status=MeetingPage.Status.PLANNED).order_by("starts_at", "pk")
    published = (
        visible.filter(minutes__status=Minutes.Status.PUBLISHED)
        .annotate(comments_until=F("minutes__comments_until"))
        .order_by("minutes__comments_until", "pk")
    )
    # The next unpublished meeting of each platform: those after it are not yet work for today.
    next_per_platform: dict[str, MeetingPage] = {}
    for meeting in agenda[: limit * 5]:
        next_per_platform.setdefault(meeting.path[: -MeetingPage.steplen], meeting)
    work = [(meeting, "agenda") for meeting in list(next_per_platform.values())[:limit]]
    for meeting in published[:limit]:
        in_period = meeting.comments_until is not None and meeting.comments_until >= now
        work.append((meeting, "comments" if in_period else "adopt"))
    return work


def overdue_actions_per_district(*, user) -> list[dict]:
    """Open items past their due date, counted per platform of the meeting they belong to now."""
    rows = (
        action_items_visible_to(user)
        .open()
        .filter(due_date__lt=timezone.localdate())
        .with_district()
        .values("district_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["district_id"]: row["n"] for row in rows if row["district_id"] is not None}
    districts = District.objects.filter(pk__in=counts).order_by("name")
    return [{"district": district, "count": counts[district.pk]} for district in districts]
