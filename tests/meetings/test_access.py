"""Design section 3: meetings, minutes, comments and documents are open to the district's members and the
secretariat only. An anonymous visitor is sent to login, a partner of another district gets 404, and a
document is never reachable by its media URL. The same rule holds in listings, 'upcoming' blocks, feeds,
exports, notifications and search."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import ReferenceIndex

from core.roles import Role
from meetings.models import ActionItem, CalendarToken, Decision, Invitation, MeetingPage
from notifications.models import Notification
from stakeholders.models import District, Membership
from tests.meetings.factories import meeting
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/account/inloggen/"
NO_PLATFORM_ROLES = [Role.COACH, Role.PRIVACY_OFFICER, Role.ADMIN]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def ken_meeting(reference_data):
    return meeting("KEN", title="Platformoverleg Kennemerland")


@pytest.fixture
def nhn_meeting(reference_data):
    return meeting("NHN", title="Platformoverleg Noord")


@pytest.fixture
def ken_partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def nhn_partner(make_user):
    return make_user(Role.PARTNER, district="NHN")


@pytest.fixture
def secretariat_client(client, make_user, login_with_mfa):
    return login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))


def _action(meeting_page, description: str, **fields) -> ActionItem:
    return ActionItem.objects.create(meeting=meeting_page, description=description, **fields)


def _end_memberships(user) -> None:
    Membership.objects.filter(organisation__affiliations__contact=user.contact).update(
        until=datetime.date.today() - datetime.timedelta(days=1)
    )


def _assert_login_redirect(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(LOGIN)


# --- Anonymous -----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_from_platform_and_meeting_pages(client, ken_meeting):
    _assert_login_redirect(client.get("/platform-ken/"))
    _assert_login_redirect(client.get(ken_meeting.url))
    assert ken_meeting.url.startswith("/platform-ken/")


def test_anonymous_is_sent_to_login_from_the_meeting_views(client, ken_meeting):
    for url in (
        "/platforms/",
        "/actiepunten/",
        f"/overleg/{ken_meeting.pk}/uitnodiging.ics",
        f"/overleg/{ken_meeting.pk}/aanwezigheid/",
    ):
        _assert_login_redirect(client.get(url))
    for url in (f"/overleg/{ken_meeting.pk}/besluit/", f"/overleg/{ken_meeting.pk}/actiepunt/"):
        _assert_login_redirect(client.post(url, {"text": "x", "description": "x"}))
    assert not Decision.objects.exists() and not ActionItem.objects.exists()


# --- A partner of another district -------------------------------------------------------------------


def test_partner_of_another_district_gets_404_on_the_meeting(client, ken_meeting, nhn_partner):
    client.force_login(nhn_partner)
    response = client.get(ken_meeting.url)
    assert response.status_code == 404 and "Platformoverleg Kennemerland" not in response.text
    assert client.get("/platform-ken/").status_code == 404
    assert client.get(f"/overleg/{ken_meeting.pk}/uitnodiging.ics").status_code == 404
    assert client.get(f"/overleg/{ken_meeting.pk}/aanwezigheid/").status_code == 404
    assert client.get("/platforms/KEN/agenda.ics").status_code == 404


def test_partner_of_another_district_cannot_post_to_the_meeting(client, ken_meeting, nhn_partner):
    client.force_login(nhn_partner)
    item = ken_meeting.agenda_items.first()
    assert client.post(f"/overleg/{ken_meeting.pk}/besluit/", {"text": "Wij besluiten"}).status_code == 404
    assert (
        client.post(
            f"/overleg/{ken_meeting.pk}/actiepunt/", {"description": "Doen", "agenda_item": item.pk}
        ).status_code
        == 404
    )
    assert client.post(f"/overleg/{ken_meeting.pk}/agenda-publiceren/").status_code == 404
    assert client.post(f"/overleg/{ken_meeting.pk}/antwoord/", {"response": "attending"}).status_code == 404
    assert client.post(f"/overleg/{ken_meeting.pk}/aanwezigheid/").status_code == 404
    assert not Decision.objects.exists() and not ActionItem.objects.exists()
    assert MeetingPage.objects.get(pk=ken_meeting.pk).status == MeetingPage.Status.PLANNED


def test_own_district_partner_sees_the_meeting_but_cannot_manage_it(client, ken_meeting, ken_partner):
    client.force_login(ken_partner)
    response = client.get(ken_meeting.url)
    assert response.status_code == 200 and "Platformoverleg Kennemerland" in response.text
    assert "Voor het secretariaat" not in response.text
    assert client.get(f"/overleg/{ken_meeting.pk}/uitnodiging.ics").status_code == 200
    assert client.get(f"/overleg/{ken_meeting.pk}/aanwezigheid/").status_code == 404
    assert client.post(f"/overleg/{ken_meeting.pk}/besluit/", {"text": "Wij besluiten"}).status_code == 404
    assert client.post(f"/overleg/{ken_meeting.pk}/agenda-publiceren/").status_code == 404
    assert not Decision.objects.exists()


def test_action_list_of_a_partner_shows_only_their_districts(client, ken_meeting, nhn_meeting, nhn_partner):
    ken_item = _action(ken_meeting, "Geheim actiepunt Kennemerland")
    _action(nhn_meeting, "Actiepunt Noord")
    client.force_login(nhn_partner)
    for query in ("", "?status=alle", "?district=KEN", "?district=KEN&status=alle"):
        response = client.get(f"/actiepunten/{query}")
        assert response.status_code == 200
        assert "Geheim actiepunt Kennemerland" not in response.text, query
        assert "Platformoverleg Kennemerland" not in response.text, query
        assert "Actiepunt Noord" in response.text, query
    assert client.get(f"/actiepunten/{ken_item.pk}/").status_code == 404
    assert client.post(f"/actiepunten/{ken_item.pk}/", {"status": "afgerond", "note": "Klaar"}).status_code == 404
    assert ActionItem.objects.get(pk=ken_item.pk).status == ActionItem.Status.OPEN


def test_platform_list_of_a_partner_shows_only_their_platform(client, reference_data, nhn_partner):
    client.force_login(nhn_partner)
    response = client.get("/platforms/")
    assert response.status_code == 200
    assert 'href="/platform-nhn/"' in response.text
    assert "/platform-ken/" not in response.text
    assert "Platform Kennemerland" not in response.text


def test_platform_page_upcoming_block_shows_only_its_districts_meetings(client, ken_meeting, nhn_meeting, ken_partner):
    client.force_login(ken_partner)
    response = client.get("/platform-ken/")
    assert "Platformoverleg Kennemerland" in response.text
    assert "Platformoverleg Noord" not in response.text


def test_meetings_are_not_in_public_feeds_or_the_sitemap(client, ken_meeting):
    sitemap = client.get("/sitemap.xml").text
    assert ken_meeting.url not in sitemap and "platform-ken" not in sitemap
    feed = client.get("/feeds/kennisbank.xml").text
    assert "Platformoverleg Kennemerland" not in feed


# --- Roles without platforms ------------------------------------------------------------------------


@pytest.mark.parametrize("role", NO_PLATFORM_ROLES)
def test_roles_without_platforms_get_404(client, ken_meeting, make_user, login_with_mfa, role):
    """Even when their contact works at a KEN member organisation: district pages are for Partners and
    AOVs (core.permissions._platform_district_ids)."""
    _action(ken_meeting, "Actiepunt Kennemerland")
    login_with_mfa(client, make_user(role, district="KEN"))
    assert client.get(ken_meeting.url).status_code == 404
    assert client.get("/platform-ken/").status_code == 404
    assert client.get("/actiepunten/").status_code == 404
    assert client.get("/platforms/").status_code == 404
    assert client.get(f"/overleg/{ken_meeting.pk}/uitnodiging.ics").status_code == 404
    assert client.get("/platforms/KEN/agenda.ics").status_code == 404
    assert client.get("/mijn-agenda/").status_code == 404


# --- Documents on an agenda item -------------------------------------------------------------------------


@pytest.fixture
def ken_document(ken_meeting):
    document = Document.objects.create(
        title="Vergaderstuk Kennemerland", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="vergaderstuk.pdf")
    )
    item = ken_meeting.agenda_items.first()
    item.documents = [("document", document)]
    item.save()
    # The index is normally updated by a task after commit; the test transaction never commits.
    ReferenceIndex.create_or_update_for_object(ken_meeting)
    return document


def test_agenda_document_sends_anonymous_to_login(client, ken_document):
    assert ken_document.url.startswith("/documenten/")
    _assert_login_redirect(client.get(ken_document.url))


def test_agenda_document_is_404_for_another_district(client, ken_document, nhn_partner):
    client.force_login(nhn_partner)
    assert client.get(ken_document.url).status_code == 404


def test_agenda_document_is_served_to_the_district(client, ken_document, ken_meeting, ken_partner):
    client.force_login(ken_partner)
    assert ken_document.url in client.get(ken_meeting.url).text
    response = client.get(ken_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_agenda_document_is_never_served_by_its_media_url(client, ken_document, ken_meeting, ken_partner):
    client.force_login(ken_partner)
    assert client.get(f"/media/{ken_document.file.name}").status_code == 404
    assert "/media/" not in client.get(ken_meeting.url).text


def test_agenda_document_is_404_once_the_membership_ends(client, ken_document, ken_partner):
    client.force_login(ken_partner)
    assert client.get(ken_document.url).status_code == 200
    _end_memberships(ken_partner)
    assert client.get(ken_document.url).status_code == 404


@pytest.mark.parametrize("role", NO_PLATFORM_ROLES)
def test_agenda_document_is_404_for_roles_without_platforms(client, ken_document, make_user, login_with_mfa, role):
    login_with_mfa(client, make_user(role, district="KEN"))
    assert client.get(ken_document.url).status_code == 404


# --- The secretariat ------------------------------------------------------------------------------------


def test_the_secretariat_sees_all(secretariat_client, ken_meeting, nhn_meeting, ken_document):
    client = secretariat_client
    _action(ken_meeting, "Actiepunt Kennemerland")
    _action(nhn_meeting, "Actiepunt Noord")
    for page in (ken_meeting, nhn_meeting):
        response = client.get(page.url)
        assert response.status_code == 200 and "Voor het secretariaat" in response.text
        assert client.get(f"/overleg/{page.pk}/aanwezigheid/").status_code == 200
    platforms = client.get("/platforms/").text
    assert "/platform-ken/" in platforms and "/platform-nhn/" in platforms
    actions = client.get("/actiepunten/").text
    assert "Actiepunt Kennemerland" in actions and "Actiepunt Noord" in actions
    assert client.get(ken_document.url).status_code == 200


# --- Membership ended ---------------------------------------------------------------------------------


def test_membership_ended_closes_the_meeting_and_empties_the_feed(client, ken_meeting, ken_partner):
    token = CalendarToken.objects.create(user=ken_partner)
    client.force_login(ken_partner)
    assert client.get(ken_meeting.url).status_code == 200
    assert b"Platformoverleg Kennemerland" in client.get(f"/agenda/{token.token}.ics").content
    _end_memberships(ken_partner)
    assert client.get(ken_meeting.url).status_code == 404
    assert client.get("/platforms/").status_code == 404
    feed = client.get(f"/agenda/{token.token}.ics")
    assert feed.status_code == 200
    assert b"Platformoverleg Kennemerland" not in feed.content
    assert b"BEGIN:VEVENT" not in feed.content


def test_contact_leaving_the_member_organisation_closes_the_meeting(client, ken_meeting, ken_partner):
    client.force_login(ken_partner)
    ken_partner.contact.affiliations.update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    assert client.get(ken_meeting.url).status_code == 404


# --- Publishing the agenda: who is told, who is invited --------------------------------------------------


@pytest.fixture
def audience(make_user):
    """Who should and should not hear about a KEN agenda."""

    def consenting(user):
        user.contact.invitation_consent = True
        user.contact.save(update_fields=["invitation_consent"])
        return user

    ken_partner = consenting(make_user(Role.PARTNER, district="KEN"))
    ken_aov = make_user(Role.AOV, district="KEN")  # no invitation consent
    nhn_partner = consenting(make_user(Role.PARTNER, district="NHN"))
    # Invitations go to CRM contacts of member organisations whatever their portal role; the coach here
    # has not consented, so only the portal side (the notification) is tested for them.
    ken_coach = make_user(Role.COACH, district="KEN")
    ended = consenting(make_user(Role.PARTNER, district="KEN"))
    _end_memberships(ended)
    secretariat = make_user(Role.SECRETARIAT, district=None)
    # A KEN contact with consent but no portal account, and one with consent and no e-mail address.
    organisation = MembershipFactory(district=District.objects.get(code="KEN")).organisation
    no_account = AffiliationFactory(organisation=organisation, contact=ContactFactory(invitation_consent=True)).contact
    no_email = AffiliationFactory(
        organisation=organisation, contact=ContactFactory(invitation_consent=True, email="")
    ).contact
    return {
        "ken_partner": ken_partner,
        "ken_aov": ken_aov,
        "nhn_partner": nhn_partner,
        "ken_coach": ken_coach,
        "ended": ended,
        "secretariat": secretariat,
        "no_account": no_account,
        "no_email": no_email,
    }


def _publish(client, meeting_page, capture):
    """Through the confirmation, with the numbers it shows (nothing is sent without them)."""
    mail.outbox.clear()
    url = f"/overleg/{meeting_page.pk}/agenda-publiceren/"
    confirmation = client.get(url, follow=True).text
    counts = {}
    for name in ("uitnodigingen", "meldingen"):
        shown = re.search(rf'name="{name}" value="(\d+)"', confirmation)
        counts[name] = shown.group(1) if shown else ""  # nothing to confirm: the view says why
    with capture(execute=True):
        return client.post(url, counts, follow=True)


def test_publishing_the_agenda_tells_only_the_district_and_the_secretariat(
    client, ken_meeting, audience, login_with_mfa, django_capture_on_commit_callbacks
):
    login_with_mfa(client, audience["secretariat"])
    response = _publish(client, ken_meeting, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "De agenda is gepubliceerd" in response.text
    assert MeetingPage.objects.get(pk=ken_meeting.pk).status == MeetingPage.Status.AGENDA_PUBLISHED

    told = set(Notification.objects.filter(kind="meetings.agenda_published").values_list("recipient_id", flat=True))
    assert told == {audience["ken_partner"].pk, audience["ken_aov"].pk, audience["secretariat"].pk}
    notification = Notification.objects.filter(kind="meetings.agenda_published").first()
    assert notification.url == ken_meeting.url
    assert "Platformoverleg Kennemerland" in notification.title


def test_publishing_the_agenda_invites_only_consenting_district_contacts(
    client, ken_meeting, audience, login_with_mfa, django_capture_on_commit_callbacks
):
    login_with_mfa(client, audience["secretariat"])
    _publish(client, ken_meeting, django_capture_on_commit_callbacks)

    invited = set(Invitation.objects.filter(meeting=ken_meeting).values_list("contact_id", flat=True))
    assert invited == {audience["ken_partner"].contact_id, audience["no_account"].pk}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([audience["ken_partner"].contact.email, audience["no_account"].email])
    for message in mail.outbox:
        attachments = [a for a in message.attachments if a[0].endswith(".ics")]
        assert len(attachments) == 1
        name, content, mimetype = attachments[0]
        assert mimetype.startswith("text/calendar")
        content = content.decode() if isinstance(content, bytes) else content
        assert "BEGIN:VCALENDAR" in content and "Platformoverleg Kennemerland" in content
    assert not Invitation.objects.exclude(meeting=ken_meeting).exists()


def test_publishing_again_does_not_invite_twice(
    client, ken_meeting, audience, login_with_mfa, django_capture_on_commit_callbacks
):
    login_with_mfa(client, audience["secretariat"])
    _publish(client, ken_meeting, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    response = _publish(client, ken_meeting, django_capture_on_commit_callbacks)
    assert "Er is niemand nieuw om uit te nodigen" in response.text
    assert mail.outbox == []
    assert Invitation.objects.filter(meeting=ken_meeting).count() == 2
    # A contact who joins later is invited on the next publish, and only they.
    newcomer = ContactFactory(invitation_consent=True)
    AffiliationFactory(contact=newcomer, organisation=audience["ken_partner"].contact.affiliations.get().organisation)
    _publish(client, ken_meeting, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[newcomer.email]]


def test_a_meeting_in_the_past_cannot_be_published(
    client, reference_data, audience, login_with_mfa, django_capture_on_commit_callbacks
):
    past = meeting("KEN", starts_in_days=-1, title="Voorbij overleg")
    login_with_mfa(client, audience["secretariat"])
    response = _publish(client, past, django_capture_on_commit_callbacks)
    assert "Dit overleg ligt in het verleden" in response.text
    assert mail.outbox == []
    assert not Invitation.objects.exists()
    assert not Notification.objects.filter(kind="meetings.agenda_published").exists()
    assert MeetingPage.objects.get(pk=past.pk).status == MeetingPage.Status.PLANNED
