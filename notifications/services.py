"""`notify`: the one way any capability tells people something, and the writes around it.

`notify` stores the notification for each recipient who may see its subject and has not switched the
event off, then, after the surrounding transaction commits, pushes it live to their open pages and queues
the immediate e-mails; digests pick up the rest. A rolled-back action notifies nobody; a channel layer or
mail server that is down loses nothing."""

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.sanitize import clean_plain_text
from stakeholders.selectors import platform_users

from .events import EVENTS, event_for
from .models import Delivery, Notification, Preference
from .permissions import recipients_who_may_see, subject_reference, user_can_send_announcements
from .realtime import push_many, push_to_user
from .selectors import deliveries_for, events_of, unread_count
from .tasks import send_notification_email

logger = logging.getLogger(__name__)


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    subject: models.Model | None = None,
    district_id: int | None = None,
    theme_ids: Iterable[int] = (),
    email: bool = True,
) -> list[Notification]:
    """Callers pick the audience through their app's permissions; `subject` is checked here again for every
    recipient (this decides the live push too), and again whenever the notification is shown. `email=False`
    when the caller sends its own mail for this event (the agenda's invitation): the notification then stays
    in the portal."""
    event = event_for(kind)
    title = " ".join(str(title).split())[:200]  # one line: it is also an e-mail subject
    if event.confidential:
        body = ""  # a referral notification says only that there is something, and links to it
    subject_type, subject_id = subject_reference(subject)
    users = {user.pk: user for user in recipients_who_may_see(recipients, subject, kind)}
    deliveries = deliveries_for(users.values(), event, district_id=district_id, theme_ids=theme_ids)
    rows = []
    for user_id, delivery in deliveries.items():
        if delivery == Delivery.OFF:
            continue
        if delivery == Delivery.IMMEDIATE and not (email and users[user_id].email):
            delivery = Delivery.PORTAL
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=kind,
                title=title,
                body=body,
                url=url,
                subject_type=subject_type,
                subject_id=subject_id,
                district_id=district_id,
                delivery=delivery,
            )
        )
    notifications = Notification.objects.bulk_create(rows)
    if notifications:
        pushes = [(n.recipient_id, _push_message(n)) for n in notifications]
        mails = [n.pk for n in notifications if n.delivery == Delivery.IMMEDIATE]
        transaction.on_commit(lambda: _deliver(pushes, mails))
    return notifications


def _deliver(pushes: list[tuple[int, dict]], mail_ids: list[int]) -> None:
    push_many(pushes)

    for notification_id in mail_ids:
        try:
            send_notification_email(notification_id)
        except Exception:  # noqa: BLE001 - the queue being down must not lose the notification
            logger.exception("Could not queue the e-mail for notification %s", notification_id)


def _push_message(notification: Notification) -> dict:
    """For the recipient's sockets, which forward it as it is: whether they may see the subject was decided
    in `notify`, for all recipients at once."""
    return {"type": "notification.new", "id": notification.pk, "title": notification.title, "url": notification.url}


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's notifications read; returns the unread count."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    qs.update(read_at=timezone.now())
    count = unread_count(user)
    push_to_user(user.pk, {"type": "notification.count", "unread": count})
    return count


@transaction.atomic
def preferences_save(*, user, choices: dict[tuple[str, int | None, int | None], str | None]) -> int:
    """Store the user's choices; None removes a choice (back to the default). Returns how many changed.
    Every key is checked against the events the user can receive before anything is written."""
    allowed = {event.code: event for event in events_of(user)}
    for (code, district_id, theme_id), delivery in choices.items():
        event = allowed.get(code)
        if event is None or (district_id and theme_id):
            raise ValidationError(_("Deze meldingssoort bestaat niet of is niet voor u."))
        if (district_id or theme_id) and not event.scope:
            raise ValidationError(_("Voor deze meldingssoort kunt u niet per district of thema kiezen."))
        if theme_id and "theme" not in event.scope:
            raise ValidationError(_("Voor deze meldingssoort kunt u niet per thema kiezen."))
        if delivery is not None and delivery not in Delivery.values:
            raise ValidationError(_("Kies een geldige manier van melden."))
        if delivery == Delivery.OFF and event.mandatory:
            raise ValidationError(_("Meldingen over “%(event)s” kunt u niet uitzetten.") % {"event": event.label})
    changed = 0
    for (code, district_id, theme_id), delivery in choices.items():
        current = Preference.objects.filter(user=user, event=code, district_id=district_id, theme_id=theme_id)
        if delivery is None:
            changed += current.delete()[0]
        elif not current.filter(delivery=delivery).exists():
            Preference.objects.update_or_create(
                user=user, event=code, district_id=district_id, theme_id=theme_id, defaults={"delivery": delivery}
            )
            changed += 1
    return changed


@transaction.atomic
def category_unsubscribe(*, user, category: str) -> int:
    """No more e-mail (at once or in a digest) for a category: its events stay in the portal.
    Choices that were already quieter (portal only, off) are kept."""
    codes = [event.code for event in EVENTS.values() if event.category == category]
    mailing = [Delivery.IMMEDIATE, Delivery.DAILY, Delivery.WEEKLY]
    changed = Preference.objects.filter(user=user, event__in=codes, delivery__in=mailing).update(
        delivery=Delivery.PORTAL
    )
    for event in EVENTS.values():
        if event.category == category and event.default_for(user.roles) in mailing:
            _, created = Preference.objects.get_or_create(
                user=user, event=event.code, district=None, theme=None, defaults={"delivery": Delivery.PORTAL}
            )
            changed += int(created)
    return changed


ANNOUNCEMENT_BODY_MAX = 2000


def _internal_link(url: str) -> str:
    url = (url or "").strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url or any(c.isspace() for c in url)):
        raise ValidationError(
            _("Een link moet een pagina van dit portaal zijn en met / beginnen, bijvoorbeeld /kennisbank/.")
        )
    return url[:500]


@transaction.atomic
def announcement_send(*, user, title: str, body: str = "", url: str = "", district=None) -> int:
    """A message from the secretariat to one platform's members, or to everyone with an account."""
    if not user_can_send_announcements(user):
        raise PermissionDenied
    title, body = clean_plain_text(title), clean_plain_text(body)
    if not title:
        raise ValidationError(_("Geef de mededeling een titel."))
    if len(title) > 200:
        raise ValidationError(_("De titel is te lang: maximaal 200 tekens."))
    if len(body) > ANNOUNCEMENT_BODY_MAX:
        raise ValidationError(_("De tekst is te lang: maximaal %(max)s tekens.") % {"max": ANNOUNCEMENT_BODY_MAX})
    url = _internal_link(url)
    if district is None:
        recipients = User.objects.filter(is_active=True, groups__isnull=False).distinct()
    else:
        recipients = platform_users(district.pk)
    return len(
        notify(
            recipients=recipients.exclude(pk=user.pk),
            kind="announcement",
            title=title,
            body=body,
            url=url,
            subject=district,
            district_id=district.pk if district else None,
        )
    )
