"""The partner's start page on a phone: they land on 'Mijn overzicht' after logging in, see the invitation
they still have to answer and their overdue action item, answer the invitation there with its button (no
detour via the meeting page), and see a list that says nothing waits any more. The page fits 320 px without
sideways scrolling and has no serious accessibility violations."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from meetings.models import ActionItem, Invitation
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.meetings.factories import meeting

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_partner_answers_an_invitation_from_the_start_page_on_a_phone(live, page, make_user):
    partner = make_user(Role.PARTNER, district="KEN")
    coming = meeting("KEN", title="Platformoverleg Kennemerland september", starts_in_days=12)
    Invitation.objects.create(meeting=coming, contact=partner.contact)
    earlier = meeting("KEN", title="Platformoverleg Kennemerland juni", starts_in_days=-60)
    ActionItem.objects.create(
        meeting=earlier,
        description="Stuurt de signalenkaart naar de eigen buitendienst",
        owner_contact=partner.contact,
        due_date=timezone.localdate() - datetime.timedelta(days=10),
    )

    page.set_viewport_size({"width": 320, "height": 800})
    _log_in(page, live, partner)
    page.goto(f"{live.url}/")
    expect(page.get_by_role("heading", name="Mijn overzicht", level=1)).to_be_visible()
    invitations = page.get_by_role("region", name="Uitnodigingen om te beantwoorden")
    actions = page.get_by_role("region", name="Mijn open actiepunten")
    expect(actions.get_by_text("Te laat")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.documentElement.scrollWidth")
    assert _serious_violations(page) == []

    # Answered right there: the button posts to the meetings app and comes back with a Dutch confirmation.
    invitations.get_by_role("button", name=f"Ja, ik kom: {coming.title}", exact=True).click()
    page.wait_for_url(f"{live.url}/#invitations")
    expect(page.get_by_text(f"Dank u, uw antwoord is opgeslagen: u komt naar {coming.title}.")).to_be_visible()
    assert Invitation.objects.get(meeting=coming, contact=partner.contact).response == "attending"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.goto(f"{live.url}/")
    invitations = page.get_by_role("region", name="Uitnodigingen om te beantwoorden")
    expect(invitations.get_by_text("U heeft alle uitnodigingen beantwoord.")).to_be_visible()
    expect(invitations.get_by_role("link", name=coming.title)).to_have_count(0)
    # The meeting is still the next one of the platform.
    expect(
        page.get_by_role("region", name="Volgende bijeenkomsten van uw platforms").get_by_role("link")
    ).to_contain_text([coming.title])
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
