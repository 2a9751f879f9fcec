"""Module 2's periodic jobs on the worker's schedule: the reminder the day before, and the nightly deletion of
past evenings' registrations."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import registrations_purge, reminders_send

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="9,15", minute="10"))
def send_evening_reminders() -> None:
    """Residents who asked for it, for tomorrow's evenings; each registration once (reminded_at). The second
    run of the day catches registrations made since the morning and sends that failed then."""
    reminders_send()


@db_periodic_task(crontab(hour="3", minute="35"))
def purge_evening_registrations() -> None:
    """Registrations of evenings whose day is over are deleted; the evening keeps the counts."""
    result = registrations_purge()
    if result["registrations"]:
        logger.info("Deleted %(registrations)s registrations of %(evenings)s past evenings", result)
