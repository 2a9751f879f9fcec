import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings

from core.roles import Role
from tests.accounts.factories import PASSWORD, confirmed_totp_device, current_totp

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/account/inloggen/", {"username": email, "password": password}, **extra)


def test_login_page_is_dutch(client, reference_data):
    response = client.get("/account/inloggen/")
    assert response.status_code == 200
    assert "Inloggen" in response.text and "E-mailadres" in response.text and "Wachtwoord" in response.text


def test_partner_logs_in_without_mfa(client, make_user):
    user = make_user(Role.PARTNER)
    response = _login(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/account/").status_code == 200


def test_wrong_password_gives_a_dutch_error_and_no_session(client, make_user):
    user = make_user(Role.PARTNER)
    response = _login(client, user.email, "fout")
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.text
    assert SESSION_KEY not in client.session


def test_session_id_changes_at_login(client, make_user):
    user = make_user(Role.PARTNER)
    client.get("/account/inloggen/")
    client.session.save()
    before = client.session.session_key
    _login(client, user.email)
    assert client.session.session_key != before


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PARTNER])
def test_every_role_but_partner_must_pass_mfa(client, make_user, role):
    user = make_user(role)
    response = _login(client, user.email)
    assert response["Location"].startswith("/account/mfa/instellen/")
    # Nothing else opens before MFA: not the portal, not the Wagtail admin.
    assert client.get("/account/").status_code == 302
    assert client.get("/beheer/").status_code == 302
    assert client.get("/meldingen/").status_code == 302


def test_mfa_enrolment_then_verification(client, make_user):
    user = make_user(Role.SECRETARIAT)
    _login(client, user.email)
    page = client.get("/account/mfa/instellen/")
    assert page.status_code == 200 and "<svg" in page.text
    device = user.totpdevice_set.get(confirmed=False)
    wrong = client.post(
        "/account/mfa/instellen/", {"token": "000000" if current_totp(device) != "000000" else "111111"}
    )
    assert "klopt niet" in wrong.text
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes a person wait a second after a wrong code
    done = client.post("/account/mfa/instellen/", {"token": current_totp(device)})
    assert done.status_code == 200 and "herstelcodes" in done.text.lower()
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/beheer/").status_code == 200

    # Next login: the recovery code works once.
    other = Client()
    _login(other, user.email)
    assert other.post("/account/mfa/", {"token": codes[0]}).status_code == 302
    third = Client()
    _login(third, user.email)
    reused = third.post("/account/mfa/", {"token": codes[0]})
    assert reused.status_code == 200 and "klopt niet" in reused.text
    blocked = third.post("/account/mfa/", {"token": codes[1]})
    assert "Te veel onjuiste codes" in blocked.text  # back-off after a wrong code


def test_mfa_verify_with_totp(client, make_user):
    user = make_user(Role.COACH)
    device = confirmed_totp_device(user)
    response = _login(client, user.email)
    assert response["Location"].startswith("/account/mfa/?next=")
    response = client.post("/account/mfa/?next=/meldingen/", {"token": current_totp(device)})
    assert response.status_code == 302 and response["Location"] == "/meldingen/"
    assert client.get("/meldingen/").status_code == 200


def test_mfa_next_parameter_cannot_leave_the_site(client, make_user):
    user = make_user(Role.COACH)
    device = confirmed_totp_device(user)
    _login(client, user.email)
    response = client.post("/account/mfa/?next=https://evil.example/", {"token": current_totp(device)})
    assert response["Location"] == "/"


def test_the_wagtail_admin_login_has_no_password_form(client, make_user):
    user = make_user(Role.SECRETARIAT)
    response = client.post("/beheer/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")
    assert SESSION_KEY not in client.session
    assert client.get("/beheer/")["Location"].startswith("/account/inloggen/")


def test_django_admin_is_not_exposed(client, reference_data):
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/admin/").status_code == 404


class TestThrottling:
    @override_settings(LOGIN_THROTTLE_FREE_ATTEMPTS=3, LOGIN_THROTTLE_BASE_SECONDS=60)
    def test_backs_off_per_account_and_address(self, make_user):
        user = make_user(Role.COACH)
        attacker = Client(REMOTE_ADDR="203.0.113.9")
        for _ in range(3):
            assert _login(attacker, user.email, "fout").status_code == 200
        blocked = _login(attacker, user.email, PASSWORD)
        assert blocked.status_code == 429
        assert "Te veel mislukte pogingen" in blocked.text
        assert SESSION_KEY not in attacker.session
        # The coach at their own address is not locked out by the attacker.
        coach = Client(REMOTE_ADDR="198.51.100.7")
        assert _login(coach, user.email).status_code == 302

    @override_settings(LOGIN_THROTTLE_FREE_ATTEMPTS=1, LOGIN_THROTTLE_BASE_SECONDS=10)
    def test_wait_doubles_with_each_failure(self, make_user, rf):
        from accounts import throttle

        user = make_user(Role.PARTNER)
        request = rf.post("/account/inloggen/", REMOTE_ADDR="192.0.2.1")
        waits = [throttle.login_failed(request, user.email).wait_seconds() for _ in range(4)]
        assert waits == [10, 20, 40, 80]
        throttle.login_succeeded(request, user.email)
        assert throttle.login_wait_seconds(request, user.email) == 0

    @override_settings(LOGIN_THROTTLE_FREE_ATTEMPTS=2, TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_forwarded_address_is_believed_only_from_a_trusted_proxy(self, make_user):
        user = make_user(Role.PARTNER)
        via_proxy = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
        for _ in range(2):
            _login(via_proxy, user.email, "fout")
        assert _login(via_proxy, user.email).status_code == 429
        # Another real client behind the same proxy is not affected.
        other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.51")
        assert _login(other, user.email).status_code == 302
        # A direct client cannot dodge the throttle by inventing X-Forwarded-For.
        direct = Client(REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="1.1.1.1")
        for _ in range(2):
            _login(direct, user.email, "fout")
        spoofed = Client(REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="8.8.8.8")
        assert _login(spoofed, user.email).status_code == 429


def test_deactivating_a_user_ends_their_sessions(client, make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.PARTNER)
    _login(client, user.email)
    assert client.get("/account/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=client.session.session_key).exists()
    assert client.get("/account/").status_code == 302


def _session_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_in_use_is_renewed_at_most_once_a_minute(client, make_user, settings):
    import time_machine

    assert settings.SESSION_COOKIE_AGE <= 3600 and settings.SESSION_RENEW_INTERVAL == 60
    user = make_user(Role.PARTNER)
    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as clock:
        _login(client, user.email)
        client.get("/account/")
        first = _session_expiry(client)
        clock.shift(30)
        client.get("/account/")
        assert _session_expiry(client) == first  # within the interval: not written again
        clock.shift(31)
        client.get("/account/")
        assert (_session_expiry(client) - first).total_seconds() == 61


def test_an_idle_session_ends(client, make_user, settings):
    import time_machine

    user = make_user(Role.PARTNER)
    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as clock:
        _login(client, user.email)
        for _ in range(5):  # active for 25 minutes, a page every 5 minutes: still logged in
            clock.shift(5 * 60)
            assert client.get("/account/").status_code == 200
        clock.shift(settings.SESSION_COOKIE_AGE + 1)
        response = client.get("/account/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_an_idle_session_ends_even_when_the_store_still_holds_it(client, make_user, settings):
    """A cache's time to live runs on the cache server's clock; the renewal stamp in the session decides."""
    import time

    from core.middleware import IdleSessionMiddleware

    user = make_user(Role.PARTNER)
    _login(client, user.email)
    session = client.session
    session[IdleSessionMiddleware.RENEWED_KEY] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session.set_expiry(24 * 3600)  # the store would keep it for a day
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]
    assert client.get("/account/").status_code == 302  # the old session is gone, not just skipped once


def test_an_anonymous_visit_starts_no_session(client, reference_data, settings):
    from django.contrib.sessions.models import Session

    response = client.get("/privacyverklaring/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


def test_password_reset_mail_is_dutch(client, make_user, mailoutbox):
    user = make_user(Role.PARTNER)
    response = client.post("/account/wachtwoord-vergeten/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "Nieuw wachtwoord" in mailoutbox[0].subject
    assert "/account/wachtwoord-herstellen/" in mailoutbox[0].body
