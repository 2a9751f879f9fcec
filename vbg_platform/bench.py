"""In-process page timings for `make bench`: one JSON line per scenario.

A scenario is one line in SCENARIOS: a request made with django.test.Client, and optionally a setup that
logs a demo user in. Timings leave out the network and the server, so they show what the code costs."""

import math
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from knowledgebase.models import KnowledgePage
from meetings.models import MeetingPage
from search import bench as search_bench
from search.bench import ensure_documents, query_cycle
from stakeholders.models import Organisation
from surveys.bench import ANSWERS, busiest_closed_campaign, fresh_open_campaign
from trainings.bench import bench_session, organisation_for, registration_undo
from vbg_platform.ws_bench import ws_broadcast, ws_broadcast_subject

WARMUP_REQUESTS = 5


@dataclass(frozen=True)
class Scenario:
    request: Callable[[Client], HttpResponse]
    setup: Callable[[Client], None] | None = None
    vendor: str | None = None  # only on this database ("sqlite", "postgresql")


@dataclass(frozen=True)
class Measurement:
    """A figure that is not a page timing (relevance, rebuild speed); returns its own JSON line."""

    measure: Callable[[str], dict]
    vendor: str | None = None


def logged_in_as(email: str) -> Callable[[Client], None]:
    """Setup for a scenario: log the user in and, when their role needs it, count MFA as passed."""

    def setup(client: Client) -> None:
        user = User.objects.get(email__iexact=email)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    return setup


PARTNER = "partner@demo.veiligbuitengebied.nl"
SECRETARIAT = "secretariaat@demo.veiligbuitengebied.nl"


def _page_found_once(find_url: Callable[[], str], who: str) -> Scenario:
    """A page looked up once in the setup: the lookup is the bench's work, not the timed request's (its
    queries counted in the page's figure until issue #22)."""
    url: list[str] = []

    def setup(client: Client) -> None:
        logged_in_as(who)(client)
        url.append(find_url())

    return Scenario(lambda client: client.get(url[-1]), setup=setup)


def _liander_page() -> str:
    """The profile of an organisation on all three platforms: the busiest organisation page."""
    organisation = Organisation.objects.filter(partner_type__code="liander").order_by("pk").first()
    return f"/wie-is-wie/organisaties/{organisation.pk}/"


def _busiest_article() -> str:
    """A partners-only article with the most shared themes: the heaviest related-pages block."""
    return KnowledgePage.objects.live().filter(visibility="partners").order_by("pk").first().url


def _next_meeting() -> str:
    """The partner's next Kennemerland meeting: its agenda lists every open action item of the district."""
    from django.utils import timezone

    meeting = (
        MeetingPage.objects.live()
        .filter(url_path__contains="/platform-ken/", starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    return meeting.url


def _search_scenario(vendor: str) -> Scenario:
    """The search page with a mix of one-word, multi-word, faceted and misspelt queries, over at least
    20,000 documents."""
    queries = query_cycle()

    def setup(client: Client) -> None:
        ensure_documents()
        logged_in_as(PARTNER)(client)

    return Scenario(lambda client: client.get("/zoeken/", next(queries)), setup=setup, vendor=vendor)


def _search_measurement(kind: str, vendor: str | None) -> Measurement:
    figures = {
        "relevance": search_bench.relevance,
        "heldout": search_bench.heldout_relevance,
        "rebuild": search_bench.rebuild_speed,
    }

    def measure(name: str) -> dict:
        search_bench.ensure_documents()
        return figures[kind](name)

    return Measurement(measure, vendor=vendor)


def _last_years_report(client: Client) -> HttpResponse:
    """The Stuurgroep report of last year, the one the secretariat prepares at the start of a year."""
    from django.utils import timezone

    return client.get(f"/voortgang/rapportage/{timezone.localdate().year - 1}/stuurgroep.pdf")


def _survey_submit() -> Scenario:
    """One complete response: the code from the letter, then the filled-in questionnaire (two requests)."""
    codes: list[str] = []

    def setup(client: Client) -> None:
        codes.extend(fresh_open_campaign(count=WARMUP_REQUESTS + 2000))

    def request(client: Client) -> HttpResponse:
        client.post("/vragenlijst/", {"code": codes.pop(), "website": ""})
        return client.post("/vragenlijst/invullen/", {**ANSWERS, "action": "versturen"})

    return Scenario(request, setup=setup)


def _survey_results() -> Scenario:
    """The results page of the demo campaign with the most responses (2,000 at BENCH_SCALE=10)."""
    url: list[str] = []

    def setup(client: Client) -> None:
        logged_in_as(SECRETARIAT)(client)
        url.append(f"/enquetes/{busiest_closed_campaign().pk}/resultaten")

    return Scenario(lambda client: client.get(url[-1]), setup=setup)


def _training_register() -> Scenario:
    """The partner opens a session's registration page and registers (GET and POST, goal p95 <= 60 ms); the
    registration is then removed again (one query) so every round registers for real."""
    state: dict = {}

    def setup(client: Client) -> None:
        logged_in_as(PARTNER)(client)
        user = User.objects.get(email__iexact=PARTNER)
        session = bench_session()
        registration_undo(session=session, user=user)
        state.update(user=user, session=session, organisation=organisation_for(user))

    def request(client: Client) -> HttpResponse:
        url = f"/trainingen/sessie/{state['session'].pk}/aanmelden/"
        page = client.get(url)
        if page.status_code != 200:
            return page
        response = client.post(url, {"organisation": state["organisation"]})
        registration_undo(session=state["session"], user=state["user"])
        return response

    return Scenario(request, setup=setup)


SCENARIOS: dict[str, Scenario | Measurement] = {
    "home": Scenario(lambda client: client.get("/")),
    # The start pages ("Mijn overzicht") with the most lists: a partner's and the secretariat's.
    "start_partner": Scenario(lambda client: client.get("/"), setup=logged_in_as(PARTNER)),
    "start_secretariat": Scenario(lambda client: client.get("/"), setup=logged_in_as(SECRETARIAT)),
    "login": Scenario(lambda client: client.get("/account/inloggen/")),
    "directory": Scenario(lambda client: client.get("/wie-is-wie/"), setup=logged_in_as(PARTNER)),
    "directory_search": Scenario(
        lambda client: client.get("/wie-is-wie/", {"q": "jan", "fragment": "1"}), setup=logged_in_as(PARTNER)
    ),
    "organisation_page": _page_found_once(_liander_page, PARTNER),
    "kb_index": Scenario(lambda client: client.get("/kennisbank/"), setup=logged_in_as(PARTNER)),
    "kb_article": _page_found_once(_busiest_article, PARTNER),
    "joint_action_list": Scenario(lambda client: client.get("/integrale-acties/"), setup=logged_in_as(PARTNER)),
    "meeting_page": _page_found_once(_next_meeting, PARTNER),
    "action_list": Scenario(lambda client: client.get("/actiepunten/"), setup=logged_in_as(PARTNER)),
    "referral_list_coach": Scenario(
        lambda client: client.get("/doorverwijzingen/"), setup=logged_in_as("coach@demo.veiligbuitengebied.nl")
    ),
    # The secretariat's view is the heaviest: it adds the module 5 counts with their suppression.
    "progress_dashboard": Scenario(lambda client: client.get("/voortgang/"), setup=logged_in_as(SECRETARIAT)),
    "progress_report_pdf": Scenario(_last_years_report, setup=logged_in_as(SECRETARIAT)),
    "survey_submit": _survey_submit(),
    "survey_results": _survey_results(),
    "training_register": _training_register(),
    "search_sqlite": _search_scenario("sqlite"),
    "search_pg": _search_scenario("postgresql"),
    "search_relevance_sqlite": _search_measurement("relevance", "sqlite"),
    "search_relevance_pg": _search_measurement("relevance", "postgresql"),
    # Issue #21: the held-out judged set (tests/search/heldout/), loaded beside the demo content for the run.
    "search_relevance_heldout_sqlite": _search_measurement("heldout", "sqlite"),
    "search_relevance_heldout_pg": _search_measurement("heldout", "postgresql"),
    "search_rebuild": _search_measurement("rebuild", None),
    "ws_broadcast": Measurement(ws_broadcast),
    "ws_broadcast_subject": Measurement(ws_broadcast_subject),
}


def names_for_this_database() -> list[str]:
    return [name for name, s in SCENARIOS.items() if s.vendor in (None, connection.vendor)]


def _percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile: always a measured value, also for few requests."""
    rank = max(math.ceil(percent / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def scenario_run(*, name: str, requests: int) -> dict:
    scenario = SCENARIOS[name]
    if scenario.vendor not in (None, connection.vendor):
        return {"name": name, "skipped": f"needs {scenario.vendor}, this run is on {connection.vendor}", "status": 200}
    if isinstance(scenario, Measurement):
        return {**scenario.measure(name), "status": 200}
    client = Client()
    if scenario.setup:
        scenario.setup(client)
    statuses = [scenario.request(client).status_code for _ in range(WARMUP_REQUESTS)]
    timings = []
    for number in range(requests):
        capture = CaptureQueriesContext(connection) if number == requests - 1 else nullcontext()
        with capture:
            started = time.perf_counter()
            statuses.append(scenario.request(client).status_code)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "name": name,
        "p50_ms": round(_percentile(timings, 50), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "queries": len(capture.captured_queries),
        "requests": requests,
        # An error anywhere in the run is what is reported, not the last (maybe lucky) response.
        "status": next((status for status in statuses if status >= 400), statuses[-1]),
    }


def bench_run(*, names: list[str], requests: int) -> Iterator[dict]:
    """Each named page, timed in this process."""
    for name in names:
        yield scenario_run(name=name, requests=requests)
