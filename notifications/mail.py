"""Notification e-mail: one at once, or a digest per day or week. Each mail is checked against what the
recipient may still see when it is sent, carries an unsubscribe link per category, and is logged."""

import logging
from collections import defaultdict
from itertools import groupby

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.utils import absolute_url

from .events import CATEGORIES, EVENTS
from .models import Delivery, Notification, SentMail
from .permissions import visible_notifications

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(user, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The user id and category of a valid token, else None. Tokens do not expire: an old mail's link works."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in CATEGORIES or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["c"]


def unsubscribe_url(user, category: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, category)]))


def _send(*, user, kind: str, subject: str, template: str, context: dict, notifications, categories) -> SentMail:
    """Render, send and log. The first category's link goes into the List-Unsubscribe header (one-click)."""
    links = {category: unsubscribe_url(user, category) for category in categories}
    context = {
        **context,
        "user": user,
        "unsubscribe": [(CATEGORIES[c], link) for c, link in links.items()],
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    with translation.override("nl"):
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{template}.txt", context),
            to=[user.email],
            headers={
                "List-Unsubscribe": f"<{next(iter(links.values()))}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    confidential = any(EVENTS[n.kind].confidential for n in notifications)
    log = SentMail(recipient=user, to=user.email, subject=subject[:250], kind=kind, confidential=confidential)
    try:
        message.send()
    except Exception as error:
        log.error = f"{type(error).__name__}: {error}"[:300]
        log.save()
        log.notifications.set(notifications)
        raise  # the task is retried; the notifications keep their unsent state
    log.save()
    log.notifications.set(notifications)
    return log


def notification_email_send(notification_id: int) -> SentMail | None:
    """Send one notification at once, unless it was already sent or its subject is no longer visible."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.recipient.email:
        return None
    user = notification.recipient
    if not visible_notifications(user, [notification]):
        return None
    event = EVENTS[notification.kind]
    with translation.override("nl"):
        subject = _("Nieuwe melding: %(title)s") % {"title": notification.title}
    log = _send(
        user=user,
        kind=SentMail.Kind.IMMEDIATE,
        subject=subject,
        template="notifications/email/notification",
        context={"notification": notification, "link": absolute_url(notification.url) if notification.url else ""},
        notifications=[notification],
        categories=[event.category],
    )
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return log


def _digest_groups(notifications) -> list[dict]:
    """By district (general first), then by event type, newest first within a type."""

    def district_key(n):
        return (n.district.name if n.district else "", n.district_id or 0)

    groups = []
    for (district_name, _id), in_district in groupby(sorted(notifications, key=district_key), key=district_key):
        in_district = list(in_district)
        by_kind = defaultdict(list)
        for n in sorted(in_district, key=lambda n: n.created_at, reverse=True):
            by_kind[n.kind].append(n)
        groups.append(
            {
                "district": district_name,
                "kinds": [
                    {"label": EVENTS[kind].label, "items": [(n, absolute_url(n.url) if n.url else "") for n in items]}
                    for kind, items in sorted(by_kind.items(), key=lambda pair: str(EVENTS[pair[0]].label))
                ],
            }
        )
    return groups


def digest_send_for(user, *, frequency: str, now=None) -> SentMail | None:
    """Claim the user's waiting notifications of this frequency and mail the ones they may still see and
    have not read yet. Claiming first makes a second run (or a second worker) send nothing twice; a user
    with nothing left to tell gets no mail."""
    now = now or timezone.now()
    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient=user, delivery=frequency, digested_at__isnull=True)
            .select_related("district")
        )
        if not waiting:
            return None
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(digested_at=now)
    unread = [n for n in waiting if n.read_at is None]
    shown = visible_notifications(user, unread) if user.is_active and user.email else []
    if not shown:
        return None
    with translation.override("nl"):
        subject = (
            _("Uw dagelijkse overzicht: %(count)s nieuwe meldingen")
            if frequency == Delivery.DAILY
            else _("Uw wekelijkse overzicht: %(count)s nieuwe meldingen")
        ) % {"count": len(shown)}
        categories = sorted({EVENTS[n.kind].category for n in shown})
        try:
            return _send(
                user=user,
                kind=frequency,
                subject=subject,
                template="notifications/email/digest",
                context={"groups": _digest_groups(shown), "count": len(shown), "frequency": frequency},
                notifications=shown,
                categories=categories,
            )
        except Exception:
            # Give the items back to the next run rather than lose them.
            Notification.objects.filter(pk__in=[n.pk for n in shown]).update(digested_at=None)
            raise


def digests_send(*, frequency: str, now=None) -> dict[str, int]:
    """Every user with something waiting at this frequency; one failing mailbox does not stop the rest."""
    user_ids = (
        Notification.objects.filter(delivery=frequency, digested_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = failed = 0
    for user in User.objects.filter(pk__in=list(user_ids)):
        try:
            sent += digest_send_for(user, frequency=frequency, now=now) is not None
        except Exception:  # noqa: BLE001 - logged; the items wait for the next run
            failed += 1
            logger.exception("Digest for user %s failed", user.pk)
    return {"sent": sent, "failed": failed}
