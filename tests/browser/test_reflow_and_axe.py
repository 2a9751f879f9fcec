"""Issue #20: phones and WCAG 2.1 AA beyond a single page. For every role, every page type that role can open is
measured at 320 and 1,280 CSS px: nothing scrolls sideways (WCAG 1.4.10 reflow) and axe-core (WCAG 2.0/2.1 A
and AA) finds nothing serious or critical. On a 320x640 phone the header with the collapsed menu takes less than a
fifth of the height, and the menu opens from the keyboard without JavaScript of ours.

One browser, one login per role, the pages in a loop; each test reports every failing page at once."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from knowledgebase.models import JointAction
from meetings.models import Attendance
from meetings.services import actions as action_services
from meetings.services import minutes as minutes_services
from referrals.services import coach_assign, location_create, referral_create
from stakeholders.models import Affiliation, District, Municipality
from surveys.models import Campaign
from tests.browser.test_role_journeys import _sign_in
from tests.evenings.conftest import evening
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting
from tests.referrals.conftest import HAARLEM, aov_of
from tests.trainings.conftest import training_session

WIDTHS = {320: 640, 1280: 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A long Dutch compound and a long address: what widened pages before.
LONG_AREA = "Polder Assendelft-Noord en de Westzanerpolder (erfbetredingen bij leegstaande agrarische opstallen)"


def _world(make_user):
    """One of each page type, with the long names and many columns of real use; the people who reach them."""
    secretary = make_user(Role.SECRETARIAT, district=None)
    aov = aov_of(make_user, HAARLEM, "KEN")
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach = make_user(Role.COACH, district=None)
    for contact in Affiliation.objects.values_list("contact", flat=True):
        Affiliation.objects.filter(contact=contact).update(is_representative=False)
    organisation = Affiliation.objects.filter(contact=aov.contact).first().organisation
    article("Drugsafval in het buitengebied: melden, opruimen en de kosten verhalen", visibility="public")
    held = meeting("KEN", title="Platformoverleg Kennemerland, eerste kwartaal", starts_in_days=-7, items=3)
    upcoming = meeting("KEN", title="Platformoverleg Kennemerland, tweede kwartaal", starts_in_days=20, items=3)
    action_services.decision_add(user=secretary, meeting=held, text="Het platform stelt de werkagenda vast.")
    action_services.action_item_add(
        user=secretary,
        meeting=held,
        description="Toezichthouders delen hun signalen van leegstand met de wijkagent.",
        owner_organisation=organisation,
    )
    Attendance.objects.create(meeting=held, contact=aov.contact, present=True)
    minutes = minutes_services.minutes_start(user=secretary, meeting=held)
    first = minutes.items.order_by("sort_order").first()
    minutes_services.minutes_save(user=secretary, minutes=minutes, texts={first.pk: "Welkom en mededelingen."})
    minutes_services.minutes_publish(user=secretary, minutes=minutes, comment_days=14)
    joint = JointAction.objects.create(
        date=timezone.localdate() - datetime.timedelta(days=30),
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        district=District.objects.get(code="KEN"),
        area=LONG_AREA,
        lead_aov=aov,
        premises_visited=24,
        found_cannabis=2,
        found_drug_waste=1,
    )
    location = location_create(
        user=aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="schuur",
        signals=["leegstand"],
        source="wijkagent",
        address="Zuiderweg 4, Spaarndam",
        owner_name="Hanneke Hoeve",
        owner_contact="hanneke.hoeve-vanderwaals@agrarischbedrijfspaarndam.nl",
    )
    referral = referral_create(
        user=aov, location=location, reason="Leegstand en schulden.", owner_consent=True, legal_basis="toestemming"
    )
    coach_assign(user=coordinator, referral=referral, coach=coach)
    unreferred = location_create(
        user=aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="loods",
        signals=["financiele_nood"],
        source="wijkagent",
        address="Kerkweg 12, Spaarndam",
        owner_name="Piet Polder",
        owner_contact="06-12345678",
    )
    coming_evening = evening(title=f"Informatieavond {LONG_AREA}", place=LONG_AREA)
    session = training_session(title="Voorlichting professionals, Amsterdam (drugsopstelling en VR-experience)")
    business_park = Campaign.objects.create(
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        area=Campaign.Area.BUSINESS_PARK,
        title=f"Enquête bedrijventerrein {LONG_AREA}",
        opens_on=timezone.localdate() + datetime.timedelta(days=7),
        closes_on=timezone.localdate() + datetime.timedelta(days=40),
        mayor_name="Jos Wienen",
        letter_text="Geachte ondernemer,",
    )
    year = timezone.localdate().year
    pages = [
        "/",
        "/account/",
        "/mijn-gegevens/",
        "/meldingen/",
        "/meldingen/voorkeuren/",
        "/zoeken/?q=drugsafval",
        "/privacyverklaring/",
        "/toegankelijkheidsverklaring/",
        "/kennisbank/",
        "/materialen/",
        "/mijn-agenda/",
        "/wie-is-wie/",
        f"/wie-is-wie/organisaties/{organisation.pk}/",
        "/platforms/",
        held.get_parent().url,
        held.url,
        upcoming.url,
        f"/overleg/{held.pk}/notulen/",
        f"/overleg/{held.pk}/notulen/versies/",
        "/actiepunten/",
        "/integrale-acties/",
        f"/integrale-acties/{joint.pk}/",
        "/integrale-acties/nieuw/",
        "/bijdragen/",
        "/voortgang/",
        f"/voortgang/{HAARLEM}/",
        f"/voortgang/rapportage/{year}/",
        "/doorverwijzingen/",
        f"/doorverwijzingen/locaties/{unreferred.pk}/",
        f"/doorverwijzingen/{referral.pk}/",
        "/doorverwijzingen/cijfers/",
        "/doorverwijzingen/toegangslog/",
        "/doorverwijzingen/verzoek-betrokkene/",
        "/enquetes/",
        *[f"/enquetes/{pk}/" for pk in Campaign.objects.values_list("pk", flat=True)[:1]],
        f"/enquetes/{business_park.pk}/",
        "/enquetes/nieuw/",
        "/informatieavonden/",
        f"/informatieavonden/{coming_evening.slug}/",
        "/informatieavonden/organiseren/",
        f"/informatieavonden/organiseren/{coming_evening.pk}/",
        "/informatieavonden/organiseren/nieuw/",
        "/trainingen/",
        f"/trainingen/sessie/{session.pk}/",
        f"/trainingen/sessie/{session.pk}/aanmelden/",
        f"/trainingen/sessie/{session.pk}/collega-aanmelden/",
        "/trainingen/e-learning/",
        "/account/gebruikers/",
        f"/account/gebruikers/{secretary.pk}/",
        "/account/roltoekenningen/",
        "/account/uitnodigen/",
    ]
    people = {
        Role.SECRETARIAT: secretary,
        Role.AOV: aov,
        Role.COACH_COORDINATOR: coordinator,
        Role.COACH: coach,
    }
    return people, pages


def _serious(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({len(v['nodes'])}x)"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _header_fits_a_phone(page, live) -> list[str]:
    """Collapsed, the header and menu stay under a fifth of 640 px; Enter on the summary opens the menu."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live.url}/")
    problems = []
    height = page.locator(".site-header").evaluate("el => el.getBoundingClientRect().height")
    if height >= 640 / 5:
        problems.append(f"header {height:.0f} px high at 320x640 (limit 128)")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav).to_be_hidden()
    summary = page.locator("summary.menu-button")
    summary.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    expect(page.locator("details.site-menu")).to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(nav).to_be_hidden()
    return problems


@pytest.mark.parametrize(
    "role",
    [Role.PARTNER, Role.AOV, Role.SECRETARIAT, Role.COACH, Role.COACH_COORDINATOR, Role.PRIVACY_OFFICER, Role.ADMIN],
)
def test_every_page_of_the_role_reflows_and_passes_axe(live, page, make_user, role):
    people, pages = _world(make_user)
    user = people.get(role) or make_user(role, district="KEN" if role == Role.PARTNER else None)
    _sign_in(page, live, user)
    failures = _header_fits_a_phone(page, live)
    measured = []
    for path in pages:
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(f"{live.url}{path}")
            if response.status != 200 or "/account/inloggen/" in page.url:
                break  # not this role's page (a 404, or sent elsewhere): nothing to measure
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll_width > inner_width:
                failures.append(f"{path} at {width}px: {scroll_width}px wide")
            serious = _serious(page)
            if serious:
                failures.append(f"{path} at {width}px: axe {', '.join(serious)}")
            measured.append(path)
    print(f"\nreflow+axe {role}: {len(set(measured))} page types at 320 and 1280 px, {len(failures)} problems")
    assert len(set(measured)) >= 8, f"too few pages reached for {role}: {sorted(set(measured))}"
    assert failures == [], "\n".join(failures)
