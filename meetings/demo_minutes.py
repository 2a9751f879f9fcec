"""Demo minutes: notulen with a plausible version history for a past meeting, adopted at the next meeting
once that has been held.

Idempotent: a meeting that already has minutes, or has not happened yet, gets none."""

import datetime

from django.db import transaction
from django.utils import timezone

from core.sanitize import clean_rich_text

from .models import MeetingPage, Minutes, MinutesComment, MinutesItem, MinutesVersion
from .services.minutes import Event

ANNOUNCEMENTS = [
    "De gemeente heeft een nieuwe wijkagent voor het buitengebied aangesteld.",
    "De provincie start in het najaar een subsidieregeling voor het slopen van leegstaande schuren.",
    "Het Regionaal Informatie- en Expertise Centrum heeft een nieuwe signalenkaart uitgebracht.",
    "De netbeheerder meldt minder afwijkend stroomverbruik in het buitengebied dan vorig jaar.",
    "Het drinkwaterbedrijf vraagt partners verdachte lozingen direct te melden.",
]
REVIEW_LINES = [
    "De integrale controle bij drie recreatieterreinen is zonder incidenten verlopen.",
    "Bij twee agrarische bedrijven zijn signalen van ondermijning onderzocht; één zaak is overgedragen aan de politie.",
    "De partners waarderen de korte lijnen met de gemeentelijke toezichthouders.",
    "De opkomst bij de voorlichtingsavond voor ondernemers was hoger dan verwacht.",
]
DISCUSSION_LINES = [
    "Meerdere partners herkennen het beeld; vooral in het noorden van het district komen signalen binnen.",
    "De LTO-vertegenwoordiger benadrukt dat ondernemers vaak niet weten waar zij terechtkunnen.",
    "De politie vraagt om meldingen ook bij twijfel door te geven; een melding kan altijd anoniem.",
    "Het waterschap wijst op de hoge kosten van het opruimen van drugsafval in sloten.",
    "De gemeenten willen de aanpak afstemmen, zodat eigenaren in het hele district dezelfde boodschap krijgen.",
]
CONCLUSIONS = [
    "De voorzitter concludeert dat er draagvlak is voor een gezamenlijke aanpak; zie het besluit.",
    "Na een korte discussie stemmen de partners in met het voorstel.",
]
_R = MinutesComment.Resolution
# A member's comment, what the secretariat did with it, and the sentence worked in or the note to the member.
COMMENTS = [
    (
        "Kleine aanvulling: de voorlichtingsavond was in Schagen, niet in Den Helder.",
        _R.WORKED_IN,
        "Aanvulling na de reacties: de voorlichtingsavond was in Schagen.",
    ),
    ("Graag mijn organisatie vermelden bij de aanwezigen.", _R.NO_CHANGE, "Uw organisatie staat bij de aanwezigen."),
    ("Akkoord met de tekst.", _R.NO_CHANGE, ""),
    (
        "Bij dit punt is ook afgesproken dat de gemeenten hun signalen bundelen.",
        _R.WORKED_IN,
        "Afgesproken is dat de gemeenten hun signalen bundelen.",
    ),
    (
        "Het waterschap was bij dit punt niet aanwezig; graag aanpassen.",
        _R.NOT_WORKED_IN,
        "Volgens de presentielijst was het waterschap wel aanwezig; de tekst blijft zoals hij is.",
    ),
]


def _item_markup(title: str, *, rng, decisions: list[str], chair: str) -> str:
    lower = title.lower()
    if lower.startswith("opening"):
        return (
            f"{chair} opent de vergadering en heet iedereen welkom. De agenda wordt ongewijzigd vastgesteld.\n\n"
            "Mededelingen:\n" + "\n".join(f"- {line}" for line in rng.sample(ANNOUNCEMENTS, 2))
        )
    if "actiepunten" in lower:
        return (
            "De open actiepunten zijn doorgenomen. Afgeronde punten zijn van de lijst gehaald; de overige lopen "
            "door naar het volgende overleg.\n\n"
            + rng.choice(["Er zijn geen opmerkingen.", "De eigenaren geven een korte stand van zaken."])
        )
    if "terugblik" in lower:
        return "\n".join(f"- {line}" for line in rng.sample(REVIEW_LINES, 3))
    if "rondvraag" in lower:
        return (
            rng.choice(
                [
                    "Er zijn geen vragen voor de rondvraag.",
                    "In de rondvraag wordt gevraagd naar de planning "
                    "van de volgende integrale actie; die volgt per mail.",
                ]
            )
            + f"\n\n{chair} sluit de vergadering om 16.00 uur en dankt de aanwezigen voor hun inbreng."
        )
    lines = rng.sample(DISCUSSION_LINES, 2)
    text = f"## Bespreking\n\n{lines[0]}\n\n{lines[1]}"
    if decisions:
        text += "\n\n" + rng.choice(CONCLUSIONS)
    return text


def _next_meeting(meeting: MeetingPage):
    return (
        MeetingPage.objects.child_of(meeting.get_parent())
        .filter(live=True, starts_at__gt=meeting.starts_at, starts_at__lte=timezone.now())
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def minutes_demo(meeting: MeetingPage, *, rng) -> Minutes | None:
    """Minutes for a past meeting: written, (sometimes) sent back by the chair, approved, published with a
    comment period, the comments answered (those worked in make a new version) and adopted at the next
    meeting that has been held. Without a held next meeting they stay published, the comments waiting."""
    now = timezone.now()
    if meeting.ends_at > now or Minutes.objects.filter(meeting=meeting).exists():
        return None
    agenda = list(meeting.agenda_items.order_by("sort_order", "pk"))
    if not agenda:
        return None
    chair = str(meeting.chair) if meeting.chair_id else "De voorzitter"
    decisions = {}
    for decision in meeting.decisions.all():
        decisions.setdefault(decision.agenda_item_id, []).append(decision.text)

    minutes = Minutes.objects.create(meeting=meeting)
    items = MinutesItem.objects.bulk_create(
        MinutesItem(minutes=minutes, agenda_item=item, title=item.title, sort_order=n) for n, item in enumerate(agenda)
    )
    final = [
        clean_rich_text(_item_markup(item.title, rng=rng, decisions=decisions.get(item.pk, []), chair=chair))
        for item in agenda
    ]
    # The first draft lacks the last paragraph of the longest item: what the chair asks to add.
    longest = max(range(len(final)), key=lambda n: len(final[n]))
    draft = list(final)
    cut = final[longest].rfind("<p>")
    draft[longest] = final[longest][:cut] if cut > 0 else final[longest]
    chair_asks = rng.random() < 0.5

    moment = meeting.ends_at + datetime.timedelta(days=2)
    number = 0

    def version(status: str, event: str, texts: list[str], *, note: str = "", days: float = 0.0) -> MinutesVersion:
        nonlocal number, moment
        number += 1
        moment += datetime.timedelta(days=days)
        snapshot = {
            "items": [{"title": item.title, "text": text} for item, text in zip(items, texts, strict=True)],
            "status": status,
            "event": event,
        }
        if note:
            snapshot["note"] = note
        made = MinutesVersion.objects.create(minutes=minutes, number=number, status=status, snapshot=snapshot)
        MinutesVersion.objects.filter(pk=made.pk).update(created_at=min(moment, now))
        return made

    empty = [""] * len(items)
    version(Minutes.Status.CONCEPT, Event.STARTED, empty)
    version(Minutes.Status.CONCEPT, Event.SAVED, draft if chair_asks else final, days=1)
    version(Minutes.Status.CHAIR_REVIEW, Event.SUBMITTED, draft if chair_asks else final, days=0.1)
    chair_comment = ""
    if chair_asks:
        chair_comment = f"Graag bij ‘{items[longest].title}’ ook de conclusie opnemen."
        version(Minutes.Status.CHANGES_REQUESTED, Event.CHANGES_REQUESTED, draft, note=chair_comment, days=2)
        version(Minutes.Status.CONCEPT, Event.SAVED, final, days=1)
        version(Minutes.Status.CHAIR_REVIEW, Event.SUBMITTED, final, days=0.1)
    version(Minutes.Status.CONCEPT, Event.APPROVED, final, days=1)
    published_at = min(moment + datetime.timedelta(days=0.2), now)
    version(Minutes.Status.PUBLISHED, Event.PUBLISHED, final, days=0.2)

    present = list(
        meeting.attendance.filter(present=True, contact__user__isnull=False).select_related("contact__user")[:2]
    )
    comments = []
    for attendance in present:
        text, resolution, follow_up = rng.choice(COMMENTS)
        comment = MinutesComment.objects.create(item=rng.choice(items), author=attendance.contact.user, text=text)
        MinutesComment.objects.filter(pk=comment.pk).update(
            created_at=min(published_at + datetime.timedelta(days=3), now)
        )
        comments.append((comment, resolution, follow_up))
    comments_until = published_at + datetime.timedelta(days=14)

    adopted_at_meeting = _next_meeting(meeting)
    if adopted_at_meeting is None:
        # Not adopted yet: the next meeting has not been held. The comments wait for the secretariat.
        _finish(minutes, items, final, status=Minutes.Status.PUBLISHED, chair_comment=chair_comment)
        minutes.comments_until = comments_until
        minutes.save(update_fields=["comments_until"])
        MeetingPage.objects.filter(pk=meeting.pk).update(status=MeetingPage.Status.DRAFT_MINUTES)
        return minutes

    # After the period the comments are answered; what was worked in makes a new version.
    amended = list(final)
    moment = max(moment, min(comments_until, now))
    for comment, resolution, follow_up in comments:
        if resolution == _R.WORKED_IN:
            n = items.index(comment.item)
            amended[n] += clean_rich_text(follow_up)
    current = (
        version(Minutes.Status.PUBLISHED, Event.AMENDED, amended, days=1)
        if amended != final
        else MinutesVersion.objects.filter(minutes=minutes).order_by("-number").first()
    )
    for comment, resolution, follow_up in comments:
        comment.resolution = resolution
        comment.resolution_note = "" if resolution == _R.WORKED_IN else follow_up
        comment.resolved_at = min(moment, now)
        comment.resolved_in_version = current
    MinutesComment.objects.bulk_update(
        [c for c, _r, _f in comments], ["resolution", "resolution_note", "resolved_at", "resolved_in_version"]
    )

    adopted_at = adopted_at_meeting.starts_at
    moment = max(moment, min(adopted_at, now))
    version(Minutes.Status.ADOPTED, Event.ADOPTED, amended, note=adopted_at_meeting.title)
    _finish(minutes, items, amended, status=Minutes.Status.ADOPTED, chair_comment=chair_comment)
    minutes.comments_until = comments_until
    minutes.adopted_at = min(adopted_at, now)
    minutes.adopted_at_meeting = adopted_at_meeting
    minutes.save(update_fields=["comments_until", "adopted_at", "adopted_at_meeting"])
    MeetingPage.objects.filter(pk=meeting.pk).update(status=MeetingPage.Status.MINUTES_ADOPTED)
    return minutes


def _finish(minutes: Minutes, items: list[MinutesItem], texts: list[str], *, status: str, chair_comment: str) -> None:
    for item, text in zip(items, texts, strict=True):
        item.text = text
    MinutesItem.objects.bulk_update(items, ["text"])
    minutes.status = status
    minutes.chair_comment = chair_comment
    minutes.save(update_fields=["status", "chair_comment"])
