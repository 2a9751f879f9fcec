"""Periodic CRM jobs on huey (found by `run_huey`, which imports every app's tasks.py)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .imports import import_batches_purge

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17"))
def purge_stale_import_previews() -> None:
    """Hourly, so no unfinished preview keeps its uploaded personal data much past the retention period."""
    deleted = import_batches_purge()
    if deleted:
        logger.info("Deleted %d unfinished import previews", deleted)
