"""A platform meeting from agenda to adopted minutes, as the secretariat and a KEN partner do it in two
real browsers: the secretariat confirms whom the agenda goes to (the count named first) and the partner is
invited; the partner opens the meeting, downloads the document, says they come and puts the meeting in
their calendar; during the meeting the partner sees the item under discussion and a new action item appear
live; afterwards the secretariat records attendance with a walk-in found in the CRM as they type, writes
and publishes the concept-notulen (no chair, so no chair step), the partner comments, the secretariat
works the comment into a new version after the period (a missing answer first: a Dutch error, the typed
text kept), the partner sees it worked in, the minutes are adopted in the next meeting once it is held,
and the open action item shows on that meeting's agenda and on the partner's own action list.

The meeting starts half an hour from now. That one time satisfies every rule on the way: the agenda can
only be published and answered before the start (meetings.services.agenda), while attendance and minutes
may be recorded from an hour before the start (agenda.attendance_record, minutes.START_MARGIN). Waiting
for the comment period and the next meeting is no option in a test: there the dates are moved back."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.documents.models import Document
from wagtail.models import ReferenceIndex

from core.roles import Role
from meetings.models import ActionItem, AgendaItem, Attendance, Invitation, MeetingPage, Minutes, MinutesComment
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.meetings.factories import meeting
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, OrganisationFactory

TITLE = "Platformoverleg Kennemerland juni"
HALF_AN_HOUR = 0.5 / 24  # in days, for the factory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def other_page(browser):
    """The partner's browser: its own context, so its own cookies."""
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield page
    context.close()


def test_meeting_from_agenda_to_adopted_minutes(live, page, other_page, make_user):
    secretariat = make_user(Role.SECRETARIAT, district=None)
    partner = make_user(Role.PARTNER, district="KEN")
    contact = partner.contact
    contact.invitation_consent = True
    contact.save(update_fields=["invitation_consent"])

    # The secretariat built the agenda (in Wagtail; here with the factory) with a document on item 1.
    overleg = meeting("KEN", title=TITLE, starts_in_days=HALF_AN_HOUR)
    first, second, _third = overleg.agenda_items.order_by("sort_order")
    document = Document.objects.create(
        title="Jaarplan ondermijning 2025",
        file=ContentFile(b"Jaarplan;ondermijning\n2025;Kennemerland\n", name="jaarplan.csv"),
    )
    first.documents = [("document", document)]
    first.save()
    # Normally updated by a task after commit; the document's permission check follows this index.
    ReferenceIndex.create_or_update_for_object(overleg)
    meeting_url = f"{live.url}{overleg.url}"
    minutes_url = f"{live.url}/overleg/{overleg.pk}/notulen/"

    # A walk-in later: someone from the CRM who was not invited (no consent for invitation mail).
    guest = AffiliationFactory(
        organisation=OrganisationFactory(name="Recreatieschap Spaarnwoude", city="Velsen"),
        contact=ContactFactory(first_name="Joyce", last_name="Wessels"),
    ).contact

    # The secretariat publishes the agenda, after a confirmation that names who gets what: the partner,
    # who consented, gets the invitation mail.
    sec = page
    _log_in(sec, live, secretariat, confirmed_totp_device(secretariat))
    sec.goto(meeting_url)
    sec.get_by_role("link", name="Agenda publiceren en uitnodigen").click()
    expect(sec.get_by_role("heading", name="Agenda publiceren en uitnodigen", level=1)).to_be_visible()
    expect(sec.locator('[data-count="invite"]')).to_contain_text("1 contactpersoon krijgt een uitnodiging per e-mail")
    assert not Invitation.objects.exists()  # nothing sent by looking
    sec.get_by_role("button", name="Ja, publiceer en verstuur 1 uitnodiging").click()
    expect(sec.get_by_text("De agenda is gepubliceerd. 1 uitnodiging per e-mail verstuurd.")).to_be_visible()
    expect(sec.get_by_role("link", name="Nieuwe leden uitnodigen")).to_be_visible()
    assert MeetingPage.objects.get(pk=overleg.pk).status == MeetingPage.Status.AGENDA_PUBLISHED
    invitation = Invitation.objects.get(meeting=overleg)
    assert invitation.contact == contact

    # The partner opens the meeting and downloads the document.
    member = other_page
    _log_in(member, live, partner)
    member.goto(meeting_url)
    expect(member.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Jaarplan ondermijning 2025").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    assert Path(download.path()).read_bytes() == b"Jaarplan;ondermijning\n2025;Kennemerland\n"

    # ... answers that they come ...
    answer = member.locator("#aanmelden")
    expect(answer).to_contain_text("Uw antwoord: Nog geen antwoord")
    answer.get_by_label("Ja, ik kom").check()
    answer.get_by_role("button", name="Antwoord opslaan").click()
    expect(member.get_by_text("Dank u, uw antwoord is opgeslagen.")).to_be_visible()
    expect(member.locator("#aanmelden")).to_contain_text("Uw antwoord: Komt")
    expect(member.locator("#aanmelden").get_by_label("Ja, ik kom")).to_be_checked()
    assert Invitation.objects.get(pk=invitation.pk).response == Invitation.Response.ATTENDING

    # ... and puts it in their calendar.
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Zet in mijn agenda (.ics)").click()
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert f"SUMMARY:{TITLE}" in ics

    assert _serious_violations(member) == []

    # During the meeting: the partner keeps the page open and sees what the secretariat does, live.
    member.goto(meeting_url)
    expect(member.locator("[data-agenda]")).to_have_attribute("data-live", "true")
    member.evaluate("window.__samePage = true")  # gone if the page were reloaded

    sec.goto(meeting_url)
    sec.get_by_role("button", name="Dit punt is nu aan de orde: Agendapunt 2").click()
    expect(sec).to_have_url(re.compile(rf"#punt-{second.pk}$"))
    live_item = member.locator(f'[data-agenda-item="{second.pk}"]')
    expect(live_item).to_have_attribute("aria-current", "true")
    expect(member.locator("[data-agenda-item][aria-current]")).to_have_count(1)
    expect(member.locator("[data-live-announcer]")).to_have_text("Nu aan de orde: Agendapunt 2")

    expect(sec.locator("#actie_agenda_item")).to_have_value(str(second.pk))
    sec.locator("#actie_description").fill("Overzicht leegstaande bedrijfspanden delen")
    sec.locator("#actie_owner_contact").select_option(label=str(contact))
    sec.get_by_role("button", name="Actiepunt toevoegen").click()
    expect(sec.get_by_text("Het actiepunt is toegevoegd.")).to_be_visible()

    new_action = live_item.locator("[data-actions] [data-action-item]")
    expect(new_action).to_have_count(1)
    expect(new_action).to_contain_text("Overzicht leegstaande bedrijfspanden delen")
    expect(new_action).to_contain_text(str(contact))
    expect(member.locator("[data-live-announcer]")).to_contain_text("Nieuw actiepunt")
    assert member.evaluate("window.__samePage") is True
    action = ActionItem.objects.get()
    assert (action.meeting_id, action.agenda_item_id, action.owner_contact) == (overleg.pk, second.pk, contact)

    # The secretariat records who was there: the partner (who said they would come) is ticked already,
    # and a walk-in is found in the CRM as the secretariat types, added, and saved with their organisation.
    sec.get_by_role("link", name="Aanwezigheid").click()
    present = sec.get_by_label(str(contact), exact=True)
    expect(present).to_be_checked()
    sec.get_by_label("Zoek in het CRM").press_sequentially("spaarnw", delay=30)
    expect(sec.locator("[data-walk-in-status]")).to_have_text("1 persoon gevonden")
    sec.get_by_role("button", name=f"Toevoegen: {guest}").click()
    expect(sec.get_by_label(str(guest), exact=True)).to_be_checked()
    expect(sec.get_by_label(str(contact), exact=True)).to_be_checked()
    expect(sec.get_by_label(f"Organisatie van {guest}")).to_have_value(str(guest.affiliations.get().organisation_id))
    sec.get_by_role("button", name="Opslaan").click()
    expect(sec.get_by_text("Aanwezigheid opgeslagen: 2 aanwezig.")).to_be_visible()
    assert Attendance.objects.get(meeting=overleg, contact=contact).present
    walk_in = Attendance.objects.get(meeting=overleg, contact=guest)
    assert walk_in.present and walk_in.organisation.name == "Recreatieschap Spaarnwoude"

    # ... writes the minutes ...
    sec.get_by_role("button", name="Notulen maken").click()
    expect(sec).to_have_url(f"{minutes_url}bewerken/")
    sec.get_by_label("1. Agendapunt 1").fill("De voorzitter opent.\n\n- Het jaarplan is besproken.")
    sec.get_by_label("2. Agendapunt 2").fill("Leegstand in bedrijfspanden besproken.")
    # No chair on this meeting: only "Opslaan", no submitting to a chair.
    expect(sec.get_by_role("button", name="Opslaan en voorleggen aan de voorzitter")).to_have_count(0)
    sec.get_by_role("button", name="Opslaan", exact=True).click()
    expect(sec).to_have_url(minutes_url)

    # ... and publishes them as concept-notulen with a comment period of 10 days.
    expect(sec.locator("#secretariaat")).to_contain_text("Dit overleg heeft geen voorzitter met een account")
    sec.get_by_label("Reactietermijn in dagen").fill("10")
    sec.get_by_role("button", name="Publiceren als concept-notulen").click()
    expect(sec.locator("[data-minutes-status]")).to_have_attribute("data-minutes-status", "published")
    expect(sec.get_by_text("1 aanwezige is ingelicht en kan reageren tot")).to_be_visible()
    expect(sec.get_by_text("1 aanwezige heeft geen account op het portaal")).to_be_visible()
    minutes = Minutes.objects.get(meeting=overleg)
    assert minutes.status == Minutes.Status.PUBLISHED and minutes.comments_until > timezone.now()

    # The partner, who was present, reads them and comments on item 1.
    member.goto(minutes_url)
    expect(member.get_by_role("heading", name=f"Concept-notulen: {TITLE}", level=1)).to_be_visible()
    expect(member.get_by_text("Het jaarplan is besproken.")).to_be_visible()
    minutes_first = minutes.items.order_by("sort_order", "pk").first()
    member.get_by_label("Uw reactie op ‘Agendapunt 1’").fill("Graag ook noemen dat de gemeente Haarlem meedoet.")
    member.get_by_role("button", name="Reactie plaatsen").first.click()
    expect(member).to_have_url(f"{minutes_url}#punt-{minutes_first.pk}")
    expect(member.locator(f"#punt-{minutes_first.pk} .comments")).to_contain_text(
        "Graag ook noemen dat de gemeente Haarlem meedoet."
    )
    assert MinutesComment.objects.get().author == partner
    assert _serious_violations(member) == []

    # Three months later: the comment period is over and the next meeting of the platform, with the item
    # that lists the open action items, has begun. (The dates are moved back rather than waited for.)
    back = datetime.timedelta(days=91)
    MeetingPage.objects.filter(pk=overleg.pk).update(starts_at=F("starts_at") - back, ends_at=F("ends_at") - back)
    Minutes.objects.filter(pk=minutes.pk).update(comments_until=timezone.now() - datetime.timedelta(days=70))
    volgend = meeting("KEN", title="Platformoverleg Kennemerland september", starts_in_days=-0.01, items=2)
    AgendaItem.objects.filter(page=volgend, sort_order=1).update(
        title="Actiepunten vorige vergadering", is_previous_actions=True
    )
    previous = AgendaItem.objects.get(page=volgend, sort_order=1)

    # The secretariat works the comment in. Saving without saying what became of it: a Dutch error, and
    # the text typed is still there; nothing stored.
    sec.goto(minutes_url)
    expect(sec.locator("#na-de-reacties")).to_contain_text("1 reactie nog niet beantwoord")
    sec.get_by_role("link", name="Aanpassen na de reacties").click()
    amended_text = "De voorzitter opent.\n\n- Het jaarplan is besproken.\n- De gemeente Haarlem doet mee."
    sec.get_by_label("Verslag bij ‘Agendapunt 1’").fill(amended_text)
    sec.get_by_role("button", name="Opslaan en indieners inlichten").click()
    expect(sec.get_by_text("Kies wat er met deze reactie is gedaan.")).to_be_visible()
    expect(sec.get_by_label("Verslag bij ‘Agendapunt 1’")).to_have_value(amended_text)
    assert minutes.versions.filter(snapshot__event="amended").count() == 0
    sec.get_by_label("Verwerkt in de tekst").check()
    sec.get_by_role("button", name="Opslaan en indieners inlichten").click()
    expect(sec.get_by_text("1 reactie beantwoord; 1 indiener ingelicht.")).to_be_visible()
    assert minutes.versions.filter(snapshot__event="amended").count() == 1

    # The partner sees the answer and the new version beside the published one.
    member.goto(minutes_url)
    expect(member.locator(f"#punt-{minutes_first.pk} [data-answer]")).to_contain_text("Verwerkt in de tekst")
    expect(member.get_by_text("De gemeente Haarlem doet mee.")).to_be_visible()
    assert _serious_violations(member) == []

    # The secretariat adopts the minutes in the next meeting, the only held one offered.
    sec.goto(minutes_url)
    sec.get_by_label("Vastgesteld in het overleg van").select_option(value=str(volgend.pk))
    sec.get_by_role("button", name="Notulen vaststellen").click()
    expect(sec.locator("[data-minutes-status]")).to_have_attribute("data-minutes-status", "adopted")
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.ADOPTED and minutes.adopted_at_meeting_id == volgend.pk
    assert MeetingPage.objects.get(pk=overleg.pk).status == MeetingPage.Status.MINUTES_ADOPTED

    member.goto(minutes_url)
    expect(member.get_by_role("heading", name=f"Notulen: {TITLE}", level=1)).to_be_visible()
    expect(member.get_by_role("link", name="Platformoverleg Kennemerland september")).to_be_visible()
    assert _serious_violations(member) == []

    # The open action item is on the next meeting's agenda, under "Actiepunten vorige vergadering" ...
    member.goto(f"{live.url}{volgend.url}")
    carried = member.locator(f'[data-agenda-item="{previous.pk}"] [data-action-item="{action.pk}"]')
    expect(carried).to_contain_text("Overzicht leegstaande bedrijfspanden delen")
    expect(carried).to_contain_text(str(contact))
    expect(member.locator(f"[data-action-item='{action.pk}']")).to_have_count(1)
    assert _serious_violations(member) == []

    # ... and on the partner's own action list.
    member.goto(f"{live.url}/actiepunten/?mijn=on")
    expect(member.get_by_label("Alleen van mij en mijn organisatie")).to_be_checked()
    row = member.get_by_role("row").filter(has_text="Overzicht leegstaande bedrijfspanden delen")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(contact))
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
