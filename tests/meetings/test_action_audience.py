"""Action items follow their meeting's audience (issue #24, point 3): moving the meeting to another platform,
narrowing it with a Wagtail or district restriction, or unpublishing it moves or hides its action items in the
action list and its counts, the agenda's "actiepunten vorige vergadering", search, notifications, reminders,
the iCal feeds and the secretariat's admin overview."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from core.models import DistrictViewRestriction
from core.roles import Role
from meetings.models import ActionItem, AgendaItem, DistrictPlatformPage, MeetingPage
from meetings.permissions import action_items_visible_to, user_can_update_action_item
from meetings.services.actions import action_item_add
from meetings.services.reminders import action_item_reminders_send
from notifications.models import Notification
from notifications.permissions import visible_notifications
from search.indexing import rebuild
from stakeholders.models import District, Membership
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


def test_a_moved_meeting_takes_its_action_items_to_the_new_platform(client, people, django_capture_on_commit_callbacks):
    # The owner's organisation sits on both platforms, so they may follow the item wherever it goes.
    owner = people["ken"]
    Membership.objects.create(
        organisation=owner.contact.affiliations.get().organisation,
        district=District.objects.get(code="NHN"),
        since=datetime.date(2022, 1, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = meeting("KEN", starts_in_days=-7)
        item = _add(people, page, owner=people["ken_colleague"])
    next_ken, next_nhn = _next_meeting_with_previous_actions("KEN"), _next_meeting_with_previous_actions("NHN")
    rebuild()

    client.force_login(people["ken_colleague"])
    assert _in_list(client) and _open_count(client, "KEN") == 1 and _found(client)
    assert DESCRIPTION in client.get(next_ken.url).text
    assert _told(people["ken_colleague"], item)

    with django_capture_on_commit_callbacks(execute=True):
        MeetingPage.objects.get(pk=page.pk).move(_platform("NHN"), pos="last-child")

    # The old platform's members lose it everywhere.
    assert not _in_list(client) and not _in_list(client, "?status=alle&district=KEN")
    assert _open_count(client, "KEN") == 0
    assert client.get(f"/actiepunten/{item.pk}/").status_code == 404
    assert DESCRIPTION not in client.get(next_ken.url).text
    assert not _found(client)
    assert page.title not in client.get("/platforms/KEN/agenda.ics").text
    assert not _told(people["ken_colleague"], item)
    assert action_item_reminders_send() == 0  # the KEN owner is no longer reminded of it

    # The new platform's members get it: list and filter, count, agenda, search, iCal.
    for user in (people["nhn"], owner):
        client.force_login(user)
        assert _in_list(client) and _in_list(client, "?district=NHN")
        assert _open_count(client, "NHN") == 1
        assert DESCRIPTION in client.get(next_nhn.url).text
        assert _found(client)
        assert page.title in client.get("/platforms/NHN/agenda.ics").text
    # The owner is on both platforms: the list names the one the meeting is under now and filters on it.
    assert "(Noord-Holland Noord)" in client.get("/actiepunten/").text
    assert not _in_list(client, "?district=KEN")
    # Owners update within their platforms: the KEN owner no longer, a member where it went does.
    assert not user_can_update_action_item(people["ken_colleague"], item)
    item.owner_contact = owner.contact
    item.save()
    assert user_can_update_action_item(owner, item)
    assert client.get(f"/actiepunten/{item.pk}/").status_code == 200


def test_a_reminder_goes_to_the_owners_on_the_platform_the_meeting_is_under_now(people):
    organisation = people["ken"].contact.affiliations.get().organisation
    Membership.objects.create(
        organisation=organisation, district=District.objects.get(code="NHN"), since=datetime.date(2022, 1, 1)
    )
    page = meeting("KEN", starts_in_days=-7)
    item = action_item_add(
        user=people["secretariat"],
        meeting=page,
        description=DESCRIPTION,
        owner_organisation=organisation,
        due_date=timezone.localdate() + datetime.timedelta(days=2),
    )
    MeetingPage.objects.get(pk=page.pk).move(_platform("NHN"), pos="last-child")
    assert action_item_reminders_send() == 1
    reminder = Notification.objects.get(kind="actions.due_soon", subject_id=str(item.pk))
    assert reminder.recipient == people["ken"] and reminder.district.code == "NHN"


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


# --- The secretariat's admin overview ------------------------------------------------------------------


@pytest.fixture
def secretariat_client(client, people, login_with_mfa):
    return login_with_mfa(client, people["secretariat"])


def test_admin_overview_and_export_name_the_platform_the_meeting_is_under_now(secretariat_client, people):
    page = meeting("KEN", starts_in_days=-7)
    _add(people, page, owner=people["ken"])
    MeetingPage.objects.get(pk=page.pk).move(_platform("NHN"), pos="last-child")
    nhn, ken = District.objects.get(code="NHN"), District.objects.get(code="KEN")

    listing = secretariat_client.get("/beheer/snippets/meetings/actionitem/")
    assert listing.status_code == 200
    row = next(r for r in listing.text.split("<tr") if DESCRIPTION in r)
    assert "Noord-Holland Noord" in row and "Kennemerland" not in row
    assert DESCRIPTION in secretariat_client.get(f"/beheer/snippets/meetings/actionitem/?district={nhn.pk}").text
    assert DESCRIPTION not in secretariat_client.get(f"/beheer/snippets/meetings/actionitem/?district={ken.pk}").text
    assert DESCRIPTION in secretariat_client.get("/beheer/snippets/meetings/actionitem/?q=signalenkaart").text

    export = secretariat_client.get("/beheer/snippets/meetings/actionitem/?export=csv")
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].split(",")[1] == "District"
    assert any(line.startswith(DESCRIPTION) and ",Noord-Holland Noord," in line for line in lines), lines


def test_admin_overview_queries_do_not_grow_with_the_number_of_items(secretariat_client, people):
    pages = [meeting(code, starts_in_days=-7) for code in ("KEN", "NHN")]

    def count() -> int:
        url = "/beheer/snippets/meetings/actionitem/"
        assert secretariat_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert secretariat_client.get(url).status_code == 200
        return len(queries)

    for page in pages:
        _add(people, page, owner=people["ken"])
    few = count()
    for page in pages:
        for _n in range(6):
            _add(people, page, owner=people["ken"])
    assert count() == few
