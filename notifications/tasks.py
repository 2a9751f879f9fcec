"""Notification mail at once (retried when the mail server is down), digests and clean-up."""

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .mail import digests_send, notification_email_send
from .models import Delivery, Notification, SentMail

RETENTION = datetime.timedelta(days=365)


@db_task(retries=5, retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    notification_email_send(notification_id)


@db_periodic_task(crontab(hour="7", minute="0"))
def send_daily_digests() -> None:
    digests_send(frequency=Delivery.DAILY)


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="10"))
def send_weekly_digests() -> None:
    digests_send(frequency=Delivery.WEEKLY)


@db_periodic_task(crontab(hour="4", minute="15"))
def purge_old_notifications() -> None:
    """A year is long enough to look back; older notifications and mail log lines go."""
    cutoff = timezone.now() - RETENTION
    Notification.objects.filter(created_at__lt=cutoff).delete()
    SentMail.objects.filter(sent_at__lt=cutoff).delete()
