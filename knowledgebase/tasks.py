"""Background jobs of the knowledge base (huey, started beside the server by `make run`)."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def publish_scheduled_pages() -> None:
    """Wagtail's scheduled publishing ('go live at' / 'expire at') needs this command every minute."""
    call_command("publish_scheduled")
