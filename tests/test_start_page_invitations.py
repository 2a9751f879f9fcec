"""Answering a meeting invitation on the start page itself: two buttons per open invitation that post (with
CSRF, without JavaScript) to the meetings app's own answer endpoint, a Dutch confirmation back on the start page,
and an invitation whose "aanmelden vóór" date has passed marked in words; the meetings app still takes its
answer until the meeting starts, so its buttons stay."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from meetings.models import Invitation
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def client_of(login_with_mfa):
    def _login(user, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client()
        login_with_mfa(client, user)
        client.handler.enforce_csrf_checks = enforce_csrf_checks  # after logging in: as a browser would post
        return client

    return _login


def _invitation_section(response) -> BeautifulSoup:
    assert response.status_code == 200, response.content[:500]
    return BeautifulSoup(response.content, "html.parser").select_one("section#invitations")


def _forms(section) -> list[dict]:
    return [
        {
            "action": form["action"],
            "method": form["method"],
            "fields": {i["name"]: i["value"] for i in form.select("input[type=hidden]")},
            "button": form.select_one("button[type=submit]").get_text(strip=True),
            "name": form.select_one("button[type=submit]")["aria-label"],
        }
        for form in section.select("form")
    ]


def test_each_open_invitation_has_accept_and_decline_buttons_that_post_to_the_answer_endpoint(partner, client_of):
    coming = meeting("KEN", title="Platform Kennemerland najaar", starts_in_days=10)
    Invitation.objects.create(meeting=coming, contact=partner.contact)

    forms = _forms(_invitation_section(client_of(partner).get("/")))

    url = reverse("meetings:invitation_answer", args=[coming.pk])
    assert [(f["action"], f["method"], f["fields"]["response"]) for f in forms] == [
        (url, "post", "attending"),
        (url, "post", "declined"),
    ]
    assert all(f["fields"]["next"] == "/#invitations" and f["fields"]["csrfmiddlewaretoken"] for f in forms)
    # The accessible name says which meeting the button answers; the visible label comes first (2.5.3).
    assert [(f["button"], f["name"]) for f in forms] == [
        ("Ja, ik kom", "Ja, ik kom: Platform Kennemerland najaar"),
        ("Nee, ik kom niet", "Nee, ik kom niet: Platform Kennemerland najaar"),
    ]


@pytest.mark.parametrize(
    ("response", "said"),
    [("attending", "u komt naar Platform Kennemerland najaar"), ("declined", "u komt niet naar Platform Kennemerland")],
)
def test_answering_from_the_start_page_returns_there_with_a_dutch_confirmation(partner, client_of, response, said):
    coming = meeting("KEN", title="Platform Kennemerland najaar", starts_in_days=10)
    Invitation.objects.create(meeting=coming, contact=partner.contact)
    client = client_of(partner, enforce_csrf_checks=True)
    page = client.get("/")
    form = next(f for f in _forms(_invitation_section(page)) if f["fields"]["response"] == response)

    answered = client.post(form["action"], form["fields"])

    assert answered.status_code == 302 and answered["Location"] == "/#invitations"
    assert Invitation.objects.get(meeting=coming, contact=partner.contact).response == response
    back = client.get("/")
    assert f"Dank u, uw antwoord is opgeslagen: {said}" in back.text
    section = _invitation_section(back)
    assert not section.select("form") and "U heeft alle uitnodigingen beantwoord" in section.get_text()


def test_the_answer_is_refused_without_the_csrf_token(partner, client_of):
    coming = meeting("KEN", starts_in_days=10)
    Invitation.objects.create(meeting=coming, contact=partner.contact)
    client = client_of(partner, enforce_csrf_checks=True)
    url = reverse("meetings:invitation_answer", args=[coming.pk])

    assert client.post(url, {"response": "attending", "next": "/"}).status_code == 403
    assert Invitation.objects.get(meeting=coming, contact=partner.contact).response == "pending"


def test_a_next_address_on_another_site_is_ignored(partner, client_of):
    coming = meeting("KEN", starts_in_days=10)
    Invitation.objects.create(meeting=coming, contact=partner.contact)
    url = reverse("meetings:invitation_answer", args=[coming.pk])

    answered = client_of(partner).post(url, {"response": "declined", "next": "https://evil.example/"})

    assert answered.status_code == 302 and answered["Location"] == f"{coming.url}#aanmelden"


def test_an_invitation_past_its_answer_date_says_so_in_words_and_can_still_be_answered(partner, client_of):
    late = meeting("KEN", title="Platform Kennemerland laat", starts_in_days=3)
    late.response_deadline = timezone.localdate() - datetime.timedelta(days=2)
    late.save_revision().publish()
    timely = meeting("KEN", title="Platform Kennemerland op tijd", starts_in_days=20)
    timely.response_deadline = timezone.localdate() + datetime.timedelta(days=5)
    timely.save_revision().publish()
    for m in (late, timely):
        Invitation.objects.create(meeting=m, contact=partner.contact)
    client = client_of(partner)

    section = _invitation_section(client.get("/"))
    rows = section.select(".start-list li")

    assert [row.a.get_text(strip=True) for row in rows] == [late.title, timely.title]
    day = late.response_deadline
    assert "start-urgent" in rows[0]["class"]
    assert f"Reactietermijn verlopen op {day.day} " in rows[0].get_text()
    assert "u kunt nog antwoorden tot het overleg begint" in rows[0].get_text()
    assert "Reactietermijn verlopen" not in rows[1].get_text() and "start-urgent" not in rows[1].get("class", [])
    # The meetings app still takes the answer (until the meeting starts), so the buttons are there and work.
    assert len(rows[0].select("form")) == 2
    form = _forms(rows[0])[0]
    assert client.post(form["action"], form["fields"]).status_code == 302
    assert Invitation.objects.get(meeting=late, contact=partner.contact).response == "attending"
