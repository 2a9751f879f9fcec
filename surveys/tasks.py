import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import campaigns_advance

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5"))
def advance_campaigns() -> None:
    """Hourly: open campaigns whose opening day has come (deleting their letters) and close finished ones
    (filling the module 1 figures). Hourly rather than nightly so letters never outlive the opening by a day."""
    counts = campaigns_advance()
    if any(counts.values()):
        logger.info("Survey campaigns advanced: %s", counts)
