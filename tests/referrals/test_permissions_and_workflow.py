"""Need-to-know scoping (design section 3) and the status workflow of the register's services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications.models import Notification
from referrals import permissions as p
from referrals.models import Referral, VulnerableLocation
from referrals.services import coach_assign, location_create, note_add, referral_create, status_change
from stakeholders.models import Municipality

from .conftest import ALKMAAR, HAARLEM

pytestmark = pytest.mark.django_db


def test_open_locations_only_for_the_aov_of_the_municipality_and_the_coordinator(people, location):
    assert list(p.locations_visible_to(people["aov"])) == [location]
    assert list(p.locations_visible_to(people["coordinator"])) == [location]
    for role in ("aov_elsewhere", "coach", "secretariat", "privacy_officer", "admin", "superuser", "partner"):
        assert not p.locations_visible_to(people[role]).exists(), role


def test_a_referred_location_leaves_the_open_list(people, location, referral):
    assert not p.locations_visible_to(people["aov"]).exists()
    assert VulnerableLocation.objects.get().state == "doorverwezen"


def test_referral_scope_per_role(people, referral):
    coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
    referral.refresh_from_db()
    expectations = {
        "aov": (True, True, False),  # status, intake (they sent it), notes
        "coordinator": (True, True, False),
        "coach": (True, True, True),
        "other_coach": (False, False, False),
        "aov_elsewhere": (False, False, False),
        "secretariat": (False, False, False),
        "privacy_officer": (False, False, False),
        "admin": (False, False, False),
        "superuser": (False, False, False),
        "partner": (False, False, False),
    }
    for role, (status, intake, notes) in expectations.items():
        user = people[role]
        assert p.user_can_view_referral(user, referral) is status, role
        assert p.user_can_view_intake(user, referral) is intake, role
        assert p.user_can_read_notes(user, referral) is notes, role


def test_another_aov_of_the_same_municipality_sees_status_but_not_intake(people, make_user, referral):
    from .conftest import aov_of

    colleague = aov_of(make_user, HAARLEM, "KEN")
    assert p.user_can_view_referral(colleague, referral)
    assert not p.user_can_view_intake(colleague, referral)


def test_counts_and_log_rights(people):
    assert p.user_can_see_referral_counts(people["secretariat"]) and p.user_can_see_referral_counts(
        people["coordinator"]
    )
    assert not p.user_can_see_referral_counts(people["admin"]) and not p.user_can_see_referral_counts(
        people["superuser"]
    )
    assert p.user_can_read_access_log(people["privacy_officer"])
    assert not any(p.user_can_read_access_log(people[r]) for r in ("admin", "superuser", "coordinator", "secretariat"))


def test_an_aov_cannot_register_for_another_municipality(people):
    with pytest.raises(PermissionDenied):
        location_create(
            user=people["aov"],
            municipality=Municipality.objects.get(cbs_code=ALKMAAR),
            premises_kind="loods",
            signals=["leegstand"],
            source="melding",
            address="Dijk 1",
            owner_name="Iemand",
        )
    assert not VulnerableLocation.objects.exists()


def test_bad_location_input_is_refused(people):
    common = {"user": people["aov"], "municipality": Municipality.objects.get(cbs_code=HAARLEM), "source": "melding"}
    with pytest.raises(ValidationError, match="signalen"):
        location_create(**common, premises_kind="schuur", signals=["onbekend"], address="Dijk 1", owner_name="X")
    with pytest.raises(ValidationError):
        location_create(**common, premises_kind="kasteel", signals=["leegstand"], address="Dijk 1", owner_name="X")
    with pytest.raises(ValidationError, match="te lang"):
        location_create(**common, premises_kind="schuur", signals=["leegstand"], address="D" * 5001, owner_name="X")
    assert not VulnerableLocation.objects.exists()


def test_consent_as_legal_basis_needs_consent(people, location):
    with pytest.raises(ValidationError, match="instemming"):
        referral_create(
            user=people["aov"], location=location, reason="r", owner_consent=False, legal_basis="toestemming"
        )
    assert not Referral.objects.exists()


def test_the_coordinator_is_told_without_content(people, referral):
    notification = Notification.objects.get(recipient=people["coordinator"], kind="referrals.new")
    assert notification.title == "Er is een nieuwe doorverwijzing" and notification.body == ""
    assert "Jan" not in notification.title and "schuur" not in notification.title


def test_the_whole_workflow_with_required_texts(people, referral):
    coordinator, coach = people["coordinator"], people["coach"]
    referral = coach_assign(user=coordinator, referral=referral, coach=coach)
    told = Notification.objects.get(recipient=coach, kind="referrals.assigned")
    assert told.title == "Er is een doorverwijzing aan u toegewezen"
    with pytest.raises(ValidationError, match="niet naar"):
        status_change(user=coach, referral=referral, to_status="vervolg", follow_up="wijkteam")
    referral = status_change(user=coach, referral=referral, to_status="contact_gelegd")
    with pytest.raises(ValidationError, match="toekomst"):
        status_change(
            user=coach,
            referral=referral,
            to_status="eerste_gesprek",
            first_conversation_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    referral = status_change(
        user=coach, referral=referral, to_status="eerste_gesprek", first_conversation_on=timezone.localdate()
    )
    assert referral.first_conversation_paid
    note_add(user=coach, referral=referral, text="Eerste gesprek was goed.")
    with pytest.raises(ValidationError, match="toelichting"):
        status_change(user=coach, referral=referral, to_status="afgesloten", outcome="geholpen")
    with pytest.raises(ValidationError, match="uitkomst"):
        status_change(user=coach, referral=referral, to_status="afgesloten", text="Klaar")
    referral = status_change(user=coach, referral=referral, to_status="afgesloten", outcome="geholpen", text="Klaar")
    assert referral.is_closed and referral.closed_at
    with pytest.raises(ValidationError, match="toelichting"):
        status_change(user=coach, referral=referral, to_status="toegewezen")
    referral = status_change(user=coach, referral=referral, to_status="toegewezen", text="Eigenaar belde terug")
    assert referral.status == "toegewezen" and referral.outcome == "" and referral.closed_at is None
    assert [c.to_status for c in referral.status_changes.all()] == [
        "aangemeld",
        "toegewezen",
        "contact_gelegd",
        "eerste_gesprek",
        "afgesloten",
        "toegewezen",
    ]


def test_nobody_else_works_the_referral(people, referral):
    referral = coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
    for role in ("other_coach", "aov", "secretariat", "admin", "superuser", "privacy_officer"):
        with pytest.raises(PermissionDenied):
            note_add(user=people[role], referral=referral, text="x")
        with pytest.raises(PermissionDenied):
            status_change(user=people[role], referral=referral, to_status="contact_gelegd")
    with pytest.raises(PermissionDenied):
        coach_assign(user=people["aov"], referral=referral, coach=people["other_coach"])
    with pytest.raises(ValidationError):
        coach_assign(user=people["coordinator"], referral=referral, coach=people["secretariat"])  # not a coach
