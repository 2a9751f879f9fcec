"""Issue #19 item 10: every `<title>` is "page | portal name" (never the host, never the name twice), and
someone who passed only the password sees the minimal header: no menu, bell, account link or live updates."""

import re

import pytest

from core.roles import Role
from notifications.services import notify
from tests.accounts.factories import PASSWORD, confirmed_totp_device, current_totp

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)


def test_the_login_page_title_names_the_portal_not_the_host(client, reference_data):
    # Django's LoginView puts the host in `site_name`: the title read "Inloggen | testserver".
    assert _title(client.get("/account/inloggen/")) == "Inloggen | Veilig Buitengebied"


def test_a_page_named_after_the_portal_has_its_name_once(client, reference_data):
    assert _title(client.get("/")) == "Veilig Buitengebied"


def test_a_page_title_is_escaped_once(client, make_user, reference_data):
    client.force_login(make_user(Role.PARTNER))
    assert _title(client.get("/zoeken/?q=a%26b")) == "Zoeken naar ‘a&amp;b’ | Veilig Buitengebied"


def _header(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def test_the_code_step_shows_the_minimal_header(client, make_user):
    user = make_user(Role.AOV)
    device = confirmed_totp_device(user)
    notify(recipients=[user], kind="announcement", title="Nieuwe folder")
    client.post("/account/inloggen/", {"username": user.email, "password": PASSWORD})

    code_step = client.get("/account/mfa/?next=/")
    assert code_step.status_code == 200
    header = _header(code_step.text)
    assert 'aria-label="Hoofdmenu"' not in header and "Integrale acties" not in header
    assert "data-bell" not in header and "data-unread-count" not in header
    assert "Mijn account" not in header and 'role="search"' not in header
    assert "notifications.js" not in code_step.text
    assert "Uitloggen" in header  # the way out stays
    assert _title(code_step) == "Tweestapsverificatie | Veilig Buitengebied"

    client.post("/account/mfa/?next=/", {"token": current_totp(device)})
    home = _header(client.get("/").text)
    assert 'aria-label="Hoofdmenu"' in home and "Integrale acties" in home
    assert "data-bell" in home and "Mijn account" in home


def test_the_enrolment_step_shows_the_minimal_header_too(client, make_user):
    user = make_user(Role.COACH)
    client.post("/account/inloggen/", {"username": user.email, "password": PASSWORD})
    enrolment = client.get("/account/mfa/instellen/")
    assert enrolment.status_code == 200
    header = _header(enrolment.text)
    assert 'aria-label="Hoofdmenu"' not in header and "Doorverwijzingen" not in header
    assert "data-bell" not in header and "Mijn account" not in header


def test_the_language_switch_works_on_the_code_step(client, make_user):
    user = make_user(Role.AOV)
    confirmed_totp_device(user)
    client.post("/account/inloggen/", {"username": user.email, "password": PASSWORD})
    response = client.get("/taal/en/?volgende=/account/mfa/")
    assert response.status_code == 302 and response["Location"] == "/account/mfa/"
    assert '<html lang="en">' in client.get("/account/mfa/").text
