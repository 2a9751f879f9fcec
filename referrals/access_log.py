"""Writing and checking the access log. Views write it outside the business transaction, so an entry for a
refused request is written after that request's rollback and survives it."""

from django.db import transaction

from core.net import client_ip
from core.roles import ROLE_BY_GROUP_NAME

from .models import AccessLogEntry, AccessLogHead

Action = AccessLogEntry.Action
Result = AccessLogEntry.Result


def _role_label(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return "anoniem"
    roles = sorted(str(ROLE_BY_GROUP_NAME.get(name, name)) for name in user.groups.values_list("name", flat=True))
    return ",".join(roles) or ("superuser" if user.is_superuser else "")


def access_log_write(
    *, request=None, user=None, object_type: str, object_id="", action: str, result: str
) -> AccessLogEntry:
    user = user if user is not None else getattr(request, "user", None)
    with transaction.atomic():
        head, _created = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        entry = AccessLogEntry(
            actor_id=user.pk if getattr(user, "is_authenticated", False) else None,
            role=_role_label(user) if user is not None else "systeem",
            object_type=object_type,
            object_id=str(object_id or ""),
            action=action,
            result=result,
            ip_address=client_ip(request) if request is not None else None,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash, head.entries = entry.hash, head.entries + 1
        head.save(update_fields=["last_hash", "entries"])
    return entry


def access_log_verify() -> int | None:
    """The id of the first entry that does not follow from the one before it, or None when the chain is whole."""
    previous = "0" * 64
    count = 0
    for entry in AccessLogEntry.objects.order_by("pk").iterator():
        if entry.prev_hash != previous or entry.compute_hash() != entry.hash:
            return entry.pk
        previous, count = entry.hash, count + 1
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.entries != count):
        return -1  # entries were removed from the end
    return None
