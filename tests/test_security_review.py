"""Security review of the authentication/authorisation foundation: one test per confirmed finding."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from wagtail.models import ModelLogEntry

from accounts import services
from accounts.models import User
from core.roles import Role
from tests.accounts.factories import PASSWORD, confirmed_totp_device, current_totp

NEW_PASSWORD = "Heel-Ander-Wachtwoord-4711"


def _login(client, email, password=PASSWORD):
    return client.post("/account/inloggen/", {"username": email, "password": password})


def _bulk_url(action: str, *users) -> str:
    ids = "&".join(f"id={u.pk}" for u in users)
    return f"/beheer/bulk/accounts/user/{action}/?{ids}&next=/beheer/users/"


# --- Beheerder takes over a referral-role account through Wagtail's user edit form ----------


@pytest.mark.django_db
def test_beheerder_cannot_set_password_or_email_of_a_referral_role_holder(client, make_user, login_with_mfa):
    """Setting the privacy officer's password (or e-mail, then a reset) and resetting their MFA
    would let a Beheerder log in as the FG and approve referral roles: four eyes defeated."""
    admin = make_user(Role.ADMIN, district=None)
    fg = make_user(Role.PRIVACY_OFFICER, district=None)
    login_with_mfa(client, admin)
    client.post(
        f"/beheer/users/edit/{fg.pk}/",
        {
            "email": "beheerder-brievenbus@example.nl",
            "first_name": fg.first_name,
            "last_name": fg.last_name,
            "is_active": "on",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    fg.refresh_from_db()
    assert not fg.check_password(NEW_PASSWORD)
    assert fg.email != "beheerder-brievenbus@example.nl"


# --- Wagtail's bulk "Assign role" skips the role rules -------------------------------------


@pytest.mark.django_db
def test_bulk_assign_role_cannot_give_the_beheerder_a_role_themselves(client, make_user, login_with_mfa):
    admin = make_user(Role.ADMIN, district=None)
    login_with_mfa(client, admin)
    secretariat = Group.objects.get(name="Secretariaat")
    response = client.post(_bulk_url("assign_role", admin), {"role": secretariat.pk})
    assert response.status_code == 404
    assert not admin.groups.filter(pk=secretariat.pk).exists()


@pytest.mark.django_db
def test_bulk_assign_role_goes_through_the_logged_service(client, make_user, login_with_mfa):
    admin = make_user(Role.ADMIN, district=None)
    subject = make_user(Role.PARTNER)
    login_with_mfa(client, admin)
    aov = Group.objects.get(name="AOV")
    client.post(_bulk_url("assign_role", subject), {"role": aov.pk})
    assert subject.groups.filter(pk=aov.pk).exists()
    assert ModelLogEntry.objects.filter(action="vbg.role.assigned", user=admin, object_id=str(subject.pk)).exists()


# --- Wagtail's bulk "Set active state" does not end sessions -------------------------------


@pytest.mark.django_db
def test_bulk_deactivation_ends_the_users_sessions(
    client, make_user, login_with_mfa, django_capture_on_commit_callbacks
):
    admin = make_user(Role.ADMIN, district=None)
    partner = make_user(Role.PARTNER)
    victim_client = Client()
    _login(victim_client, partner.email)
    session_key = victim_client.session.session_key
    login_with_mfa(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_bulk_url("set_active_state", partner), {"mark_as_active": "False"})
    partner.refresh_from_db()
    assert not partner.is_active
    # Otherwise the session comes back to life when the account is re-activated.
    assert not Session.objects.filter(session_key=session_key).exists()


# --- Login throttle: Unicode variants of the e-mail address are the same account --------------


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_FREE_ATTEMPTS=2, LOGIN_THROTTLE_BASE_SECONDS=600)
def test_throttle_cannot_be_dodged_with_unicode_variants_of_the_email(make_user):
    user = make_user(Role.COACH)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        _login(attacker, user.email, "fout")
    assert _login(attacker, user.email).status_code == 429
    # Full-width letters normalise (NFKC) to the same address at login: a fresh bucket per variant.
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in user.email.split("@")[0])
    variant = fullwidth + "@" + user.email.split("@")[1]
    assert _login(attacker, variant).status_code == 429
    assert _login(attacker, user.email.upper()).status_code == 429


# --- Case-variant duplicate e-mail addresses lock the real person out ------------------------


@pytest.mark.django_db
def test_an_email_differing_only_in_case_cannot_be_registered(make_user, login_with_mfa):
    admin = make_user(Role.ADMIN, district=None)
    victim = make_user(Role.PARTNER)
    client = login_with_mfa(Client(), admin)
    client.post(
        "/beheer/users/new/",
        {
            "email": victim.email.upper(),
            "first_name": "Dubbel",
            "last_name": "Account",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert User.objects.filter(email__iexact=victim.email).count() == 1
    assert _login(Client(), victim.email).status_code == 302


# --- Sessions whose key was cycled (password change) survive an MFA reset ----------------------


@pytest.mark.django_db
def test_mfa_reset_ends_a_session_whose_key_changed_with_a_password_change(
    make_user, login_with_mfa, django_capture_on_commit_callbacks
):
    admin = make_user(Role.ADMIN, district=None)
    coach = make_user(Role.COACH, district=None)
    client = login_with_mfa(Client(), coach)
    response = client.post(
        "/account/wachtwoord/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        services.mfa_reset(actor=admin, user=coach, reason="Telefoon kwijt")
    # Without the password nobody may enrol a new authenticator for the coach.
    response = client.get("/account/mfa/instellen/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


# --- MFA gate: "/favicon" was an open prefix, not a file -------------------------------------


@pytest.mark.django_db
def test_mfa_gate_only_opens_the_favicon_file_itself(client, make_user):
    user = make_user(Role.SECRETARIAT)
    _login(client, user.email)
    response = client.get("/favicon-district-kennemerland/")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/")


# --- Websocket: password change / MFA loss closes the socket ---------------------------------


def _communicator(cookie: str):
    from vbg_platform.asgi import application

    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def _cookie(client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.mark.django_db(transaction=True)
def test_websocket_closes_when_the_password_changes(client, make_user):
    user = make_user(Role.PARTNER)
    _login(client, user.email)
    cookie = _cookie(client)

    def change_password():
        user.set_password(NEW_PASSWORD)
        user.save()

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await sync_to_async(change_password)()
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_websocket_closes_when_the_mfa_device_is_gone(client, make_user):
    user = make_user(Role.COACH)
    device = confirmed_totp_device(user)
    _login(client, user.email)
    client.post("/account/mfa/", {"token": current_totp(device)})
    cookie = _cookie(client)

    def drop_devices():
        user.totpdevice_set.all().delete()
        services.sessions_refresh_access(user_id=user.pk)

    async def scenario():
        communicator = _communicator(cookie)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()
        await sync_to_async(drop_devices)()
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()


def test_nobody_changes_another_persons_email_or_password_in_the_admin(make_user):
    from accounts.admin_viewsets import RoleSafeUserEditForm

    partner = make_user(Role.PARTNER)
    form = RoleSafeUserEditForm(instance=partner)
    assert form.fields["email"].disabled
    assert "password1" not in form.fields and "password2" not in form.fields


def test_mfa_secrets_are_not_cached(client, make_user):
    user = make_user(Role.COACH)
    client.post("/account/inloggen/", {"username": user.email, "password": "Een-Goed-Wachtwoord-2026"})
    response = client.get("/account/mfa/instellen/")
    assert "no-store" in response["Cache-Control"]


def test_a_multi_line_title_becomes_one_line(make_user, mailoutbox, django_capture_on_commit_callbacks):
    from notifications.services import notify

    user = make_user(Role.PARTNER)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind="actions.assigned", title="Agenda\r\nBcc: evil@example.com", url="/")
    assert len(mailoutbox) == 1 and "\n" not in mailoutbox[0].subject
