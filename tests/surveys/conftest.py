"""Fixtures of the survey tests: a campaign for Opmeer, its letters (codes read back from the PDF) and the
campaign once open."""

import datetime

import pytest

from core.roles import Role
from stakeholders.models import Municipality
from surveys import services
from tests.surveys.helpers import OPMEER, _codes_from, address_csv, today


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT, district=None)


@pytest.fixture
def campaign(secretariat):
    return services.campaign_create(
        user=secretariat,
        municipality=Municipality.objects.get(cbs_code=OPMEER),
        title="Enquête buitengebied Opmeer",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=30),
        mayor_name="Joost Nieuwenhuizen",
    )


@pytest.fixture
def letters(campaign, secretariat):
    services.letters_make(
        user=secretariat, campaign=campaign, name="adressen.csv", raw=address_csv(30, street="Zuidzijde")
    )
    campaign.refresh_from_db()
    with campaign.letters_file.open("rb") as handle:
        return _codes_from(handle.read())


@pytest.fixture
def open_campaign(campaign, letters, secretariat):
    services.campaign_open(user=secretariat, campaign=campaign)
    campaign.refresh_from_db()
    return campaign
