"""Issue #19, "tests that keep it true": one journey per member role. Each person logs in once through the real
login form (with the code step where their role needs it) and then submits every front-end form of their role:
once with good values, after which the database holds exactly what was chosen, and once with bad ones (an empty
required field, a date in the future, a choice that is not on offer), after which a Dutch message shows, what was
typed is still in the fields and nothing was stored. Everyone but the Beheerder gets a 404 from the admin.

One page per role and one test per role keep the file fast; each form is a helper, so a failure names it."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import RoleGrant
from core.roles import Role
from knowledgebase.models import ContentFlag, JointAction, KnowledgePage
from meetings.models import Attendance, Invitation, MinutesComment
from meetings.services import minutes as minutes_services
from monitoring.models import Participation
from notifications.models import Preference
from referrals.access_log import access_log_write
from referrals.models import Referral, ReferralNote, VulnerableLocation
from referrals.services import coach_assign, location_create, referral_create
from stakeholders.models import Contact, Municipality, Theme
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting
from tests.referrals.conftest import HAARLEM, aov_of
from tests.stakeholders.factories import MembershipFactory

REQUIRED = "Dit is een verplicht veld."
# The admin's doors, without and with an object or a search in them.
ADMIN_URLS = ("/beheer/", "/beheer/pages/", "/beheer/choose-page/search/?q=overleg", "/beheer/users/")


def _today() -> datetime.date:
    """Read when a step asks, never at import (a run crossing midnight)."""
    return timezone.localdate()


def _sign_in(page, live, user) -> None:
    """The real login form; the code step only where the role needs it (a Partner's does not)."""
    _log_in(page, live, user, confirmed_totp_device(user) if user.requires_mfa else None)


def _admin_is_a_404(page, live) -> None:
    """A logged-in user without admin access: the portal's 404, no redirect (Wagtail's login loop)."""
    for path in ADMIN_URLS:
        response = page.goto(f"{live.url}{path}")
        assert response.status == 404, (path, response.status)
        assert response.request.redirected_from is None, path
        expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()


def _error(page, text: str):
    """A Dutch error beside a field or above the form."""
    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=5000)


def _inject_option(page, select, value: str) -> None:
    """A choice the form does not offer (an old tab, a hand-made request): added to the list and chosen."""
    select.evaluate(
        "(el, value) => { const o = new Option(value, value); el.add(o); el.value = value; }",
        value,
    )


# --- Partner -------------------------------------------------------------------------------------------------


def _partner_world(make_user):
    partner = make_user(Role.PARTNER, district="KEN", first_name="Petra", last_name="Partner")
    secretary = make_user(Role.SECRETARIAT, district=None)
    contact = partner.contact
    contact.invitation_consent = True
    contact.save(update_fields=["invitation_consent"])
    upcoming = meeting("KEN", title="Platformoverleg Kennemerland maart", starts_in_days=10)
    Invitation.objects.create(meeting=upcoming, contact=contact)
    held = meeting("KEN", title="Platformoverleg Kennemerland januari", starts_in_days=-7, items=2)
    Attendance.objects.create(meeting=held, contact=contact, present=True)
    minutes = minutes_services.minutes_start(user=secretary, meeting=held)
    first = minutes.items.order_by("sort_order").first()
    minutes_services.minutes_save(user=secretary, minutes=minutes, texts={first.pk: "Welkom en mededelingen."})
    minutes_services.minutes_publish(user=secretary, minutes=minutes, comment_days=14)
    flagged = article("Buitengebied: wie belt u bij dumping?", visibility="partners")
    return partner, upcoming, held, first, flagged


def _partner_my_data(page, live, partner) -> None:
    page.goto(f"{live.url}/mijn-gegevens/")
    contact = Contact.objects.get(pk=partner.contact_id)
    page.get_by_label("Functie").fill("Beleidsadviseur veiligheid")
    page.get_by_label("E-mailadres").fill("petra-at-voorbeeld")
    page.get_by_role("button", name="Opslaan").click()
    _error(page, "Voer een geldig e-mailadres in.")
    expect(page.get_by_label("Functie")).to_have_value("Beleidsadviseur veiligheid")
    expect(page.get_by_label("E-mailadres")).to_have_value("petra-at-voorbeeld")
    assert Contact.objects.get(pk=contact.pk).function == contact.function

    page.get_by_label("E-mailadres").fill("petra@voorbeeld.nl")
    page.get_by_label("Telefoonnummer").fill("023 123 4567")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Uw gegevens zijn opgeslagen.")).to_be_visible()
    saved = Contact.objects.get(pk=contact.pk)
    assert (saved.function, saved.email) == ("Beleidsadviseur veiligheid", "petra@voorbeeld.nl")


def _partner_preferences(page, live, partner) -> None:
    page.goto(f"{live.url}/meldingen/voorkeuren/")
    themes = page.get_by_role("group", name="Thema's volgen")
    themes.get_by_label("Drugsafval en drugsdumping").select_option(label="Dagelijkse samenvatting per e-mail")
    before = Preference.objects.count()
    first_event = page.get_by_role("group", name="Soorten meldingen").get_by_role("combobox").first
    _inject_option(page, first_event, "elk_uur")
    page.get_by_role("button", name="Voorkeuren opslaan").click()
    _error(page, "Selecteer een geldige keuze.")
    themes = page.get_by_role("group", name="Thema's volgen")
    expect(themes.get_by_label("Drugsafval en drugsdumping")).to_have_value("daily")
    assert Preference.objects.count() == before

    page.get_by_role("button", name="Voorkeuren opslaan").click()
    expect(page.get_by_text("Uw meldingsvoorkeuren zijn opgeslagen.")).to_be_visible()
    [preference] = Preference.objects.filter(user=partner)
    assert (preference.theme, preference.delivery) == (Theme.objects.get(code="drugsafval"), "daily")


def _partner_contribution(page, live, partner) -> None:
    page.goto(f"{live.url}/bijdragen/nieuw/")
    before = KnowledgePage.objects.count()
    page.get_by_label("Best practice").check()
    page.get_by_label("Samenvatting").fill("Boeren melden dumping via één nummer.")
    page.get_by_label("Uw verhaal").fill("## Wat hebben we gedaan\n\nEén meldnummer voor alle partners.")
    page.get_by_label("Drugsafval en drugsdumping").check()
    page.get_by_role("button", name="Concept bewaren").click()
    _error(page, REQUIRED)
    expect(page.get_by_label("Samenvatting")).to_have_value("Boeren melden dumping via één nummer.")
    expect(page.get_by_label("Uw verhaal")).to_have_value(re.compile("Eén meldnummer voor alle partners"))
    expect(page.get_by_label("Drugsafval en drugsdumping")).to_be_checked()
    assert KnowledgePage.objects.count() == before

    page.get_by_role("textbox", name="Titel").fill("Eén meldnummer voor drugsdumping")
    page.get_by_role("button", name="Concept bewaren").click()
    expect(page.get_by_text("Uw concept is bewaard.")).to_be_visible()
    assert KnowledgePage.objects.count() == before + 1
    draft = KnowledgePage.objects.get(title="Eén meldnummer voor drugsdumping").specific
    assert draft.intro == "Boeren melden dumping via één nummer." and not draft.live
    assert [t.code for t in draft.themes.all()] == ["drugsafval"]


def _partner_invitation(page, live, partner, upcoming) -> None:
    page.goto(f"{live.url}{upcoming.url}")
    answer = page.locator("#aanmelden")
    answer.get_by_label("Ik stuur een vervanger").check()
    answer.get_by_role("button", name="Antwoord opslaan").click()
    _error(page, "Vul de naam van uw vervanger in.")
    expect(page.locator("#aanmelden").get_by_label("Ik stuur een vervanger")).to_be_checked()
    invitation = Invitation.objects.get(meeting=upcoming, contact=partner.contact)
    assert invitation.response == Invitation.Response.PENDING

    answer = page.locator("#aanmelden")
    answer.get_by_label("Naam van de vervanger").fill("Kees Kennemer")
    answer.get_by_role("button", name="Antwoord opslaan").click()
    expect(page.get_by_text("Dank u, uw antwoord is opgeslagen.")).to_be_visible()
    invitation.refresh_from_db()
    assert (invitation.response, invitation.deputy_name) == (Invitation.Response.DEPUTY, "Kees Kennemer")


def _partner_minutes_comment(page, live, held, item) -> None:
    page.goto(f"{live.url}/overleg/{held.pk}/notulen/")
    box = page.get_by_label(f"Uw reactie op ‘{item.title}’")
    box.fill("   ")
    page.locator(f"#punt-{item.pk}").get_by_role("button", name="Reactie plaatsen").click()
    _error(page, REQUIRED)
    assert MinutesComment.objects.count() == 0

    box = page.get_by_label(f"Uw reactie op ‘{item.title}’")
    box.fill("De mededeling over de subsidie ontbreekt.")
    page.locator(f"#punt-{item.pk}").get_by_role("button", name="Reactie plaatsen").click()
    expect(page.get_by_text("Uw reactie is geplaatst.")).to_be_visible()
    [comment] = MinutesComment.objects.all()
    assert (comment.item_id, comment.text) == (item.pk, "De mededeling over de subsidie ontbreekt.")


def _partner_content_flag(page, live, flagged) -> None:
    page.goto(f"{live.url}{flagged.url}")
    page.get_by_label("Wat moet er worden bijgewerkt?").fill("   ")
    page.get_by_role("button", name="Meld aan het secretariaat").click()
    # Beside the field it is about, after the redirect back to the page; the field says it is invalid.
    expect(page.locator("#bijwerken #flag-fout")).to_have_text("Schrijf kort wat er niet meer klopt.")
    expect(page.get_by_label("Wat moet er worden bijgewerkt?")).to_have_attribute("aria-invalid", "true")
    assert ContentFlag.objects.count() == 0

    page.get_by_label("Wat moet er worden bijgewerkt?").fill("Het meldnummer is veranderd.")
    page.get_by_role("button", name="Meld aan het secretariaat").click()
    expect(page.get_by_text("Dank u. Het secretariaat kijkt ernaar.")).to_be_visible()
    [flag] = ContentFlag.objects.all()
    assert (flag.page_id, flag.comment) == (flagged.pk, "Het meldnummer is veranderd.")


def test_partner_submits_every_form_of_the_role(live, page, make_user):
    partner, upcoming, held, item, flagged = _partner_world(make_user)
    assert not partner.requires_mfa
    _sign_in(page, live, partner)
    _partner_my_data(page, live, partner)
    _partner_preferences(page, live, partner)
    _partner_contribution(page, live, partner)
    _partner_invitation(page, live, partner, upcoming)
    _partner_minutes_comment(page, live, held, item)
    _partner_content_flag(page, live, flagged)
    _admin_is_a_404(page, live)


# --- AOV -----------------------------------------------------------------------------------------------------


def _aov_joint_action(page, live, aov) -> None:
    for name in ("Brandweer Kennemerland", "Liander", "PWN"):
        MembershipFactory(organisation__name=name)
    page.goto(f"{live.url}/integrale-acties/nieuw/")
    tomorrow = _today() + datetime.timedelta(days=1)
    page.get_by_label("Datum").fill(tomorrow.isoformat())
    page.get_by_label(re.compile(r"^\s*Gemeente\s*\*?\s*$")).select_option(label="Haarlem")
    page.get_by_label("Gebied").fill("Spaarndam")
    page.get_by_label("Aantal bezochte locaties").fill("9")
    organisations = page.locator("[data-choice-options]")
    for name in ("Liander", "PWN"):
        organisations.get_by_label(re.compile(rf"^\s*{name}\b")).check()
    page.get_by_role("button", name="Opslaan").click()
    _error(page, "de datum ligt in de toekomst")
    expect(page.get_by_label("Datum")).to_have_value(tomorrow.isoformat())
    expect(page.get_by_label("Gebied")).to_have_value("Spaarndam")
    for name in ("Liander", "PWN"):
        expect(page.locator("[data-choice-options]").get_by_label(re.compile(rf"^\s*{name}\b"))).to_be_checked()
    assert JointAction.objects.count() == 0

    yesterday = _today() - datetime.timedelta(days=1)
    page.get_by_label("Datum").fill(yesterday.isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Integrale actie: Spaarndam, Haarlem")).to_be_visible()
    action = JointAction.objects.get()
    assert (action.date, action.area, action.premises_visited) == (yesterday, "Spaarndam", 9)
    assert sorted(action.organisations.values_list("name", flat=True)) == ["Liander", "PWN"]
    assert action.lead_aov == aov


def _aov_location_and_referral(page, live) -> None:
    page.goto(f"{live.url}/doorverwijzingen/locaties/nieuw/")
    page.get_by_label("Gemeente").select_option(label="Haarlem")
    page.get_by_label("Soort pand").select_option("schuur")
    page.get_by_label("Leegstand").check()
    page.get_by_label("Bron").select_option("wijkagent")
    page.get_by_label("Adres").fill("Zuiderweg 4, Spaarndam")
    page.get_by_role("button", name="Opslaan").click()
    _error(page, REQUIRED)
    expect(page.get_by_label("Adres")).to_have_value("Zuiderweg 4, Spaarndam")
    expect(page.get_by_label("Leegstand")).to_be_checked()
    assert VulnerableLocation.objects.count() == 0

    page.get_by_label("Naam eigenaar").fill("Hanneke Hoeve")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De locatie is vastgelegd.")).to_be_visible()
    location = VulnerableLocation.objects.get()
    assert (location.owner_name, location.address, location.signals) == (
        "Hanneke Hoeve",
        "Zuiderweg 4, Spaarndam",
        ["leegstand"],
    )
    assert location.municipality.cbs_code == HAARLEM

    page.get_by_label("Reden van de doorverwijzing").fill("Leegstand en een vreemd huuraanbod.")
    page.get_by_label("De eigenaar stemt in met contact door een coach").check()
    page.get_by_role("button", name="Doorverwijzen").click()
    _error(page, REQUIRED)
    expect(page.get_by_label("Reden van de doorverwijzing")).to_have_value("Leegstand en een vreemd huuraanbod.")
    expect(page.get_by_label("De eigenaar stemt in met contact door een coach")).to_be_checked()
    assert Referral.objects.count() == 0

    page.get_by_label(re.compile("Toestemming van de eigenaar")).check()
    page.get_by_role("button", name="Doorverwijzen").click()
    expect(page.get_by_text("De eigenaar is doorverwezen.")).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.reason, referral.owner_consent, referral.legal_basis, referral.location) == (
        "Leegstand en een vreemd huuraanbod.",
        True,
        "toestemming",
        location,
    )


def _aov_module_progress(page, live) -> None:
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    before = Participation.objects.count()
    page.goto(f"{live.url}/voortgang/{HAARLEM}/module-1/")
    page.get_by_label("Gestart", exact=True).check()
    page.get_by_label("Gestart op").fill((_today() + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Toelichting").fill("Eerste gesprekken met de wijkagenten.")
    page.get_by_role("button", name="Opslaan").click()
    _error(page, "Kies een datum tussen 1 januari 2021")
    expect(page.get_by_label("Toelichting")).to_have_value("Eerste gesprekken met de wijkagenten.")
    expect(page.get_by_label("Gestart", exact=True)).to_be_checked()
    assert Participation.objects.count() == before

    started = _today() - datetime.timedelta(days=20)
    page.get_by_label("Gestart op").fill(started.isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De voortgang van Haarlem is opgeslagen.")).to_be_visible()
    participation = Participation.objects.get(municipality=haarlem, module__number=1)
    assert (participation.status, participation.started_on, participation.notes) == (
        "gestart",
        started,
        "Eerste gesprekken met de wijkagenten.",
    )


def test_aov_submits_every_form_of_the_role(live, page, make_user):
    aov = aov_of(make_user, HAARLEM, "KEN")
    _sign_in(page, live, aov)
    _aov_joint_action(page, live, aov)
    _aov_location_and_referral(page, live)
    _aov_module_progress(page, live)
    _admin_is_a_404(page, live)


# --- Coach, coördinator and privacy officer --------------------------------------------------------------------


def _referral(make_user, *, owner: str = "Hanneke Hoeve"):
    """A location in Haarlem, referred by its AOV (through the services: the AOV's forms are tested above)."""
    aov = aov_of(make_user, HAARLEM, "KEN")
    location = location_create(
        user=aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="schuur",
        signals=["leegstand"],
        source="wijkagent",
        address="Zuiderweg 4, Spaarndam",
        owner_name=owner,
        owner_contact="06-12345678",
    )
    referral = referral_create(
        user=aov, location=location, reason="Leegstand en schulden.", owner_consent=True, legal_basis="toestemming"
    )
    return aov, location, referral


def _status_form_submit(page, status: str, **fields) -> None:
    page.get_by_label("Nieuwe status").select_option(status)
    for label, value in fields.items():
        page.get_by_label(label.replace("_", " ")).fill(value)
    page.get_by_role("button", name="Status opslaan").click()


def _coach_status_changes(page, live, referral) -> None:
    detail = f"{live.url}/doorverwijzingen/{referral.pk}/"
    page.goto(detail)
    # A status that may not follow now (an old tab): the service's Dutch message, nothing changed.
    _inject_option(page, page.get_by_label("Nieuwe status"), "vervolg")
    page.get_by_label("Toelichting").fill("Telefonisch bereikt.")
    page.get_by_role("button", name="Status opslaan").click()
    _error(page, "Van 'Toegewezen' kan een doorverwijzing niet naar 'Vervolg'.")
    expect(page.get_by_label("Toelichting")).to_have_value("Telefonisch bereikt.")
    assert Referral.objects.get(pk=referral.pk).status == "toegewezen"

    _status_form_submit(page, "contact_gelegd")
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == "contact_gelegd"

    tomorrow = _today() + datetime.timedelta(days=1)
    page.get_by_label("Nieuwe status").select_option("eerste_gesprek")
    page.get_by_label("Datum eerste gesprek").fill(tomorrow.isoformat())
    page.get_by_label("Eerste gesprek betaald door NHSV").uncheck()
    page.get_by_label("Toelichting").fill("Op het erf gesproken.")
    page.get_by_role("button", name="Status opslaan").click()
    _error(page, "De datum van het eerste gesprek ligt in de toekomst")
    expect(page.get_by_label("Nieuwe status")).to_have_value("eerste_gesprek")
    expect(page.get_by_label("Datum eerste gesprek")).to_have_value(tomorrow.isoformat())
    expect(page.get_by_label("Eerste gesprek betaald door NHSV")).not_to_be_checked()
    expect(page.get_by_label("Toelichting")).to_have_value("Op het erf gesproken.")
    assert Referral.objects.get(pk=referral.pk).status == "contact_gelegd"

    yesterday = _today() - datetime.timedelta(days=1)
    page.get_by_label("Datum eerste gesprek").fill(yesterday.isoformat())
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.first_conversation_on, stored.first_conversation_paid) == (
        "eerste_gesprek",
        yesterday,
        False,
    )

    page.get_by_label("Nieuwe status").select_option("vervolg")
    page.get_by_label("Vervolg", exact=True).select_option("hulpverlening")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.follow_up) == ("vervolg", "hulpverlening")

    page.get_by_label("Nieuwe status").select_option("afgesloten")
    outcome = page.get_by_label("Uitkomst")
    chosen = outcome.locator("option").nth(1).get_attribute("value")
    outcome.select_option(chosen)
    page.get_by_role("button", name="Status opslaan").click()
    _error(page, "toelichting")
    expect(page.get_by_label("Uitkomst")).to_have_value(chosen)
    assert Referral.objects.get(pk=referral.pk).status == "vervolg"
    page.get_by_label("Toelichting").fill("Schulden geregeld met de hulpverlening.")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.outcome) == ("afgesloten", chosen)
    assert stored.status_changes.order_by("-at", "-pk").first().text == "Schulden geregeld met de hulpverlening."


def _coach_note(page, live, referral) -> None:
    note_form = page.locator("#notitie")
    note_form.get_by_role("button", name="Toevoegen").click()
    _error(page, REQUIRED)
    assert ReferralNote.objects.count() == 0
    page.locator("#notitie").locator("textarea").fill("Volgende week samen naar de bank.")
    page.locator("#notitie").get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("Volgende week samen naar de bank.")).to_be_visible()
    [note] = ReferralNote.objects.all()
    assert (note.referral_id, note.text) == (referral.pk, "Volgende week samen naar de bank.")


def test_coach_moves_an_assigned_referral_through_the_allowed_statuses(live, page, make_user):
    _aov, _location, referral = _referral(make_user)
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach = make_user(Role.COACH, district=None, first_name="Carla", last_name="Coach")
    coach_assign(user=coordinator, referral=referral, coach=coach)
    _sign_in(page, live, coach)
    _coach_status_changes(page, live, referral)
    _coach_note(page, live, referral)
    _admin_is_a_404(page, live)


def _coordinator_refers(page, live, location) -> None:
    page.goto(f"{live.url}/doorverwijzingen/locaties/{location.pk}/")
    page.get_by_label("Reden van de doorverwijzing").fill("Gemeld door de wijkagent.")
    page.get_by_role("button", name="Doorverwijzen").click()
    _error(page, REQUIRED)
    expect(page.get_by_label("Reden van de doorverwijzing")).to_have_value("Gemeld door de wijkagent.")
    assert not Referral.objects.filter(location=location).exists()
    page.get_by_label(re.compile("Publieke taak van de gemeente")).check()
    page.get_by_role("button", name="Doorverwijzen").click()
    expect(page.get_by_text("De eigenaar is doorverwezen.")).to_be_visible()
    referral = Referral.objects.get(location=location)
    assert (referral.reason, referral.legal_basis, referral.coach) == (
        "Gemeld door de wijkagent.",
        Referral.LegalBasis.PUBLIC_TASK,
        None,
    )


def _coordinator_assigns(page, live, referral, coach) -> None:
    page.goto(f"{live.url}/doorverwijzingen/{referral.pk}/")
    expect(page.get_by_role("heading", name="Status wijzigen")).to_have_count(0)  # reads the status only
    expect(page.get_by_label("Nieuwe status")).to_have_count(0)
    page.get_by_role("button", name="Toewijzen").click()
    _error(page, REQUIRED)
    assert Referral.objects.get(pk=referral.pk).coach is None
    page.get_by_label("Coach").select_option(label="Carla Coach")
    page.get_by_role("button", name="Toewijzen").click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.coach, stored.status) == (coach, "toegewezen")
    expect(page.locator("dl.facts")).to_contain_text("Toegewezen")
    expect(page.get_by_role("heading", name="Status wijzigen")).to_have_count(0)


def test_coordinator_refers_and_assigns_but_reads_the_status_only(live, page, make_user):
    _aov, _location, referral = _referral(make_user)
    unreferred = location_create(
        user=_aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="loods",
        signals=["financiele_nood"],
        source="wijkagent",
        address="Noorderweg 9, Spaarndam",
        owner_name="Bert Boer",
    )
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach = make_user(Role.COACH, district=None, first_name="Carla", last_name="Coach")
    _sign_in(page, live, coordinator)
    _coordinator_refers(page, live, unreferred)
    _coordinator_assigns(page, live, referral, coach)
    _admin_is_a_404(page, live)


def _privacy_officer_owner_request(page, live, location) -> None:
    page.goto(f"{live.url}/doorverwijzingen/verzoek-betrokkene/")
    page.get_by_label("Zoek op").select_option(label="Naam eigenaar")
    page.get_by_label("Waarde").fill("Hanneke")  # a part finds nothing
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("status")).to_have_text("0 locaties gevonden.")
    page.get_by_label("Waarde").fill("hanneke  HOEVE")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("status")).to_have_text("1 locatie gevonden.")

    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren (JSON)").click()
    exported = download.value.path().read_text(encoding="utf-8")
    assert "Hanneke Hoeve" in exported and "Zuiderweg 4, Spaarndam" in exported

    page.get_by_role("button", name="Wissen").click()  # without the tick
    _error(page, "Er is niets gewist. Vink eerst aan dat u weet dat wissen niet ongedaan kan worden.")
    expect(page.get_by_label("Waarde")).to_have_value("hanneke  HOEVE")
    expect(page.get_by_label("Zoek op")).to_have_value("owner_name")
    assert VulnerableLocation.objects.filter(pk=location.pk).exists()
    assert Referral.objects.filter(location=location).exists()

    page.get_by_label("Ik weet dat wissen niet ongedaan kan worden").check()
    page.get_by_role("button", name="Wissen").click()
    expect(page.get_by_text("Gewist: 1 locatie(s) met hun doorverwijzingen.")).to_be_visible()
    assert not VulnerableLocation.objects.filter(pk=location.pk).exists()
    assert not Referral.objects.filter(location_id=location.pk).exists()


def _privacy_officer_access_log(page, live, referral_id: str, rows: int) -> None:
    page.goto(f"{live.url}/doorverwijzingen/toegangslog/")
    page.get_by_label("Object").fill(referral_id)
    page.get_by_label("Resultaat").select_option("allowed")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_text(f"Regel 1 tot en met 100 van {rows}, nieuwste eerst.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(100)
    page.get_by_role("navigation", name="Paginering").get_by_role("link", name="Volgende").click()
    expect(page.get_by_text(f"Regel 101 tot en met {rows} van {rows}, nieuwste eerst.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(rows - 100)
    expect(page.get_by_label("Object")).to_have_value(referral_id)  # the filter stays on the next page
    expect(page.get_by_label("Resultaat")).to_have_value("allowed")
    expect(page.get_by_text("De keten van het log is heel.")).to_be_visible()


def _privacy_officer_role_grant(page, live, grant) -> None:
    page.goto(f"{live.url}/account/roltoekenningen/")
    card = page.locator("section.card").filter(has_text=str(grant.user))
    card.get_by_label("Toelichting").fill("Nieuwe coach voor Kennemerland.")
    card.get_by_role("button", name="Goedkeuren").click()
    expect(page.get_by_text("Uw besluit is vastgelegd.")).to_be_visible()
    grant.refresh_from_db()
    assert (grant.status, grant.decision_note) == (RoleGrant.Status.APPROVED, "Nieuwe coach voor Kennemerland.")
    assert Role.COACH in type(grant.user).objects.get(pk=grant.user_id).roles


def test_privacy_officer_handles_a_data_subject_request_pages_the_log_and_decides_a_grant(live, page, make_user):
    from accounts.services import role_grant_request

    _aov, location, referral = _referral(make_user)
    coach = make_user(Role.COACH, district=None)
    for _ in range(119):
        access_log_write(user=coach, object_type="referral", object_id=referral.pk, action="view", result="allowed")
    access_log_write(user=coach, object_type="referral", object_id=referral.pk, action="view", result="denied")
    admin = make_user(Role.ADMIN, district=None)
    grant = role_grant_request(
        actor=admin, user=make_user(Role.PARTNER, district="KEN"), role=Role.COACH, reason="Nieuwe coach."
    )
    privacy_officer = make_user(Role.PRIVACY_OFFICER, district=None)
    _sign_in(page, live, privacy_officer)
    _privacy_officer_access_log(page, live, str(referral.pk), 119)
    _privacy_officer_owner_request(page, live, location)
    _privacy_officer_role_grant(page, live, grant)
    _admin_is_a_404(page, live)


# --- Beheerder -----------------------------------------------------------------------------------------------


def _form_with(page, button: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=button))


def _beheerder_roles(page, live, subject) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers en rollen").click()
    page.get_by_role("search").get_by_role("textbox").fill(subject.last_name)
    page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name=subject.get_full_name()).click()
    expect(page.get_by_role("heading", name=subject.get_full_name(), level=1)).to_be_visible()

    roles = _form_with(page, "Toekennen of aanvragen")
    roles.get_by_label("Rol").select_option(label="Coach")
    roles.get_by_role("button", name="Toekennen of aanvragen").click()
    _error(page, "Geef een reden op.")
    expect(_form_with(page, "Toekennen of aanvragen").get_by_label("Rol")).to_have_value("coach")
    assert not RoleGrant.objects.exists()

    roles = _form_with(page, "Toekennen of aanvragen")
    roles.get_by_label("Reden").fill("Gaat coachen in Kennemerland.")
    roles.get_by_role("button", name="Toekennen of aanvragen").click()
    expect(page.get_by_text("De aanvraag ligt nu bij de privacy officer.")).to_be_visible()
    [grant] = RoleGrant.objects.all()
    assert (grant.user, grant.role, grant.reason, grant.status) == (
        subject,
        Role.COACH,
        "Gaat coachen in Kennemerland.",
        RoleGrant.Status.REQUESTED,
    )
    assert Role.COACH not in type(subject).objects.get(pk=subject.pk).roles  # four eyes: not yet

    roles = _form_with(page, "Toekennen of aanvragen")
    roles.get_by_label("Rol").select_option(label="AOV")
    roles.get_by_role("button", name="Toekennen of aanvragen").click()
    expect(page.get_by_text("De rol is toegekend.")).to_be_visible()
    assert type(subject).objects.get(pk=subject.pk).roles == {Role.PARTNER, Role.AOV}


def _beheerder_mfa_reset(page, live, subject, device) -> None:
    reset = _form_with(page, "MFA herstellen")
    reset.get_by_role("button", name="MFA herstellen").click()
    _error(page, REQUIRED)
    assert type(device).objects.filter(pk=device.pk).exists()
    reset = _form_with(page, "MFA herstellen")
    reset.get_by_label("Reden").fill("Telefoon en herstelcodes kwijt.")
    reset.get_by_role("button", name="MFA herstellen").click()
    expect(page.get_by_text("MFA is hersteld.")).to_be_visible()
    assert not type(device).objects.filter(user=subject, confirmed=True).exists()


def _beheerder_admin_shows_no_hidden_content(page, live, subject, hidden_titles) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheeromgeving").click()
    expect(page).to_have_url(re.compile(r"/beheer/users/$"))
    page.goto(f"{live.url}/beheer/users/?q={subject.last_name}")
    expect(page.get_by_text(subject.email).first).to_be_visible()
    for title in hidden_titles:  # the chooser and the page search: the portal's 404, without the title
        for path in ("/beheer/choose-page/search/?q=", "/beheer/pages/search/?q="):
            response = page.goto(f"{live.url}{path}{title}")
            assert response.status == 404, (path, response.status)
            assert title not in page.content(), (path, title)


def test_beheerder_manages_roles_and_sees_no_hidden_page_in_the_admin(live, page, make_user):
    hidden_titles = ("Kennemerlandse aanpak", "Geheim overleg")
    article(hidden_titles[0], visibility="districts", districts=("KEN",))
    meeting("KEN", title=hidden_titles[1])
    subject = make_user(Role.PARTNER, district="KEN", first_name="Sanne", last_name="Subject")
    device = confirmed_totp_device(subject)
    beheerder = make_user(Role.ADMIN, district=None)
    _sign_in(page, live, beheerder)
    _beheerder_roles(page, live, subject)
    _beheerder_mfa_reset(page, live, subject, device)
    _beheerder_admin_shows_no_hidden_content(page, live, subject, hidden_titles)
