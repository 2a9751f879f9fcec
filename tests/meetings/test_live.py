"""The live meeting: the websocket of a meeting page (checked at connect and before every event, closed when
access ends) and the secretariat's "nu aan de orde" control, which works without JavaScript."""

import datetime

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from core.roles import Role
from meetings.models import MeetingPage
from meetings.services import actions as services
from stakeholders.models import Membership
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Een-Goed-Wachtwoord-2026"


def _communicator(meeting_id: int, cookie: str = "", origin: str = "http://127.0.0.1:8000"):
    from vbg_platform.asgi import application

    headers = [(b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/overleg/{meeting_id}/", headers=headers)


def _cookie(client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _logged_in_cookie(client, user, login_with_mfa) -> str:
    login_with_mfa(client, user)
    return _cookie(client)


def _run(scenario):
    async_to_sync(scenario)()


def _items(page):
    return list(page.agenda_items.order_by("sort_order"))


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT, district=None)


@pytest.fixture
def ken_partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def ken_meeting(reference_data):
    return meeting("KEN")


def _organisation_of(user):
    return user.contact.affiliations.get().organisation


# --- Connect -------------------------------------------------------------------------------------------


def test_anonymous_is_closed_with_4401(ken_meeting):
    async def scenario():
        connected, code = await _communicator(ken_meeting.pk).connect()
        assert not connected and code == 4401

    _run(scenario)


def test_partner_of_another_district_is_closed_with_4404(client, make_user, login_with_mfa, ken_meeting):
    cookie = _logged_in_cookie(client, make_user(Role.PARTNER, district="NHN"), login_with_mfa)

    async def scenario():
        connected, code = await _communicator(ken_meeting.pk, cookie).connect()
        assert not connected and code == 4404

    _run(scenario)


def test_unknown_or_unpublished_meeting_is_closed_with_4404(client, ken_partner, login_with_mfa, reference_data):
    draft = meeting("KEN", live=False)
    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)

    async def scenario():
        for meeting_id in (draft.pk, 999_999):
            connected, code = await _communicator(meeting_id, cookie).connect()
            assert not connected and code == 4404

    _run(scenario)


def test_foreign_origin_is_refused(client, ken_partner, login_with_mfa, ken_meeting):
    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)

    async def scenario():
        connected, _ = await _communicator(ken_meeting.pk, cookie, origin="https://evil.example").connect()
        assert not connected

    _run(scenario)


def test_secretariat_past_mfa_may_listen(client, secretariat, login_with_mfa, ken_meeting):
    client.post("/account/inloggen/", {"username": secretariat.email, "password": PASSWORD})
    half_way = _cookie(client)  # password given, MFA not yet

    async def refused():
        connected, code = await _communicator(ken_meeting.pk, half_way).connect()
        assert not connected and code == 4401

    _run(refused)
    client.logout()
    cookie = _logged_in_cookie(client, secretariat, login_with_mfa)

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.disconnect()

    _run(scenario)


# --- Events --------------------------------------------------------------------------------------------


def test_member_sees_current_item_decision_and_action_item(
    client, ken_partner, secretariat, login_with_mfa, ken_meeting
):
    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)
    first, second, _ = _items(ken_meeting)
    organisation = _organisation_of(ken_partner)
    due = datetime.date.today() + datetime.timedelta(days=30)

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected

        await sync_to_async(services.current_agenda_item_set)(
            user=secretariat, meeting=ken_meeting, agenda_item_id=second.pk
        )
        assert await communicator.receive_json_from(timeout=5) == {
            "kind": "current_item",
            "item_id": second.pk,
            "title": "Agendapunt 2",
        }

        decision = await sync_to_async(services.decision_add)(
            user=secretariat, meeting=ken_meeting, text="Het platform steunt de pilot.", agenda_item_id=second.pk
        )
        assert await communicator.receive_json_from(timeout=5) == {
            "kind": "decision",
            "id": decision.pk,
            "text": "Het platform steunt de pilot.",
            "agenda_item_id": second.pk,
        }

        action = await sync_to_async(services.action_item_add)(
            user=secretariat,
            meeting=ken_meeting,
            description="Lijst van lege stallen delen",
            owner_organisation=organisation,
            due_date=due,
        )
        assert await communicator.receive_json_from(timeout=5) == {
            "kind": "action_item",
            "id": action.pk,
            "description": "Lijst van lege stallen delen",
            "owner": str(organisation),
            "due_date": due.isoformat(),
            "agenda_item_id": None,
        }
        assert await communicator.receive_nothing(timeout=0.2)
        await communicator.disconnect()

    _run(scenario)
    assert MeetingPage.objects.get(pk=ken_meeting.pk).current_agenda_item_id == second.pk
    assert first.pk != second.pk


def test_events_of_one_meeting_never_reach_listeners_of_another(
    client, make_user, ken_partner, secretariat, login_with_mfa, ken_meeting
):
    other_ken = meeting("KEN")
    nhn_meeting = meeting("NHN")
    nhn_partner = make_user(Role.PARTNER, district="NHN")
    ken_cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)
    nhn_cookie = _logged_in_cookie(Client(), nhn_partner, login_with_mfa)

    async def scenario():
        on_other_ken = _communicator(other_ken.pk, ken_cookie)
        on_nhn = _communicator(nhn_meeting.pk, nhn_cookie)
        on_this = _communicator(ken_meeting.pk, ken_cookie)
        for communicator in (on_other_ken, on_nhn, on_this):
            connected, _ = await communicator.connect()
            assert connected

        await sync_to_async(services.decision_add)(user=secretariat, meeting=ken_meeting, text="Alleen voor KEN")
        assert (await on_this.receive_json_from(timeout=5))["text"] == "Alleen voor KEN"
        assert await on_other_ken.receive_nothing(timeout=0.3)
        assert await on_nhn.receive_nothing(timeout=0.3)
        for communicator in (on_other_ken, on_nhn, on_this):
            await communicator.disconnect()

    _run(scenario)


def test_member_whose_membership_ended_receives_nothing_more_and_is_closed(
    client, ken_partner, secretariat, login_with_mfa, ken_meeting
):
    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)
    first, second, _ = _items(ken_meeting)

    def end_membership():
        # The organisation leaves the platform: no signal, no push; the next event finds out.
        Membership.objects.filter(organisation=_organisation_of(ken_partner)).update(
            until=datetime.date.today() - datetime.timedelta(days=1)
        )

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected
        await sync_to_async(services.current_agenda_item_set)(
            user=secretariat, meeting=ken_meeting, agenda_item_id=first.pk
        )
        assert (await communicator.receive_json_from(timeout=5))["item_id"] == first.pk

        await sync_to_async(end_membership)()
        await sync_to_async(services.decision_add)(user=secretariat, meeting=ken_meeting, text="Vertrouwelijk besluit")
        output = await communicator.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": 4404}
        await sync_to_async(services.current_agenda_item_set)(
            user=secretariat, meeting=ken_meeting, agenda_item_id=second.pk
        )
        assert await communicator.receive_nothing(timeout=0.5)

    _run(scenario)


def test_deactivated_user_is_closed_at_once_and_receives_nothing_more(
    client, ken_partner, secretariat, login_with_mfa, ken_meeting
):
    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)

    def deactivate():
        ken_partner.is_active = False
        ken_partner.save()  # the accounts signal pushes "access.changed" to the user's sockets

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected
        await sync_to_async(deactivate)()
        output = await communicator.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": 4401}
        await sync_to_async(services.decision_add)(user=secretariat, meeting=ken_meeting, text="Na de deactivering")
        assert await communicator.receive_nothing(timeout=0.5)

    _run(scenario)


def test_deactivation_without_a_push_is_caught_before_the_next_event(
    client, ken_partner, secretariat, login_with_mfa, ken_meeting
):
    from accounts.models import User

    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected
        # A bulk update skips the signals: the check before sending still refuses.
        await sync_to_async(User.objects.filter(pk=ken_partner.pk).update)(is_active=False)
        await sync_to_async(services.decision_add)(user=secretariat, meeting=ken_meeting, text="Mag niet aankomen")
        output = await communicator.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": 4401}
        assert await communicator.receive_nothing(timeout=0.5)

    _run(scenario)


def test_the_bells_messages_on_the_users_group_are_ignored(client, ken_partner, login_with_mfa, ken_meeting):
    from notifications.services import notify

    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected
        await sync_to_async(notify)(recipients=[ken_partner], kind="announcement", title="Iets anders", email=False)
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    _run(scenario)


# --- The "nu aan de orde" control and the page -------------------------------------------------------


def test_current_item_view_is_404_for_a_partner(client, ken_partner, ken_meeting):
    client.force_login(ken_partner)
    item = _items(ken_meeting)[1]
    response = client.post(f"/overleg/{ken_meeting.pk}/huidig-punt/", {"agenda_item": item.pk})
    assert response.status_code == 404
    assert MeetingPage.objects.get(pk=ken_meeting.pk).current_agenda_item_id is None


def test_current_item_view_sends_anonymous_visitors_to_login(client, ken_meeting):
    response = client.post(f"/overleg/{ken_meeting.pk}/huidig-punt/", {"agenda_item": _items(ken_meeting)[0].pk})
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_secretariat_sets_the_current_item_without_javascript(client, secretariat, login_with_mfa, ken_meeting):
    login_with_mfa(client, secretariat)
    first, second, _ = _items(ken_meeting)
    url = f"/overleg/{ken_meeting.pk}/huidig-punt/"
    assert client.get(url).status_code == 405

    response = client.post(url, {"agenda_item": second.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{ken_meeting.url}#punt-{second.pk}"
    assert MeetingPage.objects.get(pk=ken_meeting.pk).current_agenda_item_id == second.pk
    html = client.get(ken_meeting.url).text
    assert f'<li id="punt-{second.pk}" data-agenda-item="{second.pk}" class="current" aria-current="true">' in html
    assert f'data-agenda-item="{first.pk}" class="current"' not in html
    assert "Nu aan de orde: Agendapunt 2" in html  # the success message

    client.post(url, {"agenda_item": ""})
    assert MeetingPage.objects.get(pk=ken_meeting.pk).current_agenda_item_id is None


def test_secretariat_cannot_set_an_item_of_another_meeting(client, secretariat, login_with_mfa, ken_meeting):
    login_with_mfa(client, secretariat)
    foreign = _items(meeting("KEN"))[0]
    url = f"/overleg/{ken_meeting.pk}/huidig-punt/"
    for value in (foreign.pk, "abc"):
        response = client.post(url, {"agenda_item": value}, follow=True)
        assert "Dit agendapunt hoort niet bij dit overleg." in response.text
    assert MeetingPage.objects.get(pk=ken_meeting.pk).current_agenda_item_id is None


def test_partner_page_has_the_live_hook_but_no_controls(client, ken_partner, ken_meeting):
    client.force_login(ken_partner)
    html = client.get(ken_meeting.url).text
    assert f'data-live-url="/ws/overleg/{ken_meeting.pk}/"' in html
    assert "js/meeting-live.js" in html and "<script>" not in html
    assert "Dit punt is nu aan de orde" not in html
    assert f"/overleg/{ken_meeting.pk}/huidig-punt/" not in html
    assert 'id="live-beheer"' not in html


def test_secretariat_page_has_the_live_panel(client, secretariat, login_with_mfa, ken_meeting):
    login_with_mfa(client, secretariat)
    items = _items(ken_meeting)
    services.current_agenda_item_set(user=secretariat, meeting=ken_meeting, agenda_item_id=items[0].pk)
    html = client.get(ken_meeting.url).text
    assert html.count(f'action="/overleg/{ken_meeting.pk}/huidig-punt/"') == len(items) + 1  # + "geen punt"
    assert f'action="/overleg/{ken_meeting.pk}/besluit/"' in html
    assert f'action="/overleg/{ken_meeting.pk}/actiepunt/"' in html
    assert 'id="besluit_agenda_item"' in html and 'id="actie_agenda_item"' in html
    assert 'id="actie_owner_organisation"' in html and 'name="due_date"' in html
    # New entries default to the item under discussion.
    assert f'<option value="{items[0].pk}" selected>' in html


def test_ending_a_membership_in_the_crm_closes_the_socket_at_once(client, ken_partner, login_with_mfa, ken_meeting):
    """stakeholders.signals pushes access.changed when a membership is saved with an end date."""
    cookie = _logged_in_cookie(client, ken_partner, login_with_mfa)

    def end_membership():
        for membership in Membership.objects.filter(organisation=_organisation_of(ken_partner)):
            membership.until = datetime.date.today() - datetime.timedelta(days=1)
            membership.save()

    async def scenario():
        communicator = _communicator(ken_meeting.pk, cookie)
        connected, _ = await communicator.connect()
        assert connected
        await sync_to_async(end_membership)()
        output = await communicator.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": 4404}

    _run(scenario)
