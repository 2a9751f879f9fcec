"""The knowledge base journeys, as an AOV, the secretariat, a partner and a stranger do them in a browser:
an integrale actie becomes a lesson, goes through review in the Wagtail workflow and is published for
partners only.

The secretariat works in the real Wagtail page editor: the workflow actions sit in the footer's "more
actions" dropdown; "Wijzigingsverzoek" (Request changes) opens a modal for the comment, "Goedkeuren en
publiceren" (Approve) posts the edit form at once. The labels are matched in Dutch and English, as
Wagtail's translations name them."""

import datetime
import re

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from core.roles import Role
from knowledgebase.models import JointAction, LessonPage
from stakeholders.models import District, Municipality
from tests.accounts.factories import confirmed_totp_device
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.test_foundation_journeys import _log_in, _serious_violations
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory

HAARLEM = "GM0392"  # on the KEN platform


def _yesterday() -> datetime.date:
    """Read when a test asks, never at import (a run crossing midnight)."""
    return datetime.date.today() - datetime.timedelta(days=1)


def _lesson_title() -> str:
    return f"Lessen uit de integrale actie in Spaarndam ({_yesterday():%d-%m-%Y})"


MORE_ACTIONS = re.compile(r"^(Meer acties|More actions)$")
REQUEST_CHANGES = re.compile(r"^(Wijzigingsverzoek|Verzoek om wijzigingen|Request changes)$")
APPROVE = re.compile(r"^(Goedkeuren en publiceren|Goedkeuren|Approve and publish|Approve)$")


@pytest.fixture
def new_page(browser):
    """A page in a fresh browser context (its own cookies) for each further person; closed afterwards."""
    contexts = []

    def _new():
        context = browser.new_context(locale="nl-NL")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        return page

    yield _new
    for context in contexts:
        context.close()


def _aov_of_haarlem(make_user):
    """An AOV whose contact works at the municipality of Haarlem, which sits on the KEN platform
    (stakeholders.permissions.aov_municipality_ids_for)."""
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    gemeente = OrganisationFactory(name="Gemeente Haarlem", municipal=True, municipality=haarlem)
    MembershipFactory(organisation=gemeente, district=District.objects.get(code="KEN"))
    user = make_user(Role.AOV, district=None)
    user.contact = AffiliationFactory(organisation=gemeente, contact=ContactFactory()).contact
    user.save(update_fields=["contact"])
    return user


def _workflow_action(page, live, page_id: int, action, comment: str | None = None) -> None:
    """The secretariat opens the page in the Wagtail editor and picks a workflow action in the footer."""
    page.goto(f"{live.url}/beheer/pages/{page_id}/edit/")
    footer = page.get_by_role("navigation", name=re.compile(r"^(Acties|Actions) \(footer\)$"))
    footer.get_by_role("button", name=MORE_ACTIONS).click()
    footer.get_by_role("button", name=action).click()
    if comment is not None:
        modal = page.get_by_role("dialog")
        expect(modal.get_by_role("heading", name=action)).to_be_visible()
        modal.get_by_label(re.compile(r"^\s*(Opmerking|Comment)\s*$")).fill(comment)
        modal.get_by_role("button", name=action).click()
    # Wagtail's confirmation after any action through the editor: "Pagina '<title>' is gewijzigd."
    expect(page.locator(".messages")).to_contain_text(_lesson_title())


def test_joint_action_becomes_a_lesson_reviewed_and_read_by_partners(live, page, new_page, make_user):
    aov = _aov_of_haarlem(make_user)
    secretary = make_user(Role.SECRETARIAT, district=None)
    partner = make_user(Role.PARTNER, district="KEN")

    # The AOV records the integrale actie for their own municipality.
    aov_page = page
    _log_in(aov_page, live, aov, confirmed_totp_device(aov))
    aov_page.goto(f"{live.url}/integrale-acties/")
    aov_page.get_by_role("link", name="Integrale actie vastleggen").click()
    expect(aov_page).to_have_url(re.compile(r"/integrale-acties/nieuw/$"))
    aov_page.get_by_label("Datum").fill(_yesterday().isoformat())
    # Exactly "Gemeente": the participating organisations include "Gemeente Haarlem".
    aov_page.get_by_label(re.compile(r"^\s*Gemeente\s*\*?\s*$")).select_option(label="Haarlem")
    aov_page.get_by_label("Gebied").fill("Spaarndam")
    aov_page.get_by_label("Aantal bezochte locaties").fill("12")
    aov_page.get_by_label("Hennepkwekerij").fill("2")
    aov_page.get_by_label("Leegstand").fill("1")
    aov_page.get_by_role("button", name="Opslaan").click()
    expect(aov_page.get_by_role("heading", name="Integrale actie: Spaarndam, Haarlem")).to_be_visible()
    action = JointAction.objects.get()
    assert (action.municipality.cbs_code, action.lead_aov) == (HAARLEM, aov)
    assert (action.premises_visited, action.found_cannabis, action.found_vacancy) == (12, 2, 1)

    # ... makes a lesson of it (a draft, prefilled from the register), completes it and submits it.
    aov_page.get_by_role("button", name="Maak er een les van").click()
    expect(aov_page).to_have_url(re.compile(r"/bijdragen/\d+/$"))
    page_id = int(re.search(r"/bijdragen/(\d+)/$", aov_page.url).group(1))
    contribution_url = f"{live.url}/bijdragen/{page_id}/"
    story = aov_page.get_by_label("Uw verhaal")
    expect(story).to_have_value(re.compile(r"## Wat ging goed"))
    expect(story).to_have_value(re.compile(r"12 locaties in Spaarndam \(gemeente Haarlem\)"))
    story.fill(
        story.input_value().replace("## Wat ging goed", "## Wat ging goed\n\nPolitie en gemeente liepen samen op.")
    )
    aov_page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(aov_page).to_have_url(f"{live.url}/bijdragen/")
    expect(aov_page.get_by_role("row").filter(has_text=_lesson_title())).to_contain_text("Wacht op beoordeling")
    lesson = LessonPage.objects.get(pk=page_id)
    assert not lesson.live and lesson.joint_action == action

    # The secretariat asks for a change, with a comment, in the Wagtail workflow.
    sec_page = new_page()
    _log_in(sec_page, live, secretary, confirmed_totp_device(secretary))
    _workflow_action(sec_page, live, page_id, REQUEST_CHANGES, comment="Noem ook wat beter kon.")
    assert LessonPage.objects.get(pk=page_id).current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES

    # The AOV sees it on the bell without reloading, follows the notification and reads the comment.
    expect(aov_page.locator("[data-bell] [data-unread-count]")).to_have_text("1")
    aov_page.goto(f"{live.url}/meldingen/")
    aov_page.get_by_role("link", name=re.compile(r"^Het secretariaat vraagt een aanpassing")).click()
    expect(aov_page).to_have_url(contribution_url)
    expect(aov_page.get_by_role("alert")).to_contain_text("Noem ook wat beter kon.")
    # The sections survive the round trip through the Wagtail editor (its features include h2).
    story = aov_page.get_by_label("Uw verhaal")
    expect(story).to_have_value(re.compile(r"## Wat ging goed\n\nPolitie en gemeente liepen samen op\."))
    expect(story).to_have_value(re.compile(r"## Wat kon beter\n"))
    story.fill(
        story.input_value().replace(
            "## Wat kon beter", "## Wat kon beter\n\nDe terugkoppeling aan de partners kwam te laat."
        )
    )
    aov_page.get_by_role("button", name="Indienen ter beoordeling").click()
    expect(aov_page.get_by_role("row").filter(has_text=_lesson_title())).to_contain_text("Wacht op beoordeling")

    # The secretariat approves: published, for partners only (the default visibility of a contribution).
    _workflow_action(sec_page, live, page_id, APPROVE)
    lesson = LessonPage.objects.get(pk=page_id)
    assert lesson.live and lesson.visibility == "partners"
    assert re.search(
        r"<h2[^>]*>Wat kon beter</h2><p[^>]*>De terugkoppeling aan de partners kwam te laat\.</p>",
        lesson.body[0].value.source,
    ), lesson.body[0].value.source
    article_path = lesson.url
    aov_page.goto(f"{live.url}/bijdragen/")
    expect(aov_page.get_by_role("row").filter(has_text=_lesson_title())).to_contain_text("Gepubliceerd")

    # A stranger finds it nowhere, and its address sends them to log in.
    stranger = new_page()
    stranger.goto(f"{live.url}/kennisbank/")
    expect(stranger.get_by_role("heading", name="Kennisbank", level=1)).to_be_visible()
    expect(stranger.get_by_text("Spaarndam")).to_have_count(0)
    feed = stranger.request.get(f"{live.url}/feeds/kennisbank.xml")
    assert feed.ok and "Spaarndam" not in feed.text() and article_path not in feed.text()
    sitemap = stranger.request.get(f"{live.url}/sitemap.xml")
    assert sitemap.ok and "/kennisbank/" in sitemap.text() and article_path not in sitemap.text()
    stranger.goto(f"{live.url}{article_path}")
    expect(stranger).to_have_url(re.compile(r"/account/inloggen/\?next="))
    expect(stranger.get_by_text("De terugkoppeling aan de partners")).to_have_count(0)

    # A partner finds it in the knowledge base and says it was useful.
    reader = new_page()
    _log_in(reader, live, partner)
    reader.goto(f"{live.url}/kennisbank/")
    assert _serious_violations(reader) == []
    reader.get_by_role("link", name=_lesson_title()).click()
    expect(reader).to_have_url(f"{live.url}{article_path}")
    expect(reader.get_by_role("heading", name=_lesson_title(), level=1)).to_be_visible()
    expect(reader.get_by_text("Alleen voor partners")).to_be_visible()
    for section in ("Wat hebben we gedaan", "Wat ging goed", "Wat kon beter", "Wat nemen we mee"):
        expect(reader.get_by_role("heading", name=section, level=2)).to_be_visible()
    expect(reader.get_by_text("De terugkoppeling aan de partners kwam te laat.")).to_be_visible()
    assert _serious_violations(reader) == []
    helpful = reader.locator("#nuttig")
    expect(helpful).to_contain_text("0 keer ja, 0 keer nee.")
    helpful.get_by_role("button", name="Ja", exact=True).click()
    expect(helpful).to_contain_text("1 keer ja, 0 keer nee.")
    expect(helpful.get_by_role("button", name="Ja", exact=True)).to_have_attribute("aria-pressed", "true")

    reader.goto(f"{live.url}/integrale-acties/")
    expect(reader.get_by_role("link", name=re.compile(r"Spaarndam, Haarlem"))).to_be_visible()
    assert _serious_violations(reader) == []
