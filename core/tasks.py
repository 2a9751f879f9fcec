"""Background work on huey: durable (SQLite file or Redis), retried, with periodic jobs."""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from .models import WorkerHeartbeat
from .storage import remove_leftover_parts

logger = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=60)
def send_templated_mail(*, to: list[str], subject: str, template: str, context: dict) -> None:
    """Render `<template>.txt` (and `.html` when present) and send; retried when SMTP fails."""
    text = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    try:
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    except TemplateDoesNotExist:
        pass  # an HTML part is optional
    message.send()


def record_heartbeat(name: str = "worker") -> None:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    record_heartbeat()


@db_periodic_task(crontab(hour="3", minute="50"))
def remove_leftover_upload_parts() -> None:
    """Nightly: part files and staged uploads left by a process that was killed mid-write."""
    removed = remove_leftover_parts()
    if removed:
        logger.warning("Removed %s leftover upload part file(s) from the media storage", removed)


@on_startup()
def heartbeat_on_startup() -> None:
    try:
        record_heartbeat()
    except Exception:  # noqa: BLE001 - the database may not be migrated yet
        logger.exception("Could not write the worker heartbeat at start-up")
