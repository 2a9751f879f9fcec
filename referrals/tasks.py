from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .access_log import Action, Result, access_log_write
from .services import referral_purge, referrals_expired


def purge_expired(*, dry_run: bool = False) -> int:
    """Each removal is its own transaction and its own access-log entry (actor: the system)."""
    expired = list(referrals_expired())
    if dry_run:
        return len(expired)
    for referral in expired:
        referral_id = referral.pk
        referral_purge(referral=referral)
        access_log_write(object_type="referral", object_id=referral_id, action=Action.PURGE, result=Result.ALLOWED)
    return len(expired)


@db_periodic_task(crontab(hour="3", minute="30"))
def purge_expired_referrals() -> None:
    purge_expired()
