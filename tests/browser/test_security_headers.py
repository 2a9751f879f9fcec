"""Security headers and the Content Security Policy, checked in a real browser on one page of every page type.

Each page must carry a CSP (the front end without 'unsafe-inline' in script-src; the Wagtail admin has its
own policy, core/middleware.py), nosniff, a Referrer-Policy, framing protection and a Permissions-Policy, and
the browser must report no CSP violation while loading it: a `securitypolicyviolation` listener injected
before any page script runs, and Chromium's console messages, catch both blocked scripts and blocked inline
styles. Logged-in pages must stay out of shared caches; the referral register is no-store."""

import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from knowledgebase.models import KnowledgeIndexPage, MaterialsIndexPage
from stakeholders.models import Municipality
from tests.accounts.factories import confirmed_totp_device
from tests.browser.test_foundation_journeys import _log_in
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting
from tests.referrals.conftest import HAARLEM, aov_of

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP report of the browser collected in page.csp_console."""
    page.csp_console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: page.csp_console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return page


def _visit(page, url: str, *, admin: bool = False, logged_in: bool = False, no_store: bool = False) -> list[str]:
    """Problems found on one page, each naming it; empty when all is well."""
    page.csp_console.clear()
    response = page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # violation events are dispatched after the fact
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    problems = []
    if response is None or response.status != 200:
        return [f"/{path}: status {response and response.status}"]
    if page.url.split("?")[0] != url.split("?")[0]:
        return [f"/{path}: ended on {page.url}"]
    headers = response.all_headers()
    csp = headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    if not csp:
        problems.append("no Content-Security-Policy")
    elif admin:
        if directives.get("frame-ancestors") != ["'self'"]:
            problems.append(f"admin policy expected, got {csp}")
    else:
        if "'unsafe-inline'" in directives.get("script-src", ["'unsafe-inline'"]):
            problems.append(f"script-src allows inline script: {csp}")
        if "'unsafe-inline'" in directives.get("style-src", []):
            problems.append(f"style-src allows inline style: {csp}")
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append("frame-ancestors is not 'none'")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    if headers.get("x-frame-options") not in ("DENY", "SAMEORIGIN") and "frame-ancestors" not in directives:
        problems.append("no framing protection")
    if not headers.get("permissions-policy"):
        problems.append("no Permissions-Policy")
    cache_control = headers.get("cache-control", "")
    if no_store and "no-store" not in cache_control:
        problems.append(f"Cache-Control {cache_control!r} lacks no-store")
    elif logged_in and not ({"private", "no-store"} & set(re.split(r"[,\s]+", cache_control))):
        problems.append(f"Cache-Control {cache_control!r} lets shared caches keep a logged-in page")
    reported = page.evaluate("window.__cspViolations || []") + page.csp_console
    problems += [f"CSP violation: {violation}" for violation in reported]
    return [f"/{path}: {problem}" for problem in problems]


def test_public_pages(live, watched):
    story = article("Hennepkwekerij in een schuur", visibility="public")
    pages = [
        "/",
        story.url,
        KnowledgeIndexPage.objects.get().url,
        MaterialsIndexPage.objects.get().url,
        "/privacyverklaring/",
        "/account/inloggen/",
        "/vragenlijst/",
    ]
    problems = [problem for path in pages for problem in _visit(watched, f"{live.url}{path}")]
    assert not problems, "\n".join(problems)


def test_partner_pages(live, watched, make_user):
    partner = make_user(Role.PARTNER, district="KEN")
    overleg = meeting("KEN", title="Platformoverleg Kennemerland najaar")
    article("Hennepkwekerij in een schuur", visibility="partners")
    _log_in(watched, live, partner)
    expect(watched.get_by_role("button", name="Uitloggen")).to_be_visible()
    problems = []
    for path in ["/wie-is-wie/", overleg.url, "/meldingen/", "/account/"]:
        problems += _visit(watched, f"{live.url}{path}", logged_in=True)
    problems += _visit(watched, f"{live.url}/zoeken/?q=hennepkwekerij", logged_in=True)
    expect(watched.locator(".search-hit").first).to_be_visible()  # the search page with results
    assert not problems, "\n".join(problems)


def test_secretariat_pages_with_mfa(live, watched, make_user):
    secretary = make_user(Role.SECRETARIAT, district=None)
    _log_in(watched, live, secretary, confirmed_totp_device(secretary))
    problems = _visit(watched, f"{live.url}/voortgang/", logged_in=True)
    problems += _visit(watched, f"{live.url}/beheer/", admin=True, logged_in=True)
    assert not problems, "\n".join(problems)


def test_referral_page_as_the_coach_with_mfa(live, watched, make_user, in_server):
    from referrals.services import coach_assign, location_create, referral_create

    aov = aov_of(make_user, HAARLEM, "KEN")
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach = make_user(Role.COACH, district=None)
    location = in_server(
        location_create,
        user=aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="schuur",
        signals=["leegstand"],
        source="wijkagent",
        address="Polderweg 12, Spaarndam",
        owner_name="Jan de Boer",
    )
    referral = in_server(
        referral_create, user=aov, location=location, reason="Schulden.", owner_consent=True, legal_basis="toestemming"
    )
    in_server(coach_assign, user=coordinator, referral=referral, coach=coach)
    _log_in(watched, live, coach, confirmed_totp_device(coach))
    problems = _visit(watched, f"{live.url}/doorverwijzingen/{referral.pk}/", no_store=True)
    expect(watched.get_by_text("Jan de Boer")).to_be_visible()
    problems += _visit(watched, f"{live.url}/doorverwijzingen/", no_store=True)
    assert not problems, "\n".join(problems)
