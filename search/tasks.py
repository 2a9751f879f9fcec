"""Index updates in the background worker; huey retries them when the database was busy."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import indexing


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
    from .engines import database_engine

    database_engine().vocabulary_refresh()
