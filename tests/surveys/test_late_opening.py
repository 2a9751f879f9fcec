"""A campaign that opens after its planned day (its letters waited to be downloaded, or nobody opened it) says so
wherever its period is shown, not only in the log; the planned day stays beside the real one."""

import datetime

import pytest

from surveys import services
from surveys.models import Campaign, CampaignLogEntry

from .helpers import _as, today

pytestmark = pytest.mark.django_db


def test_a_late_opening_shows_in_the_period_and_the_log(client, secretariat, login_with_mfa, campaign, letters):
    planned = today() - datetime.timedelta(days=3)
    Campaign.objects.filter(pk=campaign.pk).update(opens_on=planned)
    services.campaign_open(user=secretariat, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.opened_on == today() and campaign.opened_late and campaign.first_day == today()
    assert "later geopend; gepland vanaf" in campaign.period_display
    assert campaign.period_display.startswith(f"{today().day} ")
    entry = campaign.log.get(action=CampaignLogEntry.Action.OPENED)
    assert "later geopend dan gepland" in entry.detail
    page = _as(client, secretariat, login_with_mfa).get(f"/enquetes/{campaign.pk}/").content.decode()
    assert "later geopend; gepland vanaf" in page
    listing = client.get("/enquetes/").content.decode()
    assert "later geopend; gepland vanaf" in listing


def test_an_opening_on_its_day_says_nothing_extra(secretariat, campaign, letters):
    services.campaign_open(user=secretariat, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.opened_on == today() and not campaign.opened_late
    assert "later geopend" not in campaign.period_display
    assert campaign.log.get(action=CampaignLogEntry.Action.OPENED).detail == ""
