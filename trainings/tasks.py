"""The daily reminder of a training session, on the worker's schedule like every app's periodic jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import reminders_send


@db_periodic_task(crontab(hour="6", minute="40"))
def send_training_reminders() -> None:
    """Everyone with a place in a session the day after tomorrow; each person once (reminded_at)."""
    reminders_send()
