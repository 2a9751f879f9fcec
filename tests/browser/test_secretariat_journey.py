"""The secretariat's working day from start to end, in one browser with one login (password and code):
a meeting is planned in Wagtail's admin and its agenda sent to exactly the platform's members; the
minutes go from draft through the comment period, a member's comment worked in, to adoption in a held
meeting; a partner's contribution is reviewed and published in the page editor; a CRM import with broken
rows is repaired in the preview. Every form where the secretariat can go wrong is sent once with a mistake
first (a Dutch error, what was typed still there, nothing stored) and then right (the stored object
carries exactly what was chosen). Attendance and adoption offer only choices that are right, so they are
sent once; the agenda's confirmation goes wrong when the numbers change while it is on screen.

A partner works beside the secretariat in a second browser context: they comment on the minutes and
submit the contribution. The meeting starts half an hour from now, as in test_meeting_journey.py, and the
comment period and the next meeting are reached by moving dates back rather than waiting."""

import datetime
import re

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from core.roles import Role
from knowledgebase.models import KnowledgePage
from meetings.models import DistrictPlatformPage, Invitation, MeetingPage, Minutes, MinutesComment
from notifications.models import Notification
from stakeholders.models import Contact, District
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in
from tests.browser.test_knowledge_journeys import APPROVE, MORE_ACTIONS
from tests.meetings.factories import meeting
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory

TITLE = "Platformoverleg Kennemerland voorjaar"
FOOTER = re.compile(r"^(Acties|Actions) \(footer\)$")
PUBLISH = re.compile(r"^(Publiceren|Publish)$")


@pytest.fixture
def partner_page(browser):
    """The partner's browser: its own context, so its own cookies."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield page
    context.close()


def _member(district: str, *, consent: bool = True, **affiliation) -> Contact:
    """A contact working at an organisation that is a member of the district's platform."""
    organisation = MembershipFactory(district=District.objects.get(code=district)).organisation
    contact = ContactFactory(invitation_consent=consent)
    AffiliationFactory(organisation=organisation, contact=contact, **affiliation)
    return contact


def _footer_action(page, action) -> None:
    """A Wagtail editor action from the footer's "more actions" dropdown."""
    footer = page.get_by_role("navigation", name=FOOTER)
    footer.get_by_role("button", name=MORE_ACTIONS).click()
    footer.get_by_role("button", name=action).click()


def _fill_date(page, label: str, value: datetime.datetime) -> None:
    """Typed, as a person may. Wagtail's date picker opens a moment after the field gets focus and then stays
    open over the form: wait for it, and leave the field with Tab, which closes it."""
    page.get_by_role("textbox", name=label).fill(f"{value:%Y-%m-%d %H:%M}")
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_have_count(1)
    page.get_by_role("textbox", name=label).press("Tab")
    expect(picker).to_have_count(0)


def _plan_meeting(sec, live, platform) -> MeetingPage:
    """In Wagtail's page editor: an agenda longer than the meeting is refused, then shortened and published."""
    starts = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=30)
    sec.goto(f"{live.url}/beheer/pages/add/meetings/meetingpage/{platform.pk}/")
    sec.get_by_role("textbox", name="Titel*").fill(TITLE)
    _fill_date(sec, "Begint om*", starts)
    _fill_date(sec, "Eindigt om*", starts + datetime.timedelta(hours=1))
    sec.get_by_role("textbox", name="Plaats").fill("Gemeentehuis Velsen")
    agenda = sec.get_by_role("region", name="Agendapunten", exact=True)
    for number, (title, kind, minutes) in enumerate(
        [("Opening en mededelingen", "Informatief", "10"), ("Ondermijning op recreatieparken", "Besluitvormend", "90")],
        start=1,
    ):
        agenda.get_by_role("button", name="Voeg Agendapunten toe").click()
        item = agenda.get_by_role("region", name=f"Agendapunten {number}")
        item.get_by_role("textbox", name="Titel*").fill(title)
        item.get_by_role("combobox", name="Soort*").select_option(label=kind)
        item.get_by_role("spinbutton", name="Duur (minuten)*").fill(minutes)
    _footer_action(sec, PUBLISH)
    expect(sec.get_by_text("De pagina kon niet aangemaakt worden vanwege validatiefouten.")).to_be_visible()
    expect(
        sec.get_by_text(
            "De agendapunten duren samen 100 minuten, het overleg 60. Kort punten in of verleng het overleg."
        )
    ).to_be_visible()
    expect(sec.get_by_role("textbox", name="Titel*").first).to_have_value(TITLE)
    expect(sec.get_by_role("textbox", name="Plaats")).to_have_value("Gemeentehuis Velsen")
    expect(sec.get_by_role("textbox", name="Begint om*")).to_have_value(f"{starts:%Y-%m-%d %H:%M}")
    second = agenda.get_by_role("region", name="Agendapunten 2")
    expect(second.get_by_role("textbox", name="Titel*")).to_have_value("Ondermijning op recreatieparken")
    assert not MeetingPage.objects.filter(title=TITLE).exists()

    second.get_by_role("spinbutton", name="Duur (minuten)*").fill("45")
    _footer_action(sec, PUBLISH)
    expect(sec.locator(".messages")).to_contain_text(TITLE)
    overleg = MeetingPage.objects.get(title=TITLE)
    assert (overleg.live, overleg.status, overleg.location) == (True, MeetingPage.Status.PLANNED, "Gemeentehuis Velsen")
    assert (overleg.online_link, overleg.response_deadline, overleg.chair, overleg.secretary) == ("", None, None, None)
    assert (overleg.starts_at, overleg.ends_at) == (starts, starts + datetime.timedelta(hours=1))
    assert overleg.get_parent().pk == platform.pk
    assert [(i.title, i.kind, i.duration_minutes) for i in overleg.agenda_items.order_by("sort_order")] == [
        ("Opening en mededelingen", "informatief", 10),
        ("Ondermijning op recreatieparken", "besluitvormend", 45),
    ]
    return overleg


def test_secretariat_journey(live, page, partner_page, make_user, tmp_path):
    secretariat = make_user(Role.SECRETARIAT, district=None)
    partner = make_user(Role.PARTNER, district="KEN")
    Contact.objects.filter(pk=partner.contact_id).update(invitation_consent=True)
    colleague = _member("KEN")  # a member without a portal account, who consented to invitations
    _member("KEN", consent=False)  # told nothing by e-mail
    _member("KEN", end_date=timezone.localdate() - datetime.timedelta(days=1))  # has left the organisation
    _member("NHN")  # another platform's member
    platform = DistrictPlatformPage.objects.get(district__code="KEN")

    sec = page
    server_errors = []
    for browser_page in (sec, partner_page):
        browser_page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    _log_in(sec, live, secretariat, confirmed_totp_device(secretariat))

    # 1. A meeting, planned in Wagtail's admin, its agenda sent to the members.
    overleg = _plan_meeting(sec, live, platform)
    meeting_url = f"{live.url}{overleg.url}"
    sec.goto(meeting_url)
    sec.get_by_role("link", name="Agenda publiceren en uitnodigen").click()
    expect(sec.locator('[data-count="invite"]')).to_contain_text("2 contactpersonen krijgen een uitnodiging")
    # While the secretariat reads the confirmation, a new member consents: the numbers seen are no longer
    # the numbers, so nothing is sent and the new numbers are shown.
    newcomer = _member("KEN")
    sec.get_by_role("button", name="Ja, publiceer en verstuur 2 uitnodigingen").click()
    expect(sec.get_by_role("alert")).to_have_text(
        "Het aantal uitnodigingen is veranderd sinds u het zag. Er is niets verstuurd; bevestig opnieuw."
    )
    assert not Invitation.objects.exists()
    assert not Notification.objects.filter(kind="meetings.agenda_published").exists()
    assert MeetingPage.objects.get(pk=overleg.pk).status == MeetingPage.Status.PLANNED
    expect(sec.locator('[data-count="invite"]')).to_contain_text("3 contactpersonen krijgen een uitnodiging")
    sec.get_by_role("button", name="Ja, publiceer en verstuur 3 uitnodigingen").click()
    expect(sec.get_by_text("De agenda is gepubliceerd. 3 uitnodigingen per e-mail verstuurd.")).to_be_visible()
    assert set(Invitation.objects.filter(meeting=overleg).values_list("contact_id", flat=True)) == {
        partner.contact_id,
        colleague.pk,
        newcomer.pk,
    }
    assert Invitation.objects.count() == 3
    assert MeetingPage.objects.get(pk=overleg.pk).status == MeetingPage.Status.AGENDA_PUBLISHED

    # 2. The minutes. The secretariat notes who came (the partner and the colleague) ...
    minutes_url = f"{live.url}/overleg/{overleg.pk}/notulen/"
    sec.goto(meeting_url)
    sec.get_by_role("link", name="Aanwezigheid").click()
    sec.get_by_label(str(partner.contact), exact=True).check()
    sec.get_by_label(str(colleague), exact=True).check()
    sec.get_by_role("button", name="Opslaan").click()
    expect(sec.get_by_text("Aanwezigheid opgeslagen: 2 aanwezig.")).to_be_visible()
    assert set(overleg.attendance.filter(present=True).values_list("contact_id", flat=True)) == {
        partner.contact_id,
        colleague.pk,
    }

    # ... writes the draft: a text far too long is refused with the other item's text kept ...
    sec.get_by_role("button", name="Notulen maken").click()
    expect(sec).to_have_url(f"{minutes_url}bewerken/")
    minutes = Minutes.objects.get(meeting=overleg)
    second_text = "Het plan van aanpak voor de recreatieparken is aangenomen."
    sec.get_by_label("1. Opening en mededelingen").fill("x" * 50_001)
    sec.get_by_label("2. Ondermijning op recreatieparken").fill(second_text)
    sec.get_by_role("button", name="Opslaan", exact=True).click()
    expect(sec.get_by_role("alert")).to_have_text(
        "Het verslag bij ‘Opening en mededelingen’ is te lang; maximaal 50000 tekens."
    )
    expect(sec.get_by_label("2. Ondermijning op recreatieparken")).to_have_value(second_text)
    assert list(minutes.items.values_list("text", flat=True)) == ["", ""]
    first_text = "De voorzitter opent.\n\n- Liander meldt een nieuwe contactpersoon.\n- PWN sluit aan."
    sec.get_by_label("1. Opening en mededelingen").fill(first_text)
    sec.get_by_role("button", name="Opslaan", exact=True).click()
    expect(sec).to_have_url(minutes_url)
    first_item, second_item = minutes.items.order_by("sort_order")
    assert "<li>Liander meldt een nieuwe contactpersoon.</li><li>PWN sluit aan.</li>" in first_item.text
    assert second_item.text == f"<p>{second_text}</p>"

    # ... and publishes it: a comment period of 90 days is too long, 10 days it is.
    period = sec.get_by_label("Reactietermijn in dagen")
    period.fill("90")
    sec.get_by_role("button", name="Publiceren als concept-notulen").click()
    expect(sec.locator("#comment-days-fout")).to_have_text("Kies hoogstens 60 dagen.")
    expect(sec.get_by_label("Reactietermijn in dagen")).to_have_value("90")
    minutes.refresh_from_db()
    assert (minutes.status, minutes.comments_until) == (Minutes.Status.CONCEPT, None)
    sec.get_by_label("Reactietermijn in dagen").fill("10")
    sec.get_by_role("button", name="Publiceren als concept-notulen").click()
    expect(sec.locator("[data-minutes-status]")).to_have_attribute("data-minutes-status", "published")
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED
    assert abs(minutes.comments_until - (timezone.now() + datetime.timedelta(days=10))) < datetime.timedelta(minutes=5)

    # The partner, who was there, comments in their own browser.
    member = partner_page
    _log_in(member, live, partner)
    member.goto(minutes_url)
    comment = "Noem ook dat Staatsbosbeheer de parken in Bloemendaal meeneemt."
    member.get_by_label("Uw reactie op ‘Opening en mededelingen’").fill(comment)
    member.get_by_role("button", name="Reactie plaatsen").first.click()
    expect(member.locator(f"#punt-{first_item.pk} .comments")).to_contain_text(comment)
    reaction = MinutesComment.objects.get()
    assert (reaction.author, reaction.item_id) == (partner, first_item.pk)

    # The comment period ends and the next meeting is held (dates moved back rather than waited for).
    back = datetime.timedelta(days=91)
    MeetingPage.objects.filter(pk=overleg.pk).update(starts_at=F("starts_at") - back, ends_at=F("ends_at") - back)
    Minutes.objects.filter(pk=minutes.pk).update(comments_until=timezone.now() - datetime.timedelta(days=70))
    next_meeting = meeting("KEN", title="Platformoverleg Kennemerland zomer", starts_in_days=-0.01, items=1)

    # Working the comment in: "not worked in" without saying why is refused, the amended text kept ...
    sec.goto(minutes_url)
    sec.get_by_role("link", name="Aanpassen na de reacties").click()
    amended = first_text + "\n- Staatsbosbeheer neemt de parken in Bloemendaal mee."
    sec.get_by_label("Verslag bij ‘Opening en mededelingen’").fill(amended)
    sec.get_by_label("Niet verwerkt").check()
    sec.get_by_role("button", name="Opslaan en indieners inlichten").click()
    expect(sec.locator(f"#note-{reaction.pk}-fout")).to_have_text(
        "Leg de indiener uit waarom de reactie niet is verwerkt."
    )
    expect(sec.get_by_label("Verslag bij ‘Opening en mededelingen’")).to_have_value(amended)
    expect(sec.get_by_label("Niet verwerkt")).to_be_checked()
    reaction.refresh_from_db()
    assert reaction.resolution == "" and minutes.versions.filter(snapshot__event="amended").count() == 0
    # ... then it is worked in.
    sec.get_by_label("Verwerkt in de tekst").check()
    sec.get_by_role("button", name="Opslaan en indieners inlichten").click()
    expect(sec.get_by_text("1 reactie beantwoord; 1 indiener ingelicht.")).to_be_visible()
    reaction.refresh_from_db()
    first_item.refresh_from_db()
    assert reaction.resolution == MinutesComment.Resolution.WORKED_IN
    assert "<li>Staatsbosbeheer neemt de parken in Bloemendaal mee.</li>" in first_item.text

    # Adopted in the next meeting, the one held since.
    sec.get_by_label("Vastgesteld in het overleg van").select_option(value=str(next_meeting.pk))
    sec.get_by_role("button", name="Notulen vaststellen").click()
    expect(sec.locator("[data-minutes-status]")).to_have_attribute("data-minutes-status", "adopted")
    minutes.refresh_from_db()
    assert (minutes.status, minutes.adopted_at_meeting_id) == (Minutes.Status.ADOPTED, next_meeting.pk)
    assert MeetingPage.objects.get(pk=overleg.pk).status == MeetingPage.Status.MINUTES_ADOPTED

    # 3. A partner's contribution: the partner submits it from the front end ...
    member.goto(f"{live.url}/bijdragen/nieuw/")
    member.get_by_label("Best practice").check()
    member.get_by_role("textbox", name="Titel").fill("Samen schouwen op recreatieparken")
    member.get_by_label("Samenvatting").fill("Gemeente, politie en Staatsbosbeheer schouwen twee keer per jaar samen.")
    member.get_by_label("Uw verhaal").fill(
        "We lopen samen over het park.\nWie iets ziet, zegt het meteen.\n\n- vooraf een kaart\n- achteraf een verslag"
    )
    member.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(member).to_have_url(f"{live.url}/bijdragen/")
    contribution = KnowledgePage.objects.get(title="Samen schouwen op recreatieparken")
    assert not contribution.live

    # ... the secretariat follows the notification into the page editor ...
    sec.goto(f"{live.url}/meldingen/")
    sec.get_by_role("link", name="Nieuwe bijdrage ter beoordeling: Samen schouwen op recreatieparken").click()
    expect(sec).to_have_url(f"{live.url}/beheer/pages/{contribution.pk}/edit/")
    expect(sec.get_by_role("heading", name="Bewerk Best practice: Samen schouwen op recreatieparken")).to_be_visible()
    expect(sec.get_by_role("textbox", name="Samenvatting*")).to_have_value(
        "Gemeente, politie en Staatsbosbeheer schouwen twee keer per jaar samen."
    )
    revisions = contribution.revisions.count()
    intro = "Gemeente, politie en Staatsbosbeheer schouwen elk voorjaar en najaar samen de parken."
    sec.get_by_role("textbox", name="Samenvatting*").fill(intro)
    # ... and approves it for the districts only, but forgets to say which: refused, nothing published.
    sec.get_by_role("tab", name="Instellingen").click()
    audience = sec.get_by_role("region", name="Wie mag deze pagina zien")
    audience.get_by_role("radio", name="Alleen de gekozen districtsplatforms").check()
    _footer_action(sec, APPROVE)
    expect(sec.get_by_text("De pagina kon niet worden opgeslagen vanwege validatiefouten.")).to_be_visible()
    expect(sec.get_by_role("textbox", name="Samenvatting*")).to_have_value(intro)
    sec.get_by_role("tab", name=re.compile(r"^Instellingen")).click()
    expect(audience.get_by_text("Kies minstens één district als de pagina alleen voor districten is.")).to_be_visible()
    expect(audience.get_by_role("radio", name="Alleen de gekozen districtsplatforms")).to_be_checked()
    stored = KnowledgePage.objects.get(pk=contribution.pk)
    assert not stored.live and stored.intro != intro and stored.revisions.count() == revisions
    assert stored.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    # Kennemerland chosen: approved and published.
    audience.get_by_role("checkbox", name="Kennemerland").check()
    _footer_action(sec, APPROVE)
    expect(sec.locator(".messages")).to_contain_text("Samen schouwen op recreatieparken")
    published = KnowledgePage.objects.get(pk=contribution.pk)
    assert (published.live, published.intro, published.visibility) == (True, intro, "districts")
    assert list(published.visible_districts.values_list("code", flat=True)) == ["KEN"]
    body = published.body[0].value.source
    assert "We lopen samen over het park.<br/>Wie iets ziet, zegt het meteen." in body, body
    assert re.search(r"<ul><li[^>]*>vooraf een kaart</li><li[^>]*>achteraf een verslag</li></ul>", body), body

    # The page is on the front end, for the secretariat and for the partner of Kennemerland.
    for reader in (sec, member):
        reader.goto(f"{live.url}{published.url}")
        expect(reader.get_by_role("heading", name="Samen schouwen op recreatieparken", level=1)).to_be_visible()
        expect(reader.get_by_role("listitem").filter(has_text="achteraf een verslag")).to_be_visible()
    member.goto(f"{live.url}/bijdragen/")
    expect(member.get_by_role("row").filter(has_text="Samen schouwen op recreatieparken")).to_contain_text(
        "Gepubliceerd"
    )
    paragraph = sec.locator("p").filter(has_text="We lopen samen over het park.")
    assert "<br>" in paragraph.inner_html()

    # 4. A CRM import with three broken rows: a phone number, an organisation's name, an e-mail address.
    spaarnwoude = OrganisationFactory(name="Recreatieschap Spaarnwoude")
    path = tmp_path / "contactpersonen.csv"
    path.write_text(
        "Voornaam;Achternaam;Functie;E-mail;Telefoon;Organisatie;Toestemming Wie is wie\n"
        "Anouk;Visser;Toezichthouder;a.visser@example.nl;06-12345678;Recreatieschap Spaarnwoude;ja\n"
        "Bram;de Jong;Boa;b.dejong@example.nl;12ab;Recreatieschap Spaarnwoude;nee\n"
        "Chantal;Bakker;Projectleider;c.bakker@example.nl;020-1234567;Recreatieschap Spaarnwode;ja\n"
        "Dirk;Smit;Handhaver;d.smit@example;;Recreatieschap Spaarnwoude;ja\n",
        encoding="utf-8",
    )
    contacts_before = Contact.objects.count()
    sec.goto(f"{live.url}/beheer/crm/import/")
    sec.get_by_label("contactpersonen").check()
    sec.get_by_label("Bestand").set_input_files(str(path))
    sec.get_by_role("button", name="Voorbeeld bekijken").click()
    expect(sec.locator("[data-import-summary]")).to_have_text("1 nieuw, 0 mogelijk dubbel, 3 met fouten.")
    expect(sec.locator("#err-2-telefoon")).to_have_text(
        "Vul een Nederlands telefoonnummer in, bijvoorbeeld 020-1234567, 06-12345678 of +31 6 12345678."
    )
    expect(sec.locator("#err-3-organisatie")).to_have_text(
        "Onbekende organisatie 'Recreatieschap Spaarnwode'. Controleer de naam of importeer eerst de organisatie."
    )
    expect(sec.locator("#err-4-email")).to_have_text("Voer een geldig e-mailadres in.")
    expect(sec.get_by_role("button", name="Importeren")).to_be_disabled()

    # Repaired in the preview, one of them wrongly at first: still refused, and what was typed stays.
    sec.get_by_label("Rij 2: telefoon").fill("020-12")
    sec.get_by_label("Rij 3: organisatie").fill("Recreatieschap Spaarnwoude")
    sec.get_by_label("Rij 4: e-mail").fill("d.smit@example.nl")
    sec.get_by_role("button", name="Opnieuw controleren").click()
    expect(sec.locator("[data-import-summary]")).to_have_text("3 nieuw, 0 mogelijk dubbel, 1 met fouten.")
    expect(sec.locator("#err-2-telefoon")).to_contain_text("Vul een Nederlands telefoonnummer in")
    expect(sec.get_by_label("Rij 2: telefoon")).to_have_value("020-12")
    assert Contact.objects.count() == contacts_before
    sec.get_by_label("Rij 2: telefoon").fill("020-7654321")
    sec.get_by_role("button", name="Opnieuw controleren").click()
    expect(sec.locator("[data-import-summary]")).to_have_text("4 nieuw, 0 mogelijk dubbel, 0 met fouten.")
    sec.get_by_role("button", name="Importeren").click()
    expect(sec.get_by_text("Import klaar: 4 nieuw, 0 samengevoegd, 0 overgeslagen.")).to_be_visible()

    assert Contact.objects.count() == contacts_before + 4
    imported = Contact.objects.filter(affiliations__organisation=spaarnwoude).order_by("first_name")
    assert [
        (c.first_name, c.last_name, c.function, c.email, c.phone, c.directory_consent, c.invitation_consent)
        for c in imported
    ] == [
        ("Anouk", "Visser", "Toezichthouder", "a.visser@example.nl", "06-12345678", True, False),
        ("Bram", "de Jong", "Boa", "b.dejong@example.nl", "020-7654321", False, False),
        ("Chantal", "Bakker", "Projectleider", "c.bakker@example.nl", "020-1234567", True, False),
        ("Dirk", "Smit", "Handhaver", "d.smit@example.nl", "", True, False),
    ]
    assert server_errors == []
