"""iCal feeds: per district for logged-in readers, and a personal feed behind a secret, revocable token that
holds only the meetings its holder may see (design section 3: feeds follow the one permission model)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from core.roles import Role
from meetings.models import CalendarToken, MeetingPage
from stakeholders.models import Membership
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


def _summaries(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]) for event in calendar.walk("VEVENT")}


def _personal_url(user) -> str:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return f"/agenda/{token.token}.ics"


@pytest.fixture
def ken_partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def meetings(reference_data):
    return {
        "ken_next": meeting("KEN", starts_in_days=14, title="KEN volgend overleg"),
        "ken_past": meeting("KEN", starts_in_days=-90, title="KEN vorig overleg"),
        "ken_old": meeting("KEN", starts_in_days=-400, title="KEN oud overleg"),
        "ken_draft": meeting("KEN", starts_in_days=30, live=False, title="KEN concept"),
        "nhn_next": meeting("NHN", starts_in_days=10, title="NHN volgend overleg"),
    }


# --- District feed ---------------------------------------------------------------------------------


def test_district_feed_holds_the_districts_upcoming_and_past_year_meetings(client, meetings, ken_partner):
    client.force_login(ken_partner)
    summaries = _summaries(client.get("/platforms/KEN/agenda.ics"))
    assert summaries == {"KEN volgend overleg", "KEN vorig overleg"}
    # The code is not case-sensitive: the platform pages use lower case.
    assert _summaries(client.get("/platforms/ken/agenda.ics")) == summaries


def test_district_feed_event_details(client, meetings, ken_partner):
    client.force_login(ken_partner)
    calendar = Calendar.from_ical(client.get("/platforms/KEN/agenda.ics").content)
    assert str(calendar["x-wr-calname"]) == "Platform Kennemerland"
    event = next(e for e in calendar.walk("VEVENT") if str(e["summary"]) == "KEN volgend overleg")
    assert event["dtstart"].dt == meetings["ken_next"].starts_at
    assert str(event["location"]) == "Provinciehuis, Haarlem"
    assert str(event["url"]).endswith(meetings["ken_next"].url)


def test_district_feed_of_another_district_is_404(client, meetings, ken_partner):
    client.force_login(ken_partner)
    assert client.get("/platforms/NHN/agenda.ics").status_code == 404
    assert client.get("/platforms/XYZ/agenda.ics").status_code == 404


def test_district_feed_sends_anonymous_to_login(client, meetings):
    response = client.get("/platforms/KEN/agenda.ics")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_district_feed_for_the_secretariat(client, meetings, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    assert _summaries(client.get("/platforms/NHN/agenda.ics")) == {"NHN volgend overleg"}


@pytest.mark.parametrize("role", [Role.COACH, Role.PRIVACY_OFFICER, Role.ADMIN])
def test_district_feed_is_404_for_roles_without_platforms(client, meetings, make_user, login_with_mfa, role):
    login_with_mfa(client, make_user(role, district="KEN"))
    assert client.get("/platforms/KEN/agenda.ics").status_code == 404


# --- Subscription page -------------------------------------------------------------------------------


def test_subscription_page_creates_a_token_and_shows_the_address(client, reference_data, ken_partner):
    client.force_login(ken_partner)
    assert not CalendarToken.objects.filter(user=ken_partner).exists()
    response = client.get("/mijn-agenda/")
    assert response.status_code == 200
    token = CalendarToken.objects.get(user=ken_partner)
    assert f"http://testserver/agenda/{token.token}.ics" in response.text
    assert "Outlook" in response.text and "Google" in response.text
    assert "Nieuw adres maken" in response.text
    assert "no-store" in response["Cache-Control"]
    # The one-off download of the user's own platform, not of others.
    assert 'href="/platforms/KEN/agenda.ics"' in response.text
    assert "/platforms/NHN/agenda.ics" not in response.text
    # A second visit keeps the same address.
    client.get("/mijn-agenda/")
    assert CalendarToken.objects.get(user=ken_partner).token == token.token


def test_subscription_page_sends_anonymous_to_login(client, reference_data):
    response = client.get("/mijn-agenda/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_subscription_page_is_404_without_platforms(client, reference_data, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.COACH, district="KEN"))
    assert client.get("/mijn-agenda/").status_code == 404
    assert not CalendarToken.objects.exists()


def test_platform_list_links_to_the_subscription_page(client, reference_data, ken_partner):
    client.force_login(ken_partner)
    assert 'href="/mijn-agenda/"' in client.get("/platforms/").text


def test_new_address_replaces_the_old_one(client, meetings, ken_partner):
    client.force_login(ken_partner)
    client.get("/mijn-agenda/")
    old_url = _personal_url(ken_partner)
    assert client.get(old_url).status_code == 200
    response = client.post("/mijn-agenda/", follow=True)
    assert "Het oude adres werkt niet meer" in response.text
    new_url = _personal_url(ken_partner)
    assert new_url != old_url
    assert new_url in response.text
    client.logout()
    assert client.get(old_url).status_code == 404
    assert "KEN volgend overleg" in _summaries(client.get(new_url))


# --- Personal feed -----------------------------------------------------------------------------------


def test_personal_feed_needs_no_session_and_holds_only_visible_meetings(client, meetings, ken_partner):
    url = _personal_url(ken_partner)
    assert _summaries(client.get(url)) == {"KEN volgend overleg", "KEN vorig overleg"}


def test_personal_feed_of_a_member_of_two_districts(client, meetings, ken_partner):
    from stakeholders.models import District

    organisation = ken_partner.contact.affiliations.get().organisation
    Membership.objects.create(
        organisation=organisation, district=District.objects.get(code="NHN"), since=datetime.date(2022, 1, 1)
    )
    assert _summaries(client.get(_personal_url(ken_partner))) == {
        "KEN volgend overleg",
        "KEN vorig overleg",
        "NHN volgend overleg",
    }


def test_personal_feed_of_the_secretariat_holds_all_districts(client, meetings, make_user):
    secretariat = make_user(Role.SECRETARIAT, district=None)
    assert _summaries(client.get(_personal_url(secretariat))) == {
        "KEN volgend overleg",
        "KEN vorig overleg",
        "NHN volgend overleg",
    }


def test_personal_feed_with_an_unknown_token_is_404(client, meetings):
    assert client.get("/agenda/onbekend-adres-dat-niet-bestaat.ics").status_code == 404


def test_personal_feed_of_an_inactive_user_is_404(client, meetings, ken_partner):
    url = _personal_url(ken_partner)
    ken_partner.is_active = False
    ken_partner.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_personal_feed_drops_a_district_when_the_membership_ends(client, meetings, ken_partner):
    url = _personal_url(ken_partner)
    assert "KEN volgend overleg" in _summaries(client.get(url))
    Membership.objects.filter(organisation__affiliations__contact=ken_partner.contact).update(
        until=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert _summaries(client.get(url)) == set()


def test_personal_feed_drops_a_meeting_when_it_is_unpublished(client, meetings, ken_partner):
    url = _personal_url(ken_partner)
    meetings["ken_next"].unpublish()
    assert _summaries(client.get(url)) == {"KEN vorig overleg"}


def test_personal_feed_of_a_coach_is_empty(client, meetings, make_user):
    """A coach working at a KEN member organisation does not get KEN's meetings through that job."""
    coach = make_user(Role.COACH, district="KEN")
    assert _summaries(client.get(_personal_url(coach))) == set()


def test_personal_feed_does_not_use_the_session(client, meetings, ken_partner, make_user):
    """Someone logged in as another user gets the token holder's feed, not their own."""
    client.force_login(make_user(Role.PARTNER, district="NHN"))
    assert _summaries(client.get(_personal_url(ken_partner))) == {"KEN volgend overleg", "KEN vorig overleg"}


def test_a_response_deadline_on_the_day_of_a_meeting_just_after_midnight_is_accepted():
    """The meeting's day is its day in Amsterdam: 00:30 on 10 March is 23:30 UTC on 9 March."""
    starts_at = datetime.datetime(2027, 3, 9, 23, 30, tzinfo=datetime.UTC)  # as the database returns it
    page = MeetingPage(title="Nachtoverleg", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=1))

    page.response_deadline = datetime.date(2027, 3, 10)
    page.clean()
    page.response_deadline = datetime.date(2027, 3, 11)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "response_deadline" in error.value.message_dict
