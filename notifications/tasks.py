from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from core.tasks import send_templated_mail
from core.utils import absolute_url

from .models import Notification


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.recipient.is_active:
        return
    send_templated_mail.call_local(
        to=[notification.recipient.email],
        subject=_("Nieuwe melding: %(title)s") % {"title": notification.title},
        template="notifications/email/notification",
        context={"notification": notification, "link": absolute_url(notification.url) if notification.url else ""},
    )
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
