"""Who a notification about a subject goes to, decided for all recipients at once: the same answer as each
person's own `visible_to(user)` scope, in a number of queries that does not grow with the recipients."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from accounts.models import User
from accounts.services import _allow_role_change
from core.roles import Role
from meetings.models import ActionItem, DistrictPlatformPage
from notifications.permissions import _scope_for, recipients_who_may_see, users_who_may_see
from stakeholders.models import Affiliation, District, Membership, Organisation
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting
from tests.referrals.conftest import ALKMAAR, aov_of

pytestmark = pytest.mark.django_db


def _yesterday() -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=1)


def _organisation_of(user) -> Organisation:
    return Affiliation.objects.get(contact=user.contact).organisation


@pytest.fixture
def everyone(people, make_user) -> dict:
    """Every role, and the ways a person's access differs or ends (referral people from tests/referrals)."""
    more = {
        "partner_ken": make_user(Role.PARTNER, district="KEN"),
        "partner_ken_colleague": make_user(Role.PARTNER, district="KEN"),
        "partner_nhn": make_user(Role.PARTNER, district="NHN"),
        "partner_two_platforms": make_user(Role.PARTNER, district="NHN"),
        "partner_membership_ended": make_user(Role.PARTNER, district="KEN"),
        "partner_membership_not_yet": make_user(Role.PARTNER, district="KEN"),
        "partner_affiliation_ended": make_user(Role.PARTNER, district="KEN"),
        "partner_organisation_inactive": make_user(Role.PARTNER, district="KEN"),
        "partner_deactivated": make_user(Role.PARTNER, district="KEN"),
        "partner_in_working_group": make_user(Role.PARTNER, district="KEN"),
        "partner_without_contact": make_user(Role.PARTNER, district=None),
        "aov_and_coach": aov_of(make_user, ALKMAAR, "NHN"),
        "coach_at_a_member": make_user(Role.COACH, district="KEN"),
        "no_role_at_a_member": make_user(district="KEN"),
    }
    Membership.objects.create(
        organisation=_organisation_of(more["partner_two_platforms"]), district=District.objects.get(code="KEN")
    )
    Membership.objects.filter(organisation=_organisation_of(more["partner_membership_ended"])).update(
        until=_yesterday()
    )
    Membership.objects.filter(organisation=_organisation_of(more["partner_membership_not_yet"])).update(
        since=datetime.date.today() + datetime.timedelta(days=1)
    )
    Affiliation.objects.filter(contact=more["partner_affiliation_ended"].contact).update(end_date=_yesterday())
    Organisation.objects.filter(pk=_organisation_of(more["partner_organisation_inactive"]).pk).update(is_active=False)
    User.objects.filter(pk=more["partner_deactivated"].pk).update(is_active=False)
    more["partner_in_working_group"].groups.add(Group.objects.get_or_create(name="Werkgroep drugsdumping")[0])
    with _allow_role_change():
        more["aov_and_coach"].groups.add(Group.objects.get(name="Coach"))
    return {**people, **more}


@pytest.fixture
def subjects(everyone, referral) -> dict:
    """Subjects of every type, in the situations that narrow who sees them."""
    ken_meeting, nhn_meeting = meeting("KEN"), meeting("NHN")
    moved = meeting("KEN", title="Verhuisd overleg")
    moved.move(DistrictPlatformPage.objects.get(district__code="NHN"), pos="last-child")
    working_group_page = article("Alleen voor de werkgroep", visibility="partners")
    restriction = PageViewRestriction.objects.create(
        page=working_group_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Werkgroep drugsdumping"))
    referral.coach = everyone["coach"]
    referral.save(update_fields=["coach"])
    ken, nhn = District.objects.get(code="KEN"), District.objects.get(code="NHN")
    return {
        "meeting_ken": ken_meeting,
        "meeting_nhn": nhn_meeting,
        "meeting_unpublished": meeting("KEN", live=False),
        "meeting_moved_to_nhn": moved,
        "page_public": article(visibility="public"),
        "page_partners": article(visibility="partners"),
        "page_ken": article(visibility="districts", districts=("KEN",)),
        "page_nhn_and_zw": article(visibility="districts", districts=("NHN", "ZW")),
        "page_unpublished": article(visibility="public", live=False),
        "page_working_group": working_group_page,
        "action_ken": ActionItem.objects.create(meeting=ken_meeting, description="Schuur bezoeken"),
        "action_nhn": ActionItem.objects.create(meeting=nhn_meeting, description="Brief sturen"),
        "referral": referral,
        "organisation_ken": _organisation_of(everyone["partner_ken"]),
        "organisation_nhn": _organisation_of(everyone["partner_nhn"]),
        "organisation_inactive": _organisation_of(everyone["partner_organisation_inactive"]),
        "district_ken": ken,
        "district_nhn": nhn,
    }


def _one_by_one(users: dict, subject) -> set[str]:
    """The reference: each person's own scope, on a fresh instance (nothing cached), one query each."""
    scope = _scope_for(type(subject))
    names = set()
    for name, user in users.items():
        fresh = User.objects.get(pk=user.pk)
        if fresh.is_active and scope(fresh).filter(pk=subject.pk).exists():
            names.add(name)
    return names


def _at_once(users: dict, subject) -> set[str]:
    fresh = list(User.objects.filter(pk__in=[user.pk for user in users.values()]))
    allowed = users_who_may_see(fresh, subject)
    return {name for name, user in users.items() if user.pk in allowed}


def test_the_answer_for_everyone_at_once_is_each_persons_own(everyone, subjects):
    seen_by = {}
    for label, subject in subjects.items():
        seen_by[label] = _one_by_one(everyone, subject)
        assert _at_once(everyone, subject) == seen_by[label], label
    # The situations mean something: the reference itself tells them apart.
    assert {"partner_ken", "partner_ken_colleague", "partner_two_platforms"} <= seen_by["meeting_ken"]
    assert (
        not {
            "partner_nhn",
            "partner_membership_ended",
            "partner_membership_not_yet",
            "partner_affiliation_ended",
            "partner_organisation_inactive",
            "partner_deactivated",
            "coach_at_a_member",
            "no_role_at_a_member",
        }
        & seen_by["meeting_ken"]
    )
    assert "partner_nhn" in seen_by["meeting_moved_to_nhn"] and "partner_ken" not in seen_by["meeting_moved_to_nhn"]
    assert seen_by["meeting_unpublished"] == seen_by["page_unpublished"] == set()
    assert seen_by["page_working_group"] == {"partner_in_working_group", "superuser"}
    assert seen_by["referral"] == {"coach", "coordinator", "aov"}
    assert "aov_and_coach" in seen_by["meeting_nhn"] and "aov_and_coach" not in seen_by["referral"]


@pytest.mark.parametrize("kind", ["meetings.agenda_published", "announcement", "referrals.assigned"])
def test_recipients_are_the_active_people_in_the_events_roles_who_may_see_it(everyone, subjects, kind):
    from notifications.permissions import _holds_role_for

    for label, subject in subjects.items():
        expected = [
            user.pk
            for name, user in everyone.items()
            if name in _one_by_one({name: user}, subject) and _holds_role_for(User.objects.get(pk=user.pk), kind)
        ]
        assert [user.pk for user in recipients_who_may_see(everyone.values(), subject, kind)] == expected, label


def test_recipients_are_read_from_the_database_not_from_the_callers_instances(make_user):
    """A caller's instance read before the change (roles and districts cached on it) decides nothing."""
    ken_meeting = meeting("KEN")
    user = make_user(Role.PARTNER, district="KEN")
    assert user.roles == {Role.PARTNER} and user.group_ids
    user.groups.clear()
    assert recipients_who_may_see([user], ken_meeting, "meetings.agenda_published") == []


def _queries(users, subject, kind: str) -> int:
    fresh = list(User.objects.filter(pk__in=[user.pk for user in users]))
    with CaptureQueriesContext(connection) as queries:
        recipients = recipients_who_may_see(fresh, subject, kind)
    assert len(recipients) == len(users)  # everyone here may see it: the whole path runs for each
    return len(queries)


def test_a_meeting_notification_costs_the_same_queries_for_3_and_for_30_recipients(make_user):
    ken_meeting = meeting("KEN")
    users = [make_user(Role.SECRETARIAT, district=None)]
    for number in range(29):
        users.append(make_user(Role.PARTNER if number % 3 else Role.AOV, district="KEN"))
    three = _queries(users[:3], ken_meeting, "meetings.agenda_published")
    assert three == _queries(users, ken_meeting, "meetings.agenda_published")
    assert three == 5  # users, their groups, affiliations, memberships, and the subject for every audience


def test_a_referral_notification_costs_the_same_queries_for_3_and_for_30_coaches(make_user, referral):
    """The referral scope names the person (the assigned coach), so it is decided per person: still in one
    query for all of them."""
    coaches = [make_user(Role.COACH, district=None) for _ in range(30)]
    type(referral).objects.filter(pk=referral.pk).update(coach=coaches[0])
    counts = []
    for group in (coaches[:3], coaches):
        fresh = list(User.objects.filter(pk__in=[coach.pk for coach in group]))
        with CaptureQueriesContext(connection) as queries:
            recipients = recipients_who_may_see(fresh, referral, "referrals.assigned")
        assert [user.pk for user in recipients] == [coaches[0].pk]
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5
