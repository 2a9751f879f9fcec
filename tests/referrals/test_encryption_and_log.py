"""Encryption at rest and the chained, append-only access log."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection, transaction

from referrals import crypto
from referrals.access_log import Action, Result, access_log_verify, access_log_write
from referrals.models import AccessLogEntry, Referral, ReferralNote, VulnerableLocation
from referrals.services import coach_assign, note_add

pytestmark = pytest.mark.django_db

PLAINTEXTS = ["Jan de Boer", "Polderweg 12", "jan@example.nl", "06-12345678", "schulden", "Geheime notitie"]


def _raw_rows() -> str:
    with connection.cursor() as cursor:
        dump = []
        for table in (
            "referrals_vulnerablelocation",
            "referrals_referral",
            "referrals_referralnote",
            "referrals_referralstatuschange",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump.extend(str(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_raw_database_rows_hold_no_plaintext(people, referral):
    coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
    note_add(user=people["coach"], referral=referral, text="Geheime notitie over het gesprek")
    raw = _raw_rows()
    assert raw  # the rows exist
    for plaintext in PLAINTEXTS:
        assert plaintext not in raw
    location = VulnerableLocation.objects.get()
    assert location.owner_name == "Jan de Boer" and "schulden" in Referral.objects.get().reason
    assert ReferralNote.objects.get().text.startswith("Geheime notitie")


def test_rotation_reencrypts_with_the_new_key(settings, referral):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner_name FROM referrals_vulnerablelocation")
        (token,) = cursor.fetchone()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    crypto._fernet.cache_clear()
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    crypto._fernet.cache_clear()
    assert crypto.decrypt(rotated) == "Jan de Boer"
    with pytest.raises(ValueError):
        crypto.decrypt(token)  # the old key is gone
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    crypto._fernet.cache_clear()


def test_exact_owner_lookup_by_keyed_hash(location):
    assert VulnerableLocation.objects.filter(owner_name_hash=crypto.lookup_hash("  JAN de boer ")).exists()
    assert not VulnerableLocation.objects.filter(owner_name_hash=crypto.lookup_hash("Jan de Bo")).exists()
    assert crypto.lookup_hash("Jan de Boer") != crypto.lookup_hash("Piet de Boer")


def test_the_log_chains_and_shows_tampering(people, referral):
    for action in (Action.VIEW, Action.CHANGE, Action.VIEW):
        access_log_write(
            user=people["coach"], object_type="referral", object_id=referral.pk, action=action, result=Result.ALLOWED
        )
    access_log_write(
        user=people["admin"], object_type="referral", object_id=referral.pk, action=Action.VIEW, result=Result.DENIED
    )
    assert access_log_verify() is None
    entries = list(AccessLogEntry.objects.order_by("pk"))
    assert entries[1].prev_hash == entries[0].hash and entries[-1].result == "denied"
    AccessLogEntry.objects.filter(pk=entries[1].pk).update(action=Action.EXPORT)  # tampering outside the model
    assert access_log_verify() == entries[1].pk


def test_removing_the_newest_entry_shows(people, referral):
    for _n in range(2):
        access_log_write(
            user=people["coach"],
            object_type="referral",
            object_id=referral.pk,
            action=Action.VIEW,
            result=Result.ALLOWED,
        )
    AccessLogEntry.objects.filter(pk=AccessLogEntry.objects.order_by("-pk").first().pk)._raw_delete(connection.alias)
    assert access_log_verify() == -1


def test_the_log_is_append_only(people):
    entry = access_log_write(user=people["coach"], object_type="referral", action=Action.LIST, result=Result.ALLOWED)
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_log_entries_hold_no_content(people, referral):
    entry = access_log_write(
        user=people["coach"], object_type="referral", object_id=referral.pk, action=Action.VIEW, result=Result.ALLOWED
    )
    values = " ".join(str(v) for v in AccessLogEntry.objects.filter(pk=entry.pk).values().get().values())
    for plaintext in PLAINTEXTS:
        assert plaintext not in values


@pytest.mark.django_db(transaction=True)
def test_a_refused_requests_entry_survives_the_rollback(reference_data, make_user):
    """The view pattern: the business transaction rolls back, then the refusal is logged on its own."""
    from core.roles import Role

    intruder = make_user(Role.ADMIN, district=None)
    with pytest.raises(PermissionError):
        with transaction.atomic():
            VulnerableLocation.objects.none()  # the business work
            raise PermissionError
    access_log_write(user=intruder, object_type="referral", object_id="x", action=Action.VIEW, result=Result.DENIED)
    assert AccessLogEntry.objects.filter(actor_id=intruder.pk, result="denied").count() == 1
    assert access_log_verify() is None


def test_the_rotation_command_moves_everything_to_the_new_key(settings, people, referral):
    from django.core.management import call_command

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    note_add(
        user=people["coach"],
        referral=coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"]),
        text="Stap een",
    )
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    crypto._fernet.cache_clear()
    call_command("rotate_referral_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    crypto._fernet.cache_clear()
    try:
        location = VulnerableLocation.objects.get()
        assert location.owner_name == "Jan de Boer" and ReferralNote.objects.get().text == "Stap een"
        assert VulnerableLocation.objects.filter(owner_name_hash=crypto.lookup_hash("Jan de Boer")).exists()
    finally:
        settings.FIELD_ENCRYPTION_KEYS = [old_key]
        crypto._fernet.cache_clear()
