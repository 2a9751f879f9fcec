"""Action items follow their meeting's audience (issue #24, point 3): narrowing the meeting with a Wagtail or
district restriction, or unpublishing it, hides its action items in the action list and its counts, the
agenda's "actiepunten vorige vergadering", search, notifications and reminders."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.roles import Role
from core.models import DistrictViewRestriction
from meetings.models import ActionItem, AgendaItem, DistrictPlatformPage, MeetingPage
from meetings.permissions import action_items_visible_to
from meetings.services.actions import action_item_add
from meetings.services.reminders import action_item_reminders_send
from notifications.models import Notification
from notifications.permissions import visible_notifications
from search.indexing import rebuild
from stakeholders.models import District
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db

DESCRIPTION = "Maakt een signalenkaart voor loodsen"


@pytest.fixture
def people(make_user):
    return {
        "ken": make_user(Role.PARTNER, district="KEN"),
        "ken_colleague": make_user(Role.PARTNER, district="KEN"),
        "nhn": make_user(Role.PARTNER, district="NHN"),
        "secretariat": make_user(Role.SECRETARIAT, district=None),
    }


def _platform(code: str) -> DistrictPlatformPage:
    return DistrictPlatformPage.objects.get(district__code=code)


def _add(people, page, *, owner, due_in_days: int = 2) -> ActionItem:
    """Made the way the secretariat makes one during the meeting (the owner is told)."""
    return action_item_add(
        user=people["secretariat"],
        meeting=page,
        description=DESCRIPTION,
        owner_contact=owner.contact,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )


def _next_meeting_with_previous_actions(code: str) -> MeetingPage:
    page = meeting(code, starts_in_days=30)
    AgendaItem.objects.filter(pk=page.agenda_items.first().pk).update(is_previous_actions=True)
    return page


def _in_list(client, query: str = "") -> bool:
    response = client.get(f"/actiepunten/{query}")
    assert response.status_code == 200
    return DESCRIPTION in response.text


def _open_count(client, code: str) -> int:
    response = client.get(_platform(code).url)
    assert response.status_code == 200
    return response.context["open_action_count"]


def _found(client) -> bool:
    response = client.get("/zoeken/", {"q": "signalenkaart"})
    assert response.status_code == 200
    return any(hit.title == DESCRIPTION for hit in response.context["response"].hits)


def _told(user, item) -> bool:
    """The notification about the item is still shown to this person (bell, list, mail digest)."""
    return any(n.subject_id == str(item.pk) for n in visible_notifications(user, Notification.objects.all()))


def test_a_group_restriction_on_the_meeting_hides_its_action_items_from_those_outside(
    client, people, django_capture_on_commit_callbacks
):
    insider, outsider = people["ken"], people["ken_colleague"]
    with django_capture_on_commit_callbacks(execute=True):
        page = meeting("KEN", starts_in_days=-7)
        item = _add(people, page, owner=outsider)
    next_ken = _next_meeting_with_previous_actions("KEN")
    workgroup = Group.objects.create(name="Werkgroep drugsafval")
    insider.groups.add(workgroup)
    rebuild()

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.set([workgroup])

    client.force_login(outsider)
    assert client.get(page.url).status_code == 404  # the meeting itself, as before
    assert not _in_list(client, "?status=alle")
    assert _open_count(client, "KEN") == 0
    assert DESCRIPTION not in client.get(next_ken.url).text
    assert client.get(f"/actiepunten/{item.pk}/").status_code == 404
    assert not _found(client)
    assert not _told(outsider, item)
    assert action_item_reminders_send() == 0  # the owner is outside the meeting's audience now

    client.force_login(insider)
    assert _in_list(client) and _open_count(client, "KEN") == 1 and _found(client)
    assert DESCRIPTION in client.get(next_ken.url).text


def test_a_district_restriction_on_the_meeting_hides_its_action_items_from_the_platform(
    client, people, login_with_mfa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = meeting("KEN", starts_in_days=-7)
        item = _add(people, page, owner=people["ken"])
    rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        # Only NHN, under the KEN platform: the restrictions intersect, so no platform member passes.
        restriction = DistrictViewRestriction.objects.create(page=page)
        restriction.districts.set([District.objects.get(code="NHN")])

    for member in (people["ken"], people["nhn"]):
        client.force_login(member)
        assert not _in_list(client, "?status=alle") and not _found(client)
        assert not action_items_visible_to(member).filter(pk=item.pk).exists()
    assert not _told(people["ken"], item)
    client.logout()
    login_with_mfa(client, people["secretariat"])
    assert _in_list(client)


def test_an_unpublished_meeting_hides_its_action_items_from_everyone_on_the_site(
    client, people, login_with_mfa, django_capture_on_commit_callbacks
):
    """Also from the secretariat's action list: it links to a meeting page nobody can open (the admin
    overview still lists it)."""
    with django_capture_on_commit_callbacks(execute=True):
        page = meeting("KEN", starts_in_days=-7)
        item = _add(people, page, owner=people["ken"])
    rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        MeetingPage.objects.get(pk=page.pk).unpublish()

    for user in (people["ken"], people["secretariat"]):
        client.logout()
        login_with_mfa(client, user)
        assert not _in_list(client, "?status=alle"), user
        assert not _found(client)
        assert client.get(f"/actiepunten/{item.pk}/").status_code == 404
    assert not _told(people["ken"], item)
    assert action_item_reminders_send() == 0
