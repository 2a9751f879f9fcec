import datetime

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from core.roles import Role
from stakeholders.models import Affiliation
from tests.accounts.factories import confirmed_totp_device
from tests.referrals.conftest import ALKMAAR, HAARLEM, aov_of
from tests.stakeholders.factories import AffiliationFactory
from trainings.models import TrainingSession

__all__ = ["ALKMAAR", "HAARLEM"]


def sign_in(client, user):
    """A session as after password and TOTP (the login itself is tested in tests/accounts)."""
    client.force_login(user)
    if user.requires_mfa:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
        session.save()
    return client


def organisation_of(user):
    return Affiliation.objects.get(contact=user.contact).organisation


def colleague_of(make_user, user, role=Role.PARTNER):
    """Another person working at the same organisation as `user`."""
    other = make_user(role, district=None)
    affiliation = AffiliationFactory(organisation=organisation_of(user))
    other.contact = affiliation.contact
    other.save(update_fields=["contact"])
    return other


def training_session(*, days: float = 10, capacity: int = 12, max_per_organisation: int = 2, **kwargs):
    starts = timezone.now() + datetime.timedelta(days=days)
    return TrainingSession.objects.create(
        title=kwargs.pop("title", "Voorlichting professionals"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2, minutes=30),
        place=kwargs.pop("place", "Amsterdam"),
        capacity=capacity,
        max_per_organisation=max_per_organisation,
        **kwargs,
    )


@pytest.fixture
def people(make_user):
    return {
        "partner": make_user(Role.PARTNER, district="KEN"),
        "aov": aov_of(make_user, HAARLEM, "KEN"),
        "aov_elsewhere": aov_of(make_user, ALKMAAR, "NHN"),
        "secretariat": make_user(Role.SECRETARIAT, district=None),
        "coach": make_user(Role.COACH, district=None),
        "coordinator": make_user(Role.COACH_COORDINATOR, district=None),
        "privacy_officer": make_user(Role.PRIVACY_OFFICER, district=None),
        "admin": make_user(Role.ADMIN, district=None),
        "no_role": make_user(district=None),
    }
