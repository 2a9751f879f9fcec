"""`notify`: the one way any capability tells people something.

Stores the notification, pushes it live to the person's open pages and queues the e-mail, all
after the surrounding transaction commits, so a rolled-back action notifies nobody."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification
from .realtime import push_to_user
from .selectors import unread_count

logger = logging.getLogger(__name__)


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    email: bool = True,
) -> list[Notification]:
    """Callers decide who may know (through their app's permissions module) before calling."""
    title = " ".join(title.split())[:200]  # one line: it is also an e-mail subject
    notifications = [
        Notification.objects.create(recipient=user, kind=kind, title=title, body=body, url=url)
        for user in recipients
        if user.is_active
    ]
    for notification in notifications:
        transaction.on_commit(lambda n=notification: _deliver(n.pk, email=email))
    return notifications


def _deliver(notification_id: int, *, email: bool) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    push_to_user(
        notification.recipient_id,
        {
            "type": "notification.new",
            "id": notification.pk,
            "title": notification.title,
            "url": notification.url,
            "unread": unread_count(notification.recipient),
        },
    )
    if email and notification.recipient.email:
        from .tasks import send_notification_email

        try:
            send_notification_email(notification.pk)
        except Exception:  # noqa: BLE001 - the queue being down must not lose the notification
            logger.exception("Could not queue the e-mail for notification %s", notification.pk)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's notifications read; returns the unread count."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    qs.update(read_at=timezone.now())
    count = unread_count(user)
    push_to_user(user.pk, {"type": "notification.count", "unread": count})
    return count
