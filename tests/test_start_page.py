"""The start page ("Mijn overzicht"): each role lands on its own lists, every item is one the person may open
(asked of the owning app's permissions module), other districts', municipalities' and roles' items never show,
an empty list says what to do next, and the number of queries stays fixed."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from wagtail.models import WorkflowState

from core.roles import Role
from knowledgebase import services as knowledge_services
from knowledgebase.models import JointAction, KnowledgePage
from knowledgebase.permissions import knowledge_pages_visible_to, user_can_edit_contribution
from meetings.models import ActionItem, Invitation, MeetingPage, Minutes
from meetings.permissions import action_items_visible_to, meetings_visible_to, user_can_answer_invitation
from referrals.models import AccessLogEntry, Referral
from referrals.permissions import referrals_visible_to
from stakeholders.models import Municipality
from surveys.models import Campaign
from surveys.permissions import campaigns_visible_to
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting
from tests.referrals.conftest import ALKMAAR, HAARLEM, aov_of

pytestmark = pytest.mark.django_db

MAX_QUERIES = 31  # 30, plus one for the information evenings (both of their lists share it)


@pytest.fixture
def login(login_with_mfa):
    def _login(user) -> Client:
        client = Client()
        login_with_mfa(client, user)
        return client

    return _login


def _sections(response) -> dict[str, BeautifulSoup]:
    assert response.status_code == 200, response.content[:500]
    soup = BeautifulSoup(response.content, "html.parser")
    return {section["id"]: section for section in soup.select("section.start-section")}


def _links(section) -> list[tuple[str, str]]:
    return [(a.get_text(strip=True), a["href"]) for a in section.select(".start-list a")]


def _titles(section) -> list[str]:
    return [title for title, _href in _links(section)]


def _empty_hint(section) -> str:
    hint = section.select_one(".start-empty")
    return hint.get_text(strip=True) if hint else ""


def _start_page(client, django_assert_max_num_queries, limit: int = MAX_QUERIES):
    """Counted once the site's routing is cached (any page fills it), as on every request but the first."""
    assert client.get("/kennisbank/").status_code == 200
    with django_assert_max_num_queries(limit):
        return client.get("/")


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


# --- Partner -------------------------------------------------------------------------------------------------


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def secretary(make_user):
    return make_user(Role.SECRETARIAT, district=None)


def _returned_contribution(partner, secretary, title="Buurtapp in de polder"):
    page = knowledge_services.contribution_create(
        user=partner,
        kind="best_practice",
        title=title,
        intro="Een buurtapp.",
        text="Wij startten een app.",
        taxonomy={},
    )
    knowledge_services.contribution_submit(user=partner, page=page)
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk)).current_task_state
    state.task.specific.on_action(state, secretary, "reject", comment="Noem ook de resultaten.")
    return KnowledgePage.objects.get(pk=page.pk)


def test_a_partner_sees_their_invitations_actions_meetings_contributions_and_new_pages(
    partner, secretary, make_user, login, django_assert_max_num_queries
):
    own = meeting("KEN", title="Platform Kennemerland voorjaar", starts_in_days=10)
    Invitation.objects.create(meeting=own, contact=partner.contact)
    answered = meeting("KEN", title="Platform Kennemerland zomer", starts_in_days=40)
    Invitation.objects.create(meeting=answered, contact=partner.contact, response=Invitation.Response.ATTENDING)
    elsewhere = meeting("NHN", title="Platform Noord voorjaar", starts_in_days=5)
    Invitation.objects.create(meeting=elsewhere, contact=partner.contact)  # invited, but not their platform
    past = meeting("KEN", title="Platform Kennemerland winter", starts_in_days=-30)
    overdue = ActionItem.objects.create(
        meeting=past, description="Folder verspreiden", owner_contact=partner.contact, due_date=_yesterday()
    )
    later = ActionItem.objects.create(
        meeting=past,
        description="Schuren in kaart brengen",
        owner_contact=partner.contact,
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )
    ActionItem.objects.create(meeting=past, description="Al klaar", owner_contact=partner.contact, status="afgerond")
    ActionItem.objects.create(meeting=elsewhere, description="Noord-actie", owner_contact=partner.contact)
    ActionItem.objects.create(meeting=past, description="Van een ander", due_date=_yesterday())
    returned = _returned_contribution(partner, secretary)
    public = article("Hennep in de schuur")
    article("Alleen voor Noord", visibility="districts", districts=("NHN",))

    sections = _sections(_start_page(login(partner), django_assert_max_num_queries))

    assert list(sections) == ["invitations", "my_actions", "next_meetings", "my_contributions", "new_pages"]
    assert _links(sections["invitations"]) == [(own.title, f"{own.url}#aanmelden")]
    assert user_can_answer_invitation(partner, Invitation.objects.get(meeting=own, contact=partner.contact))
    # Overdue first, marked in words as well as by its border; only open items of the partner's own platforms.
    assert _titles(sections["my_actions"]) == ["Folder verspreiden", "Schuren in kaart brengen"]
    first = sections["my_actions"].select_one(".start-list li")
    assert "start-urgent" in first["class"] and "Te laat" in first.get_text()
    assert set(action_items_visible_to(partner).filter(pk__in=[overdue.pk, later.pk])) == {overdue, later}
    assert _titles(sections["next_meetings"]) == [own.title, answered.title]
    assert all(meetings_visible_to(partner).filter(pk=m.pk).exists() for m in (own, answered))
    assert "Platform Noord voorjaar" not in str(sections)
    contribution = sections["my_contributions"]
    assert _links(contribution) == [(returned.title, f"/bijdragen/{returned.pk}/")]
    assert "Noem ook de resultaten." in contribution.get_text()
    assert user_can_edit_contribution(partner, returned)
    assert _titles(sections["new_pages"]) == [public.title]
    assert knowledge_pages_visible_to(partner).filter(pk=public.pk).exists()
    for section in sections.values():
        assert not _empty_hint(section)


def test_a_partner_never_sees_referrals_the_secretariats_work_or_an_aovs_lists(
    partner, login, django_assert_max_num_queries
):
    meeting("KEN", title="Nog zonder agenda", starts_in_days=20)  # the secretariat's "voorbereiden" list
    page = _sections(_start_page(login(partner), django_assert_max_num_queries))
    for key in (
        "sent_referrals",
        "referrals_next_step",
        "unassigned_referrals",
        "meetings_to_prepare",
        "overdue_actions",
        "contributions_to_review",
        "review_due",
        "running_campaigns",
        "module_progress",
        "joint_actions",
    ):
        assert key not in page


def test_a_partner_on_an_empty_database_gets_a_hint_in_every_list(partner, login, django_assert_max_num_queries):
    sections = _sections(_start_page(login(partner), django_assert_max_num_queries))
    assert sections
    for key, section in sections.items():
        assert not section.select(".start-list li"), key
        assert _empty_hint(section), key
    assert "U heeft alle uitnodigingen beantwoord" in _empty_hint(sections["invitations"])


def test_new_pages_follow_the_themes_the_partner_follows(partner, login, django_assert_max_num_queries):
    from notifications.models import Preference
    from stakeholders.models import Theme

    hemp = article("Hennep op zolder", themes=("hennep",))
    article("Drugsafval in de sloot", themes=("drugsafval",))
    article("Hennep voor Noord", themes=("hennep",), visibility="districts", districts=("NHN",))
    client = login(partner)
    everything = _sections(_start_page(client, django_assert_max_num_queries))["new_pages"]
    assert set(_titles(everything)) == {"Hennep op zolder", "Drugsafval in de sloot"}  # follows nothing yet

    Preference.objects.create(
        user=partner, event="knowledge.new_page", theme=Theme.objects.get(code="hennep"), delivery="portal"
    )
    followed = _sections(_start_page(client, django_assert_max_num_queries))["new_pages"]
    assert _links(followed) == [(hemp.title, hemp.url)]  # not the other theme, not another district's page

    Preference.objects.filter(user=partner).update(theme=Theme.objects.get(code="synthetisch"))
    nothing = _sections(_start_page(client, django_assert_max_num_queries))["new_pages"]
    assert "thema's die u volgt" in _empty_hint(nothing)


def test_anonymous_visitors_keep_the_public_home_page(client, reference_data):
    article("Hennep in de schuur")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Mijn overzicht" not in response.content and b"start-section" not in response.content
    assert b"Hennep in de schuur" in response.content


def test_the_start_page_is_never_stored_by_a_browser_or_proxy(partner, login):
    response = login(partner).get("/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- AOV -------------------------------------------------------------------------------------------------------


def _referral(aov, *, municipality_code=HAARLEM):
    from referrals.services import location_create, referral_create

    location = location_create(
        user=aov,
        municipality=Municipality.objects.get(cbs_code=municipality_code),
        premises_kind="schuur",
        signals=["leegstand"],
        source="wijkagent",
        address="Polderweg 12, 2000 AA Spaarndam",
        owner_name="Jan de Boer",
        owner_contact="jan@example.nl",
    )
    return referral_create(
        user=aov, location=location, reason="Verdacht huuraanbod.", owner_consent=True, legal_basis="toestemming"
    )


def _joint_action(code: str, area: str) -> JointAction:
    return JointAction.objects.create(
        date=_yesterday(), municipality=Municipality.objects.get(cbs_code=code), area=area, premises_visited=7
    )


def test_an_aov_sees_their_municipality_only(make_user, login, django_assert_max_num_queries):
    aov = aov_of(make_user, HAARLEM, "KEN")
    other = aov_of(make_user, ALKMAAR, "NHN")
    colleague = aov_of(make_user, HAARLEM, "KEN")
    sent = _referral(aov)
    _referral(colleague)  # same municipality, sent by someone else: not "sent by you"
    _referral(other, municipality_code=ALKMAAR)
    own_action = _joint_action(HAARLEM, "Spaarnwoude")
    _joint_action(ALKMAAR, "Schermer")

    sections = _sections(_start_page(login(aov), django_assert_max_num_queries))

    assert {"module_progress", "sent_referrals", "joint_actions", "invitations", "my_actions"} <= set(sections)
    progress = _links(sections["module_progress"])
    assert progress and all("Haarlem" in title for title, _href in progress)
    assert all(href.startswith("/voortgang/GM0392/") for _title, href in progress), progress
    assert "Alkmaar" not in sections["module_progress"].get_text()
    assert _links(sections["sent_referrals"]) == [
        (f"Doorverwijzing {str(sent.pk)[:8]}", f"/doorverwijzingen/{sent.pk}/")
    ]
    assert referrals_visible_to(aov).filter(pk=sent.pk).exists()
    text = sections["sent_referrals"].get_text()
    assert "Aangemeld" in text and "Jan de Boer" not in text and "Polderweg" not in text and "schuur" not in text
    assert _links(sections["joint_actions"]) == [("Haarlem, Spaarnwoude", f"/integrale-acties/{own_action.pk}/")]


def test_an_aov_without_anything_gets_the_hints(make_user, login, django_assert_max_num_queries):
    aov = aov_of(make_user, HAARLEM, "KEN")
    sections = _sections(_start_page(login(aov), django_assert_max_num_queries))
    for key in ("sent_referrals", "joint_actions", "invitations", "my_actions", "next_meetings", "new_pages"):
        assert _empty_hint(sections[key]), key
    assert sections["module_progress"].select(".start-list li")  # every module, "Niet gestart · nog te doen"
    assert "nog te doen" in sections["module_progress"].get_text()


# --- Coach and coördinator ---------------------------------------------------------------------------------------


def test_coach_and_coordinator_see_only_their_referrals_and_each_listing_is_logged(
    make_user, login, django_assert_max_num_queries
):
    from referrals.services import coach_assign

    aov = aov_of(make_user, HAARLEM, "KEN")
    coach = make_user(Role.COACH, district=None)
    other_coach = make_user(Role.COACH, district=None)
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    mine = coach_assign(user=coordinator, referral=_referral(aov), coach=coach)
    theirs = coach_assign(user=coordinator, referral=_referral(aov), coach=other_coach)
    waiting = _referral(aov)

    logged = AccessLogEntry.objects.filter(object_type="referral_list", action="list").count()
    coach_page = _sections(_start_page(login(coach), django_assert_max_num_queries))
    assert [href for _t, href in _links(coach_page["referrals_next_step"])] == [f"/doorverwijzingen/{mine.pk}/"]
    assert "unassigned_referrals" not in coach_page and "sent_referrals" not in coach_page
    assert set(referrals_visible_to(coach)) == {Referral.objects.get(pk=mine.pk)}
    entry = AccessLogEntry.objects.filter(object_type="referral_list", action="list").order_by("-pk").first()
    assert entry.actor_id == coach.pk and entry.result == "allowed"

    coordinator_page = _sections(_start_page(login(coordinator), django_assert_max_num_queries))
    assert [href for _t, href in _links(coordinator_page["unassigned_referrals"])] == [
        f"/doorverwijzingen/{waiting.pk}/"
    ]
    assert {href for _t, href in _links(coordinator_page["referrals_next_step"])} == {
        f"/doorverwijzingen/{mine.pk}/",
        f"/doorverwijzingen/{theirs.pk}/",
    }
    # One entry per start page, like one per view of the register's own list.
    assert AccessLogEntry.objects.filter(object_type="referral_list", action="list").count() == logged + 2
    assert "Jan de Boer" not in str(coordinator_page) and "Polderweg" not in str(coordinator_page)


def test_coach_and_coordinator_on_an_empty_register(make_user, login, django_assert_max_num_queries):
    coach = make_user(Role.COACH, district=None)
    coordinator = make_user(Role.COACH_COORDINATOR, district=None)
    coach_page = _sections(_start_page(login(coach), django_assert_max_num_queries))
    assert _empty_hint(coach_page["referrals_next_step"])
    coordinator_page = _sections(_start_page(login(coordinator), django_assert_max_num_queries))
    assert _empty_hint(coordinator_page["unassigned_referrals"]) and _empty_hint(
        coordinator_page["referrals_next_step"]
    )
    assert "invitations" not in coach_page and "my_actions" not in coordinator_page


# --- Secretariat -------------------------------------------------------------------------------------------------


def test_the_secretariat_sees_the_work_waiting_for_it(
    partner, secretary, make_user, login, django_assert_max_num_queries
):
    to_prepare = meeting("KEN", title="Zonder agenda", starts_in_days=20)
    published = meeting("NHN", title="Met agenda", starts_in_days=25, status=MeetingPage.Status.AGENDA_PUBLISHED)
    in_period = meeting("KEN", title="Notulen in reactietermijn", starts_in_days=-10, status="draft_minutes")
    Minutes.objects.create(
        meeting=in_period, status=Minutes.Status.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=5)
    )
    to_adopt = meeting("NHN", title="Notulen vaststellen", starts_in_days=-40, status="draft_minutes")
    Minutes.objects.create(
        meeting=to_adopt, status=Minutes.Status.PUBLISHED, comments_until=timezone.now() - datetime.timedelta(days=5)
    )
    for description in ("Eén", "Twee"):
        ActionItem.objects.create(meeting=in_period, description=description, due_date=_yesterday())
    ActionItem.objects.create(meeting=to_adopt, description="Drie", due_date=_yesterday())
    ActionItem.objects.create(meeting=to_adopt, description="Op tijd", due_date=timezone.localdate())
    in_review = knowledge_services.contribution_create(
        user=partner, kind="best_practice", title="Ter beoordeling", intro="Kort.", text="Tekst.", taxonomy={}
    )
    knowledge_services.contribution_submit(user=partner, page=in_review)
    stale = article("Verouderd", review_by=timezone.localdate() - datetime.timedelta(days=3))
    article("Actueel")
    campaign = Campaign.objects.create(
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        title="Enquête Haarlem",
        opens_on=_yesterday(),
        closes_on=timezone.localdate() + datetime.timedelta(days=20),
        mayor_name="Jos Wienen",
        letter_text="Beste bewoner,",
        status=Campaign.Status.OPEN,
    )

    sections = _sections(_start_page(login(secretary), django_assert_max_num_queries))

    prepare = sections["meetings_to_prepare"]
    # The agenda first, then the minutes by the end of their comment period: the one to adopt is over.
    assert _titles(prepare) == [to_prepare.title, to_adopt.title, in_period.title]
    assert published.title not in prepare.get_text()
    assert "/notulen/" in dict(_links(prepare))[to_adopt.title]
    assert "vaststellen" in prepare.get_text() and "reageren kan tot" in prepare.get_text()
    overdue = dict(_links(sections["overdue_actions"]))
    assert set(overdue) == {"Kennemerland", "Noord-Holland Noord"}
    assert "2 actiepunten te laat" in sections["overdue_actions"].get_text()
    assert _links(sections["contributions_to_review"]) == [(in_review.title, f"/beheer/pages/{in_review.pk}/edit/")]
    assert _links(sections["review_due"]) == [(stale.title, f"/beheer/pages/{stale.pk}/edit/")]
    assert _links(sections["running_campaigns"]) == [("Haarlem: Enquête Haarlem", f"/enquetes/{campaign.pk}/")]
    assert campaigns_visible_to(secretary).filter(pk=campaign.pk).exists()
    assert "sent_referrals" not in sections and "unassigned_referrals" not in sections
    assert "invitations" not in sections and "my_contributions" not in sections


def test_the_secretariat_on_an_empty_database_gets_the_hints(secretary, login, django_assert_max_num_queries):
    sections = _sections(_start_page(login(secretary), django_assert_max_num_queries))
    for key in ("meetings_to_prepare", "overdue_actions", "contributions_to_review", "review_due", "running_campaigns"):
        assert _empty_hint(sections[key]), key


# --- The secretariat's Wagtail dashboard -----------------------------------------------------------------------


def test_the_admin_dashboard_shows_the_secretariats_work_under_the_portals_name(
    partner, secretary, login, django_assert_max_num_queries
):
    to_prepare = meeting("KEN", title="Zonder agenda", starts_in_days=20)
    stale = article("Verouderd", review_by=timezone.localdate() - datetime.timedelta(days=3))
    client = login(secretary)
    response = client.get("/beheer/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Veilig Buitengebied" in soup.title.get_text() and "Wagtail" not in soup.title.get_text()
    assert "Beheer van Veilig Buitengebied" in soup.h1.get_text()
    # The menu's labels wrap instead of ending in "..." (vbg_platform/static/css/admin.css).
    assert any(link["href"].endswith("css/admin.css") for link in soup.select("link[rel=stylesheet]"))
    panels = {panel["id"].removesuffix("-section"): panel for panel in soup.select("section[id^=start-]")}
    assert {
        "start-meetings_to_prepare",
        "start-overdue_actions",
        "start-contributions_to_review",
        "start-review_due",
        "start-running_campaigns",
    } <= set(panels), list(panels)
    assert to_prepare.title in panels["start-meetings_to_prepare"].get_text()
    assert stale.title in panels["start-review_due"].get_text()
    assert "Er loopt nu geen bewonersenquête" in panels["start-running_campaigns"].get_text()
    # No page, image or document counts: they say nothing about the work.
    assert not soup.select(".w-summary__list")
    # Portal-only lists (invitations, own contributions) are not on the dashboard.
    assert "start-invitations" not in panels and "start-new_pages" not in panels


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AOV, Role.COACH, Role.COACH_COORDINATOR])
def test_the_dashboard_stays_shut_to_everyone_else(role, make_user, login):
    person = make_user(role, district="KEN" if role in (Role.PARTNER, Role.AOV) else None)
    assert login(person).get("/beheer/").status_code == 404
