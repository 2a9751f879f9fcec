"""The minutes cycle: the secretariat writes per agenda item, the chair approves or asks changes, the
members get concept-notulen with a comment period for those present, the secretariat works the comments
into a new version after the period (telling each commenter what became of their comment), and a later
meeting that has been held adopts them.

Every state change writes a numbered MinutesVersion, so nothing said or written is lost. The chair's
approval is the latest version's event: any later change of the text makes it lapse by itself."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core.sanitize import clean_plain_text, clean_rich_text
from notifications.services import notify
from search.indexing import schedule
from stakeholders.selectors import platform_users

from ..models import MeetingPage, Minutes, MinutesComment, MinutesItem, MinutesVersion
from ..permissions import (
    meetings_visible_to,
    user_can_comment_on_minutes,
    user_can_manage_meetings,
    user_can_read_minutes,
    user_can_review_minutes_as_chair,
    user_can_view_meeting,
)

COMMENT_DAYS_DEFAULT = 14
COMMENT_DAYS_MAX = 60
ITEM_TEXT_MAX = 50_000
COMMENT_MAX = 2000
ANSWER_NOTE_MAX = 1000
# Minutes may be written from the start of the meeting (the secretariat types along).
START_MARGIN = datetime.timedelta(hours=1)


class Event:
    """What a version records; kept in its snapshot next to the status."""

    STARTED = "started"
    SAVED = "saved"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    AMENDED = "amended"
    ADOPTED = "adopted"


def minutes_url(meeting_id: int) -> str:
    return reverse("meetings:minutes", args=[meeting_id])


def moment_text(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y, H:i")


def _district_id(meeting: MeetingPage) -> int:
    return meeting.get_parent().specific.district_id


def chair_users(meeting: MeetingPage) -> list:
    """The chair's portal accounts that can see the meeting: without one the secretariat publishes alone."""
    if meeting.chair_id is None:
        return []
    return [
        user
        for user in User.objects.filter(contact_id=meeting.chair_id, is_active=True)
        if user_can_view_meeting(user, meeting)
    ]


def _secretariat_users():
    return User.objects.filter(is_active=True, groups__name="Secretariaat").distinct()


def _locked(minutes: Minutes) -> Minutes:
    """The row re-read under a lock, so two tabs or two people cannot both move the cycle on."""
    locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
    locked.meeting = minutes.meeting
    return locked


def latest_version(minutes: Minutes) -> MinutesVersion | None:
    return minutes.versions.order_by("-number").first()


def chair_has_approved(minutes: Minutes) -> bool:
    """Approved by the chair, and not changed since."""
    if minutes.status != Minutes.Status.CONCEPT:
        return False
    latest = latest_version(minutes)
    return latest is not None and latest.snapshot.get("event") == Event.APPROVED


def _version_write(*, minutes: Minutes, user, event: str, note: str = "") -> MinutesVersion:
    number = (minutes.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = {
        "items": [{"title": item.title, "text": item.text} for item in minutes.items.order_by("sort_order", "pk")],
        "status": minutes.status,
        "event": event,
    }
    if note:
        snapshot["note"] = note
    return MinutesVersion.objects.create(
        minutes=minutes, number=number, status=minutes.status, snapshot=snapshot, created_by=user
    )


def _require_manager(user) -> None:
    if not user_can_manage_meetings(user):
        raise PermissionDenied


def _require_text(minutes: Minutes) -> None:
    if not minutes.items.exclude(text="").exists():
        raise ValidationError(_("Schrijf eerst het verslag bij de agendapunten."))


def _require_editable(minutes: Minutes) -> None:
    if minutes.status == Minutes.Status.CHAIR_REVIEW:
        raise ValidationError(_("De notulen liggen bij de voorzitter; wijzigen kan weer na diens oordeel."))
    if minutes.status == Minutes.Status.PUBLISHED:
        raise ValidationError(
            _("Concept-notulen past u aan na de reactietermijn, met ‘Aanpassen na de reacties’ op de notulen.")
        )
    if minutes.status == Minutes.Status.ADOPTED:
        raise ValidationError(_("Vastgestelde notulen kunnen niet meer worden gewijzigd."))


def _apply_texts(minutes: Minutes, texts: Mapping[int, str]) -> list[MinutesItem]:
    """Clean and check the new texts; returns the items whose text changed (not yet saved)."""
    items = {item.pk: item for item in minutes.items.all()}
    unknown = set(texts) - set(items)
    if unknown:
        raise ValidationError(_("Een van de agendapunten hoort niet bij deze notulen."))
    changed = []
    for item_id, value in texts.items():
        item = items[item_id]
        text = clean_rich_text(value or "")
        if len(text) > ITEM_TEXT_MAX:
            raise ValidationError(
                _("Het verslag bij ‘%(title)s’ is te lang; maximaal %(max)s tekens.")
                % {"title": item.title[:80], "max": ITEM_TEXT_MAX}
            )
        if text != item.text:
            item.text = text
            changed.append(item)
    return changed


def _store_texts(minutes: Minutes, changed: list[MinutesItem]) -> None:
    MinutesItem.objects.bulk_update(changed, ["text"])
    schedule("minutes", [minutes.pk])  # nor does it reach the search index by itself


@transaction.atomic
def minutes_start(*, user, meeting: MeetingPage) -> Minutes:
    """One minutes item per agenda item, in agenda order, with the title as it was on the agenda."""
    _require_manager(user)
    if not user_can_view_meeting(user, meeting):
        raise PermissionDenied
    MeetingPage.objects.select_for_update().filter(pk=meeting.pk).first()
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("Er zijn al notulen voor dit overleg."))
    if meeting.starts_at > timezone.now() + START_MARGIN:
        raise ValidationError(_("Notulen schrijft u tijdens of na het overleg."))
    agenda = list(meeting.agenda_items.order_by("sort_order", "pk"))
    if not agenda:
        raise ValidationError(_("Dit overleg heeft geen agendapunten; notulen worden per agendapunt geschreven."))
    minutes = Minutes.objects.create(meeting=meeting)
    MinutesItem.objects.bulk_create(
        MinutesItem(minutes=minutes, agenda_item=item, title=item.title, sort_order=n) for n, item in enumerate(agenda)
    )
    _version_write(minutes=minutes, user=user, event=Event.STARTED)
    return minutes


@transaction.atomic
def minutes_save(*, user, minutes: Minutes, texts: Mapping[int, str]) -> MinutesVersion | None:
    """`texts` maps minutes item id → the portal's plain markup (or HTML). Items not in it keep their text.
    Returns the new version, or None when nothing changed (no empty versions)."""
    _require_manager(user)
    minutes = _locked(minutes)
    _require_editable(minutes)
    changed = _apply_texts(minutes, texts)
    if not changed:
        return None
    _store_texts(minutes, changed)
    return _version_write(minutes=minutes, user=user, event=Event.SAVED)


@transaction.atomic
def minutes_submit_to_chair(*, user, minutes: Minutes) -> Minutes:
    _require_manager(user)
    minutes = _locked(minutes)
    _require_editable(minutes)
    chairs = chair_users(minutes.meeting)
    if not chairs:
        raise ValidationError(
            _("Dit overleg heeft geen voorzitter met een account op het portaal; publiceer de notulen zelf.")
        )
    if chair_has_approved(minutes):
        raise ValidationError(_("De voorzitter heeft deze notulen al goedgekeurd; u kunt ze publiceren."))
    _require_text(minutes)
    minutes.status = Minutes.Status.CHAIR_REVIEW
    minutes.save(update_fields=["status"])
    _version_write(minutes=minutes, user=user, event=Event.SUBMITTED)
    notify(
        recipients=chairs,
        kind="meetings.minutes_review",
        title=_("Notulen ter beoordeling: %(title)s") % {"title": minutes.meeting.title},
        url=minutes_url(minutes.meeting_id),
        subject=minutes.meeting,
        district_id=_district_id(minutes.meeting),
        body=_("Keur de notulen goed of vraag om aanpassing."),
    )
    return minutes


@transaction.atomic
def minutes_chair_decide(*, user, minutes: Minutes, approve: bool, comment: str = "") -> Minutes:
    """Approving hands the minutes back to the secretariat to publish; asking changes needs a comment."""
    minutes = _locked(minutes)
    if not user_can_review_minutes_as_chair(user, minutes):
        raise PermissionDenied
    comment = clean_plain_text(comment)
    if len(comment) > COMMENT_MAX:
        raise ValidationError(_("Uw opmerking is te lang; maximaal %(max)s tekens.") % {"max": COMMENT_MAX})
    if not approve and not comment:
        raise ValidationError(_("Schrijf wat er aangepast moet worden."))
    minutes.status = Minutes.Status.CONCEPT if approve else Minutes.Status.CHANGES_REQUESTED
    minutes.chair_comment = comment
    minutes.save(update_fields=["status", "chair_comment"])
    _version_write(
        minutes=minutes, user=user, event=Event.APPROVED if approve else Event.CHANGES_REQUESTED, note=comment
    )
    title = (
        _("De voorzitter heeft de notulen goedgekeurd: %(title)s")
        if approve
        else _("De voorzitter vraagt aanpassing van de notulen: %(title)s")
    )
    notify(
        recipients=_secretariat_users(),
        kind="meetings.minutes_chair_decided",
        title=title % {"title": minutes.meeting.title},
        url=minutes_url(minutes.meeting_id),
        subject=minutes.meeting,
        district_id=_district_id(minutes.meeting),
        body=comment,
    )
    return minutes


@dataclass(frozen=True)
class Published:
    """What publishing did, for the secretariat's message: who was told, and who could not be."""

    minutes: Minutes
    present_told: int  # present, with an account: told they can comment
    others_told: int  # the platform's other members and the secretariat
    present_without_account: int  # present, but nobody to tell (and they cannot comment)


def present_contact_ids(meeting: MeetingPage) -> set[int]:
    return set(meeting.attendance.filter(present=True).values_list("contact_id", flat=True))


@transaction.atomic
def minutes_publish(
    *,
    user,
    minutes: Minutes,
    comment_days: int = COMMENT_DAYS_DEFAULT,
    nobody_present_confirmed: bool = False,
) -> Published:
    """Opens the comment period for those present. With nobody marked present nobody can comment, so
    that needs `nobody_present_confirmed` (the secretariat was warned and chose to go on)."""
    _require_manager(user)
    minutes = _locked(minutes)
    if minutes.status in (Minutes.Status.PUBLISHED, Minutes.Status.ADOPTED):
        raise ValidationError(_("De notulen zijn al gepubliceerd."))
    if minutes.status == Minutes.Status.CHAIR_REVIEW:
        raise ValidationError(_("De notulen liggen nog bij de voorzitter."))
    if minutes.status == Minutes.Status.CHANGES_REQUESTED:
        raise ValidationError(
            _("De voorzitter heeft om aanpassing gevraagd; verwerk die en leg de notulen opnieuw voor.")
        )
    if chair_users(minutes.meeting) and not chair_has_approved(minutes):
        raise ValidationError(_("Leg de notulen eerst voor aan de voorzitter."))
    if not isinstance(comment_days, int) or not 1 <= comment_days <= COMMENT_DAYS_MAX:
        raise ValidationError(_("Kies een reactietermijn van 1 tot en met %(max)s dagen.") % {"max": COMMENT_DAYS_MAX})
    _require_text(minutes)
    meeting = minutes.meeting
    present_ids = present_contact_ids(meeting)
    if not present_ids and not nobody_present_confirmed:
        raise ValidationError(
            _(
                "Er is niemand als aanwezig genoteerd, dus niemand kan op deze concept-notulen reageren. Er is "
                "niets gepubliceerd: noteer eerst de aanwezigheid, of vink ‘Toch publiceren’ aan."
            ),
            code="nobody_present",
        )
    minutes.status = Minutes.Status.PUBLISHED
    minutes.comments_until = timezone.now() + datetime.timedelta(days=comment_days)
    minutes.save(update_fields=["status", "comments_until"])
    MeetingPage.objects.filter(pk=meeting.pk).update(status=MeetingPage.Status.DRAFT_MINUTES)
    meeting.status = MeetingPage.Status.DRAFT_MINUTES
    _version_write(minutes=minutes, user=user, event=Event.PUBLISHED)

    accounts = list(User.objects.filter(is_active=True, contact_id__in=present_ids))
    present = [u for u in accounts if u.pk != user.pk and user_can_read_minutes(u, minutes)]
    title = _("Concept-notulen gepubliceerd: %(title)s") % {"title": meeting.title}
    url = minutes_url(meeting.pk)
    about = {"subject": meeting, "district_id": _district_id(meeting)}
    present_told = notify(
        recipients=present,
        kind="meetings.minutes_published",
        title=title,
        url=url,
        **about,
        body=_("U was aanwezig. U kunt per agendapunt reageren tot %(until)s.")
        % {"until": moment_text(minutes.comments_until)},
    )
    others_told = notify(
        recipients=platform_users(_district_id(meeting)).exclude(pk__in={u.pk for u in present} | {user.pk}),
        kind="meetings.minutes_published",
        title=title,
        url=url,
        **about,
    )
    return Published(
        minutes=minutes,
        present_told=len(present_told),
        others_told=len(others_told),
        present_without_account=len(present_ids - {u.contact_id for u in accounts}),
    )


@transaction.atomic
def minutes_comment_add(*, user, minutes: Minutes, item_id: int, text: str, now=None) -> MinutesComment:
    """Only those present, only while the period runs. A refused comment changes nothing; the view shows
    the text again so the writer keeps it."""
    now = now or timezone.now()
    minutes = _locked(minutes)
    if not user_can_read_minutes(user, minutes):
        raise PermissionDenied
    if minutes.status != Minutes.Status.PUBLISHED or minutes.comments_until is None:
        raise ValidationError(_("Reageren kan alleen op concept-notulen die gepubliceerd zijn."))
    if now > minutes.comments_until:
        raise ValidationError(
            _(
                "De reactietermijn is gesloten op %(until)s; uw reactie is niet opgeslagen. Mail uw opmerking "
                "zo nodig aan het secretariaat."
            )
            % {"until": moment_text(minutes.comments_until)}
        )
    if not user_can_comment_on_minutes(user, minutes, now=now):
        raise ValidationError(_("Alleen wie bij het overleg aanwezig was, kan op de concept-notulen reageren."))
    item = minutes.items.filter(pk=item_id).first()
    if item is None:
        raise ValidationError(_("Dit agendapunt hoort niet bij deze notulen."))
    text = clean_plain_text(text)
    if not text:
        raise ValidationError(_("Schrijf uw reactie."))
    if len(text) > COMMENT_MAX:
        raise ValidationError(_("Uw reactie is te lang; maximaal %(max)s tekens.") % {"max": COMMENT_MAX})
    return MinutesComment.objects.create(item=item, author=user, text=text)


def later_meetings(meeting: MeetingPage, *, user, now=None):
    """Meetings of the same platform after this one that have been held (have started): minutes are
    adopted in a meeting, so not in one still to come."""
    now = now or timezone.now()
    return (
        meetings_visible_to(user)
        .child_of(meeting.get_parent())
        .filter(live=True, starts_at__gt=meeting.starts_at, starts_at__lte=now)
        .exclude(pk=meeting.pk)
        .order_by("starts_at")
    )


def minutes_comments(minutes: Minutes):
    return MinutesComment.objects.filter(item__minutes=minutes)


def unanswered_comments(minutes: Minutes):
    return minutes_comments(minutes).filter(resolution=MinutesComment.Resolution.OPEN)


@dataclass(frozen=True)
class CommentAnswer:
    resolution: str  # a MinutesComment.Resolution other than OPEN
    note: str = ""


@dataclass(frozen=True)
class Amended:
    version: MinutesVersion | None  # None when the text stayed the same (only comments answered)
    answered: int
    told: int


def answer_problem(answer: CommentAnswer | None) -> str:
    if answer is None or answer.resolution not in MinutesComment.Resolution.values or not answer.resolution:
        return _("Geef bij elke reactie aan wat ermee is gedaan.")
    note = clean_plain_text(answer.note)
    if len(note) > ANSWER_NOTE_MAX:
        return _("Uw toelichting is te lang; maximaal %(max)s tekens.") % {"max": ANSWER_NOTE_MAX}
    if answer.resolution == MinutesComment.Resolution.NOT_WORKED_IN and not note:
        return _("Leg de indiener uit waarom de reactie niet is verwerkt.")
    return ""


@transaction.atomic
def minutes_amend(
    *, user, minutes: Minutes, texts: Mapping[int, str], answers: Mapping[int, CommentAnswer], now=None
) -> Amended:
    """After the comment period: the secretariat works comments into the text (a new version, kept beside
    the published one and comparable with it) and answers every comment not answered before; each
    commenter is told what became of theirs. Everything is checked before anything is stored."""
    _require_manager(user)
    now = now or timezone.now()
    minutes = _locked(minutes)
    if minutes.status == Minutes.Status.ADOPTED:
        raise ValidationError(_("Vastgestelde notulen kunnen niet meer worden gewijzigd."))
    if minutes.status != Minutes.Status.PUBLISHED or minutes.comments_until is None:
        raise ValidationError(_("Na de reacties aanpassen kan alleen bij gepubliceerde concept-notulen."))
    if minutes.comments_until > now:
        raise ValidationError(
            _("De reactietermijn loopt nog tot %(until)s; pas de notulen daarna aan.")
            % {"until": moment_text(minutes.comments_until)}
        )
    open_comments = {c.pk: c for c in unanswered_comments(minutes).select_related("item", "author")}
    if set(answers) - set(open_comments):
        raise ValidationError(_("Een van de reacties hoort niet bij deze notulen of is al beantwoord."))
    for comment_id in open_comments:
        problem = answer_problem(answers.get(comment_id))
        if problem:
            raise ValidationError(problem)
    changed = _apply_texts(minutes, texts)
    worked_in = [pk for pk, a in answers.items() if a.resolution == MinutesComment.Resolution.WORKED_IN]
    if worked_in and not changed:
        raise ValidationError(
            _(
                "U geeft aan dat een reactie is verwerkt, maar de tekst is niet gewijzigd. Pas de tekst aan of "
                "kies wat er wel met de reactie is gedaan."
            )
        )
    version = None
    if changed:
        _store_texts(minutes, changed)
        version = _version_write(minutes=minutes, user=user, event=Event.AMENDED)
    current = version or latest_version(minutes)
    for comment_id, comment in open_comments.items():
        comment.resolution = answers[comment_id].resolution
        comment.resolution_note = clean_plain_text(answers[comment_id].note)
        comment.resolved_at = now
        comment.resolved_in_version = current
    MinutesComment.objects.bulk_update(
        open_comments.values(), ["resolution", "resolution_note", "resolved_at", "resolved_in_version"]
    )
    told = _tell_commenters(minutes, list(open_comments.values()), current)
    return Amended(version=version, answered=len(open_comments), told=told)


def _answer_line(comment: MinutesComment, version: MinutesVersion | None) -> str:
    about = {"title": comment.item.title[:80], "number": version.number if version else ""}
    if comment.resolution == MinutesComment.Resolution.WORKED_IN:
        return _("‘%(title)s’: verwerkt in de tekst (versie %(number)s).") % about
    if comment.resolution == MinutesComment.Resolution.NO_CHANGE:
        line = _("‘%(title)s’: geen aanpassing nodig.") % about
    else:
        line = _("‘%(title)s’: niet verwerkt.") % about
    return f"{line} {comment.resolution_note}".strip()


def _tell_commenters(minutes: Minutes, comments: list[MinutesComment], version: MinutesVersion | None) -> int:
    """One notification per commenter, with a line per comment of theirs (the concept-notulen's event)."""
    by_author: dict[int, list[MinutesComment]] = {}
    for comment in comments:
        if comment.author_id is not None and comment.author.is_active:
            by_author.setdefault(comment.author_id, []).append(comment)
    meeting = minutes.meeting
    told = 0
    for mine in by_author.values():
        told += len(
            notify(
                recipients=[mine[0].author],
                kind="meetings.minutes_published",
                title=ngettext(
                    "Uw reactie op de concept-notulen is beantwoord: %(title)s",
                    "Uw reacties op de concept-notulen zijn beantwoord: %(title)s",
                    len(mine),
                )
                % {"title": meeting.title},
                url=minutes_url(meeting.pk),
                subject=meeting,
                district_id=_district_id(meeting),
                body="\n".join(_answer_line(comment, version) for comment in mine),
            )
        )
    return told


@transaction.atomic
def minutes_adopt(*, user, minutes: Minutes, adopted_at_meeting: MeetingPage) -> Minutes:
    _require_manager(user)
    minutes = _locked(minutes)
    if minutes.status == Minutes.Status.ADOPTED:
        raise ValidationError(_("De notulen zijn al vastgesteld."))
    if minutes.status != Minutes.Status.PUBLISHED:
        raise ValidationError(_("Alleen gepubliceerde concept-notulen kunnen worden vastgesteld."))
    now = timezone.now()
    if minutes.comments_until and minutes.comments_until > now:
        raise ValidationError(
            _("De reactietermijn loopt nog tot %(until)s; stel de notulen daarna vast.")
            % {"until": moment_text(minutes.comments_until)}
        )
    open_count = unanswered_comments(minutes).count()
    if open_count:
        raise ValidationError(
            ngettext(
                "Er is %(n)s reactie nog niet beantwoord. Geef eerst met ‘Aanpassen na de reacties’ aan wat ermee "
                "is gedaan; dan hoort de indiener het.",
                "Er zijn %(n)s reacties nog niet beantwoord. Geef eerst met ‘Aanpassen na de reacties’ aan wat "
                "ermee is gedaan; dan horen de indieners het.",
                open_count,
            )
            % {"n": open_count}
        )
    meeting = minutes.meeting
    if adopted_at_meeting is None or not later_meetings(meeting, user=user).filter(pk=adopted_at_meeting.pk).exists():
        raise ValidationError(_("Kies een later overleg van hetzelfde platform dat al is gehouden."))
    minutes.status = Minutes.Status.ADOPTED
    minutes.adopted_at = now
    minutes.adopted_at_meeting = adopted_at_meeting
    minutes.save(update_fields=["status", "adopted_at", "adopted_at_meeting"])
    MeetingPage.objects.filter(pk=meeting.pk).update(status=MeetingPage.Status.MINUTES_ADOPTED)
    meeting.status = MeetingPage.Status.MINUTES_ADOPTED
    _version_write(minutes=minutes, user=user, event=Event.ADOPTED, note=adopted_at_meeting.title)
    notify(
        recipients=platform_users(_district_id(meeting)).exclude(pk=user.pk),
        kind="meetings.minutes_adopted",
        title=_("Notulen vastgesteld: %(title)s") % {"title": meeting.title},
        url=minutes_url(meeting.pk),
        subject=meeting,
        district_id=_district_id(meeting),
    )
    return minutes
