"""Issue 9's "done when", tried as a new user would in a real browser.

1. A partner of Kennemerland follows the theme "Drugsafval en drugsdumping" through the preferences page
   (reached by clicking, as a person does) with a daily digest. The secretariat publishes a partners-only
   best practice on that theme: the partner's bell counts it without a reload and announces its title, the
   list links to the page, and the next daily digest is one mail to the partner that lists it, carries an
   unsubscribe link and holds nothing of another district (a page for Noord-Holland Noord only, on the same
   theme, published at the same time and mailed to a follower of that district). A second run sends nothing.
2. A coach has a page open when a coördinator assigns a referral to them: the bell counts it without a
   reload, the list says "Er is een doorverwijzing aan u toegewezen", and neither the notification, the
   list page nor the mail (subject, text and HTML) holds any of the referral's personal data."""

import re

from django.core import mail
from playwright.sync_api import expect

from core.roles import Role
from knowledgebase.models import BestPracticePage
from notifications.mail import digests_send
from notifications.models import Delivery, Notification
from notifications.services import preferences_save
from referrals.services import coach_assign, location_create, referral_create
from stakeholders.models import Municipality, Theme
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in
from tests.knowledgebase.factories import article
from tests.referrals.conftest import HAARLEM, aov_of

THEME = "Drugsafval en drugsdumping"  # the display name of theme "drugsafval" (stakeholders reference data)
PAGE_TITLE = "Terreinbeheerders als extra ogen bij drugsdumping"
OTHER_DISTRICT_TITLE = "Noordelijke aanpak van vaten in de polder"
ASSIGNED = "Er is een doorverwijzing aan u toegewezen"


def _publish(page_id: int, user) -> None:
    """What the secretariat's "Publiceren" does: a revision by them, published (fires page_published)."""
    page = BestPracticePage.objects.get(pk=page_id)
    page.save_revision(user=user).publish(user=user)


def _mails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def _all_text(message) -> str:
    return "\n".join([message.subject, message.body, *(content for content, _type in message.alternatives)])


def test_partner_follows_a_theme_sees_the_new_page_live_and_in_the_daily_digest(
    live, page, make_user, in_server, mailoutbox
):
    partner = make_user(Role.PARTNER, district="KEN", first_name="Petra")
    secretary = make_user(Role.SECRETARIAT, district=None)
    northern_partner = make_user(Role.PARTNER, district="NHN")
    drugsafval = Theme.objects.get(code="drugsafval")
    preferences_save(user=northern_partner, choices={("knowledge.new_page", None, drugsafval.pk): Delivery.DAILY})

    # The partner logs in and finds the preferences through the bell's list, as a person would.
    _log_in(page, live, partner)
    page.get_by_role("link", name=re.compile(r"^Meldingen")).click()
    expect(page.get_by_role("heading", name="Meldingen", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Meldingsvoorkeuren")).click()
    expect(page.get_by_role("heading", name="Meldingsvoorkeuren")).to_be_visible()
    themes = page.get_by_role("group", name="Thema's volgen")
    themes.get_by_label(THEME).select_option(label="Dagelijkse samenvatting per e-mail")
    page.get_by_role("button", name="Voorkeuren opslaan").click()
    expect(page.get_by_text("Uw meldingsvoorkeuren zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_role("group", name="Thema's volgen").get_by_label(THEME)).to_have_value(Delivery.DAILY)

    bell = page.locator("[data-bell]")
    expect(bell).to_have_attribute("data-live", "true")
    expect(bell.locator("[data-unread-count]")).to_have_text("0")

    # The secretariat publishes two pages on the theme: one for Noord-Holland Noord only (not the
    # partner's), then one for all partners.
    northern = article(
        OTHER_DISTRICT_TITLE, visibility="districts", districts=("NHN",), themes=("drugsafval",), live=False
    )
    best_practice = article(PAGE_TITLE, visibility="partners", themes=("drugsafval",), live=False)
    in_server(_publish, page_id=northern.pk, user=secretary)
    in_server(_publish, page_id=best_practice.pk, user=secretary)
    best_practice.refresh_from_db()
    assert best_practice.live
    page_path = best_practice.url

    # The bell counts it without a reload and announces its title.
    expect(bell.locator("[data-unread-count]")).to_have_text("1")
    expect(page.locator("[data-bell-announcer]")).to_contain_text(PAGE_TITLE)
    assert Notification.objects.filter(recipient=partner).count() == 1

    # The list shows it, with a link to the page; nothing of the other district.
    bell.click()
    expect(page).to_have_url(re.compile(r"/meldingen/$"))
    items = page.locator(".notification-list li")
    expect(items).to_have_count(1)
    link = items.get_by_role("link", name=re.compile(re.escape(PAGE_TITLE)))
    expect(link).to_have_attribute("href", page_path)
    expect(page.get_by_text(OTHER_DISTRICT_TITLE)).to_have_count(0)

    # The next daily digest: one mail to the partner, listing the page, with an unsubscribe link.
    assert _mails_to(partner) == []
    result = in_server(digests_send, frequency=Delivery.DAILY)
    assert result == {"sent": 2, "failed": 0}
    [digest] = _mails_to(partner)
    [html] = [content for content, mimetype in digest.alternatives if mimetype == "text/html"]
    for text in (digest.body, html):
        assert PAGE_TITLE in text
        assert page_path in text
        assert "/meldingen/afmelden/" in text
        assert OTHER_DISTRICT_TITLE not in text
        assert northern.slug not in text
    assert "/meldingen/afmelden/" in digest.extra_headers["List-Unsubscribe"]
    # The follower in Noord-Holland Noord got theirs: their district's page and the one for all partners.
    [northern_digest] = _mails_to(northern_partner)
    assert OTHER_DISTRICT_TITLE in northern_digest.body and PAGE_TITLE in northern_digest.body, northern_digest.body

    # A second run sends nothing more.
    sent = len(mail.outbox)
    assert in_server(digests_send, frequency=Delivery.DAILY) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == sent

    # The partner follows the link and reads the page.
    link.click()
    expect(page.get_by_role("heading", name=PAGE_TITLE, level=1)).to_be_visible()


OWNER_NAME = "Gerrit-Jan Vlasblom"
ADDRESS = "Kromme Zandweg 77, 2064 XQ Spaarndam"
PHONE = "06-98765432"
EMAIL = "g.vlasblom@voorbeeldmail.nl"
REASON = "Achterstallige hypotheek en een opvallend hoog huurbod van een onbekende partij."


def test_coach_sees_a_new_assignment_without_any_personal_data(live, page, make_user, in_server, mailoutbox):
    aov = aov_of(make_user, HAARLEM, "KEN")
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach = make_user(Role.COACH, district=None, first_name="Carla", last_name="Coach")
    location = location_create(
        user=aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="schuur",
        signals=["leegstand", "financiele_nood"],
        source="wijkagent",
        address=ADDRESS,
        owner_name=OWNER_NAME,
        owner_contact=f"{EMAIL}, {PHONE}",
    )
    referral = referral_create(
        user=aov, location=location, reason=REASON, owner_consent=True, legal_basis="toestemming"
    )
    personal = [OWNER_NAME, "Vlasblom", ADDRESS, "Kromme Zandweg", PHONE, "98765432", EMAIL, REASON, "hypotheek"]

    # The coach has a page open, live.
    _log_in(page, live, coach, confirmed_totp_device(coach))
    bell = page.locator("[data-bell]")
    expect(bell).to_have_attribute("data-live", "true")
    expect(bell.locator("[data-unread-count]")).to_have_text("0")

    # The coördinator assigns the referral to them.
    in_server(coach_assign, user=coordinator, referral=referral, coach=coach)
    expect(bell.locator("[data-unread-count]")).to_have_text("1")
    expect(page.locator("[data-bell-announcer]")).to_have_text(ASSIGNED)  # exactly this, nothing more

    [notification] = Notification.objects.filter(recipient=coach)
    assert (notification.kind, notification.title, notification.body) == ("referrals.assigned", ASSIGNED, "")
    assert notification.url == f"/doorverwijzingen/{referral.pk}/"

    # The list says that there is something, and links to it; nothing more.
    bell.click()
    expect(page).to_have_url(re.compile(r"/meldingen/$"))
    items = page.locator(".notification-list li")
    expect(items).to_have_count(1)
    expect(items.get_by_role("link", name=ASSIGNED)).to_have_attribute("href", notification.url)
    html = page.content()
    for value in personal:
        assert value not in notification.title and value not in notification.body, value
        assert value not in html, value

    # The mail at once (the event's default for a coach): subject, text and HTML without personal data.
    [message] = _mails_to(coach)
    assert message.subject == f"Nieuwe melding: {ASSIGNED}"
    assert notification.url in message.body
    assert len(message.alternatives) == 1
    text = _all_text(message)
    for value in personal:
        assert value not in text, value


def test_the_bell_polls_while_the_socket_is_down_and_reconnects_after(live, page, make_user, in_server):
    """Channel layer or proxy trouble: the socket is refused, the bell catches up by polling, and it goes
    live again by itself (with back-off) once websockets work."""
    from notifications.services import notify

    user = make_user(Role.PARTNER, district="KEN")
    blocked = {"on": True}

    def refuse_or_pass(ws):
        if blocked["on"]:
            ws.close(code=1011, reason="layer down")
        else:
            ws.connect_to_server()

    page.route_web_socket(re.compile(r".*/ws/notifications/$"), refuse_or_pass)
    _log_in(page, live, user)
    bell = page.locator("[data-bell]")
    expect(bell).to_have_attribute("data-live", "false")
    in_server(notify, recipients=[user], kind="announcement", title="Bericht terwijl de socket plat ligt")
    expect(bell.locator("[data-unread-count]")).to_have_text("1")  # by polling, without a reload
    blocked["on"] = False
    expect(bell).to_have_attribute("data-live", "true", timeout=20_000)
