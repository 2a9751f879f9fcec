"""The audience cache (core.audience_cache) shares a logged-in page among people with the same access, and
never anything that is one person's own: their invitation, vote, menu, bell, messages or CSRF token. A
reader outside the audience, or a page whose audience narrowed, is never served from it."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import audience_cache
from core.audience import page_visibility_set
from core.roles import Role
from knowledgebase.models import HelpfulVote
from meetings.models import Decision, Invitation, Minutes
from meetings.services import actions as action_services
from stakeholders.models import District
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


@pytest.fixture
def ken_meeting(reference_data):
    return meeting("KEN", title="Platformoverleg Kennemerland")


def test_two_partners_share_the_page_but_each_sees_only_their_own_invitation(make_user, ken_meeting):
    first = make_user(Role.PARTNER, district="KEN", first_name="Anna")
    second = make_user(Role.PARTNER, district="KEN", first_name="Bram")
    Invitation.objects.create(
        meeting=ken_meeting, contact=first.contact, response="deputy", deputy_name="Vervanger Anna"
    )
    Invitation.objects.create(meeting=ken_meeting, contact=second.contact)
    first_client, second_client = _client_for(first), _client_for(second)

    stored = first_client.get(ken_meeting.url)
    served = second_client.get(ken_meeting.url)

    assert stored["X-Audience-Cache"] == "MISS" and served["X-Audience-Cache"] == "HIT"
    assert "Vervanger Anna" in stored.text and "Vervanger Anna" not in served.text
    assert 'value="deputy" checked' in stored.text and 'value="deputy" checked' not in served.text
    assert "Komt u?" in served.text  # the second partner's own (unanswered) invitation
    assert _csrf_token(stored) != _csrf_token(served)
    for response in (stored, served):
        assert "<!--hole-" not in response.text and "csrfhole" not in response.text
        assert "Uitloggen" in response.text and "private" in response["Cache-Control"]
    # The token in the cached page is the reader's own: their answer is accepted.
    second_client_strict = Client(enforce_csrf_checks=True)
    second_client_strict.cookies = second_client.cookies
    page = second_client_strict.get(ken_meeting.url)
    assert page["X-Audience-Cache"] == "HIT"
    answer = second_client_strict.post(
        reverse("meetings:invitation_answer", args=[ken_meeting.pk]),
        {"response": "attending", "csrfmiddlewaretoken": _csrf_token(page)},
    )
    assert answer.status_code == 302
    assert Invitation.objects.get(contact=second.contact).response == "attending"


def test_a_partner_of_another_district_is_never_served_the_cached_page(make_user, ken_meeting):
    _client_for(make_user(Role.PARTNER, district="KEN")).get(ken_meeting.url)
    outsider = _client_for(make_user(Role.PARTNER, district="NHN"))
    response = outsider.get(ken_meeting.url)
    assert response.status_code == 404 and "X-Audience-Cache" not in response


def test_a_new_decision_shows_at_once(make_user, ken_meeting, login_with_mfa, client):
    partner = _client_for(make_user(Role.PARTNER, district="KEN"))
    partner.get(ken_meeting.url)
    assert partner.get(ken_meeting.url)["X-Audience-Cache"] == "HIT"
    secretariat = make_user(Role.SECRETARIAT, district=None)
    action_services.decision_add(user=secretariat, meeting=ken_meeting, text="Besluit: wildcamera's bij de schuren")
    assert Decision.objects.filter(meeting=ken_meeting).exists()
    response = partner.get(ken_meeting.url)
    assert "wildcamera" in response.text and response["X-Audience-Cache"] == "MISS"


def test_a_page_narrowed_to_another_district_stops_being_served_at_once(make_user, reference_data):
    page = article("Alleen voor partners", visibility="partners")
    reader = _client_for(make_user(Role.PARTNER, district="KEN"))
    reader.get(page.url)
    assert reader.get(page.url)["X-Audience-Cache"] == "HIT"
    page_visibility_set(page, level="districts", district_ids=[District.objects.get(code="NHN").pk])
    assert reader.get(page.url).status_code == 404


def test_each_reader_sees_their_own_vote_on_a_shared_knowledge_page(make_user, reference_data):
    page = article("Samen schuren beveiligen", visibility="partners")
    voter = make_user(Role.PARTNER, district="KEN")
    HelpfulVote.objects.create(page=page, user=voter, helpful=True)
    other = make_user(Role.PARTNER, district="KEN")
    mine = _client_for(voter).get(page.url)
    theirs = _client_for(other).get(page.url)
    assert theirs["X-Audience-Cache"] == "HIT"
    assert 'value="ja" class="btn" aria-pressed="true"' in mine.text
    assert 'aria-pressed="true"' not in theirs.text
    assert "1 keer ja" in theirs.text


def test_flash_messages_are_the_readers_own(make_user, ken_meeting):
    first = _client_for(make_user(Role.PARTNER, district="KEN"))
    first.get(ken_meeting.url)
    second_user = make_user(Role.PARTNER, district="KEN")
    Invitation.objects.create(meeting=ken_meeting, contact=second_user.contact)
    second = _client_for(second_user)
    second.post(reverse("meetings:invitation_answer", args=[ken_meeting.pk]), {"response": "nonsense"})
    response = second.get(ken_meeting.url)
    assert "Kies of u komt, niet komt of een vervanger stuurt." in response.text
    assert "Kies of u komt" not in first.get(ken_meeting.url).text


def test_text_in_a_page_cannot_pose_as_a_hole(make_user, reference_data):
    """A marker needs the secret derived from SECRET_KEY; an author who guesses the format gets text, not a hole."""
    page = article("Opmaak", visibility="partners", intro="<!--hole-0000000000000000:header--> csrfhole0000")
    response = _client_for(make_user(Role.PARTNER, district="KEN")).get(page.url)
    assert response.status_code == 200
    assert response.text.count('class="site-header"') == 1


def test_the_audience_key_follows_access_not_the_person(make_user, reference_data):
    one, two = make_user(Role.PARTNER, district="KEN"), make_user(Role.PARTNER, district="KEN")
    assert audience_cache.audience_key(one) == audience_cache.audience_key(two)
    assert audience_cache.audience_key(one) != audience_cache.audience_key(make_user(Role.PARTNER, district="NHN"))
    assert audience_cache.audience_key(one) != audience_cache.audience_key(make_user(Role.AOV, district="KEN"))
    assert audience_cache.audience_key(one) != audience_cache.audience_key(make_user(Role.SECRETARIAT, district=None))


def test_a_cached_page_reads_only_the_person_and_the_cache(make_user, ken_meeting):
    """On a hit, the database gives the session, the user and what their audience is computed from afresh
    (groups, district platforms); the rest comes from the cache: the page, the header, the bell count, and the
    invitation and minutes kept per person. No routing, page permission, agenda or notification queries."""
    partner = make_user(Role.PARTNER, district="KEN")
    Invitation.objects.create(meeting=ken_meeting, contact=partner.contact)
    reader = _client_for(partner)
    reader.get(ken_meeting.url)
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(ken_meeting.url)
    assert response["X-Audience-Cache"] == "HIT"
    assert "Komt u?" in response.text and "data-unread-count>0<" in response.text
    tables = {re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in queries}
    # The database cache of the embedded default (Redis in production) reads its own table.
    assert tables <= {"django_session", "accounts_user", "auth_group", "stakeholders_membership", "vbg_cache"}, tables


def test_the_bell_count_is_kept_only_for_the_audience_it_was_counted_for(make_user, ken_meeting):
    """Access can end by an update that bumps no version: the audience is computed afresh for every request,
    and a bell count kept for the person's earlier audience is counted again."""
    from notifications.services import notify
    from stakeholders.models import Membership

    partner = make_user(Role.PARTNER, district="KEN")
    notify(recipients=[partner], kind="meetings.agenda_published", title="Agenda", subject=ken_meeting, email=False)
    reader = _client_for(partner)
    assert "data-unread-count>1<" in reader.get("/wie-is-wie/").text
    assert "data-unread-count>1<" in reader.get("/wie-is-wie/").text
    Membership.objects.filter(organisation__affiliations__contact=partner.contact).update(
        until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "data-unread-count>0<" in reader.get("/wie-is-wie/").text


def test_the_bell_on_a_cached_page_counts_a_new_notification_at_once(
    make_user, ken_meeting, django_capture_on_commit_callbacks
):
    from notifications.services import notification_mark_read, notify

    partner = make_user(Role.PARTNER, district="KEN")
    reader = _client_for(partner)
    reader.get(ken_meeting.url)
    assert "data-unread-count>0<" in reader.get(ken_meeting.url).text
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[partner], kind="announcement", title="Let op: nieuwe werkwijze", email=False)
    response = reader.get(ken_meeting.url)
    assert response["X-Audience-Cache"] == "HIT" and "data-unread-count>1<" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        notification_mark_read(user=partner)
    assert "data-unread-count>0<" in reader.get(ken_meeting.url).text


def test_a_vote_shows_on_the_voters_next_view_of_the_cached_page(make_user, reference_data):
    page = article("Erfbetreding melden", visibility="partners")
    voter_user = make_user(Role.PARTNER, district="KEN")
    voter = _client_for(voter_user)
    voter.get(page.url)
    assert 'aria-pressed="true"' not in voter.get(page.url).text
    response = voter.post(reverse("knowledgebase:helpful_vote", args=[page.pk]), {"helpful": "ja"})
    assert response.status_code == 302
    assert 'value="ja" class="btn" aria-pressed="true"' in voter.get(page.url).text
    other = _client_for(make_user(Role.PARTNER, district="KEN")).get(page.url)
    assert "1 keer ja" in other.text and 'aria-pressed="true"' not in other.text


def test_a_kept_invitation_follows_the_clock_within_a_minute(make_user, reference_data, time_machine):
    """The answer form goes when the meeting starts: a kept part is stored per minute."""
    time_machine.move_to(timezone.now(), tick=False)
    page = meeting("KEN", starts_in_days=0)
    page.starts_at = timezone.now() + datetime.timedelta(seconds=30)
    page.save_revision().publish()
    partner = make_user(Role.PARTNER, district="KEN")
    Invitation.objects.create(meeting=page, contact=partner.contact)
    reader = _client_for(partner)
    assert "Komt u?" in reader.get(page.url).text
    assert "Komt u?" in reader.get(page.url).text
    time_machine.shift(datetime.timedelta(seconds=90))
    assert "Komt u?" not in reader.get(page.url).text


def test_password_protected_pages_and_other_views_are_not_stored(make_user, reference_data):
    reader = _client_for(make_user(Role.PARTNER, district="KEN"))
    response = reader.get("/mijn-gegevens/")
    assert "X-Audience-Cache" not in response


def test_the_bench_times_the_rendering_not_the_cache(make_user, ken_meeting, settings):
    """`make bench` sets AUDIENCE_CACHE off: its figures are the pages' own cost, not a stored rendering."""
    settings.AUDIENCE_CACHE = False
    reader = _client_for(make_user(Role.PARTNER, district="KEN"))
    reader.get(ken_meeting.url)
    response = reader.get(ken_meeting.url)
    assert response.status_code == 200 and "X-Audience-Cache" not in response
    assert "<!--hole-" not in response.text and "Uitloggen" in response.text


@pytest.mark.parametrize("chair_first", [True, False])
def test_the_chairs_early_view_of_draft_minutes_stays_the_chairs(make_user, reference_data, chair_first):
    """The chair reads minutes before the members do (a per-person rule): the minutes section is a hole."""
    chair = make_user(Role.PARTNER, district="KEN")
    member = make_user(Role.PARTNER, district="KEN")
    page = meeting("KEN", starts_in_days=-2, chair=chair.contact)
    Minutes.objects.create(meeting=page, status=Minutes.Status.CHANGES_REQUESTED)
    order = [(chair, "chair"), (member, "member")] if chair_first else [(member, "member"), (chair, "chair")]
    seen = {who: _client_for(user).get(page.url) for user, who in order}
    assert seen[order[1][1]]["X-Audience-Cache"] == "HIT"
    assert "Concept-notulen lezen" in seen["chair"].text
    assert "Concept-notulen lezen" not in seen["member"].text
    assert "De notulen worden voorbereid" in seen["member"].text


def test_what_someone_typed_is_never_answered_from_a_colleagues_search(make_user, reference_data):
    colleague = _client_for(make_user(Role.PARTNER, district="KEN"))
    prober = _client_for(make_user(Role.PARTNER, district="KEN"))
    colleague.get("/zoeken/?q=de+vries+schuur")
    assert prober.get("/zoeken/?q=de+vries+schuur")["X-Audience-Cache"] == "MISS"
    assert prober.get("/zoeken/?q=de+vries+schuur")["X-Audience-Cache"] == "HIT"  # their own repeat
    colleague.get("/wie-is-wie/")
    assert prober.get("/wie-is-wie/")["X-Audience-Cache"] == "HIT"  # no typed words: shared


def test_a_hit_keeps_the_no_store_of_restricted_pages_and_search(make_user, ken_meeting):
    first = _client_for(make_user(Role.PARTNER, district="KEN"))
    second = _client_for(make_user(Role.PARTNER, district="KEN"))
    for path in (ken_meeting.url, "/wie-is-wie/"):
        miss, hit = first.get(path), second.get(path)
        assert hit["X-Audience-Cache"] == "HIT"
        assert hit["Cache-Control"] == miss["Cache-Control"]
    assert "no-store" in second.get(ken_meeting.url)["Cache-Control"]


def test_head_requests_go_through_the_view(make_user, reference_data):
    reader = _client_for(make_user(Role.PARTNER, district="KEN"))
    reader.get("/zoeken/?q=schuur")
    assert reader.head("/zoeken/?q=schuur").status_code == 405  # require_GET, as without the cache


def test_the_hit_header_is_not_sent_in_production(make_user, ken_meeting, settings):
    settings.TESTING = False
    reader = _client_for(make_user(Role.PARTNER, district="KEN"))
    reader.get(ken_meeting.url)
    assert "X-Audience-Cache" not in reader.get(ken_meeting.url)


def test_a_lost_version_key_starts_above_every_earlier_version(settings):
    from django.core.cache import cache

    first = audience_cache.version()
    audience_cache._bump()
    cache.delete(audience_cache.VERSION_KEY)
    assert audience_cache.version() > first + 1
