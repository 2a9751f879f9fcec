"""Index updates in the background worker; huey retries them when the database was busy."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import indexing
from .engines import database_engine

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def index_objects(keys: list[list[str]]) -> None:
    indexing.index_keys([tuple(key) for key in keys])


@db_periodic_task(crontab(minute="*/5"))
def retry_elasticsearch_failures() -> None:
    indexing.retry_failures()


@db_periodic_task(crontab(hour="0", minute="5"))
def refresh_directory_scopes() -> None:
    """Memberships and affiliations end on a date without anyone saving anything: recompute who may find
    organisations and contacts every night (until then the documents concerned are hidden, see
    DocumentAccess.scope_changes_on)."""
    indexing.rebuild(["organisation", "contact"])
    # And the vocabulary from the documents there are now: no word of a removed document lingers.

    database_engine().vocabulary_refresh()


@db_periodic_task(crontab(hour="3", minute="20"))
def verify_search_index() -> None:
    """Nightly: whatever slipped past the write paths (a write that sent no signal, a lost task, a renamed
    district) is found and indexed again; a warning says so, since each one is a write path to mend."""
    report = indexing.verify(fix=True)
    if report.elasticsearch == "unreachable":
        logger.warning("Search index verify: Elasticsearch could not be compared")
    if report.differences:
        counts = {
            doc_type: {k: len(getattr(found, k)) for k in ("missing", "extra", "stale", "es_missing", "es_extra")}
            for doc_type, found in report.types.items()
            if found.count
        }
        logger.warning("Search index verify fixed %d objects: %s", report.fixed, counts)
