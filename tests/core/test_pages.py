import pytest

pytestmark = pytest.mark.django_db


def test_home_is_dutch_and_accessible_structure(client, reference_data):
    html = client.get("/").text
    assert '<html lang="nl">' in html
    assert 'href="#inhoud"' in html and '<main id="inhoud"' in html
    assert "<header" in html and "<footer" in html and 'aria-label="Hoofdmenu"' in html
    assert "Veilig Buitengebied" in html


def test_privacy_statement_states_the_retention_periods_from_settings(client, reference_data, settings):
    settings.RETENTION = {**settings.RETENTION, "access_logs_days": 123}
    html = client.get("/privacyverklaring/").text
    assert "Privacyverklaring" in html and "123 dagen" in html and "Bewaartermijn" in html


def test_accessibility_statement_exists(client, reference_data):
    response = client.get("/toegankelijkheidsverklaring/")
    assert response.status_code == 200 and "WCAG" in response.text and "AA" in response.text


def test_404_is_dutch(client, reference_data):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text


def test_500_page_is_dutch_and_standalone(client):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Er ging iets mis" in html


def test_site_pages_are_idempotent(reference_data):
    from wagtail.models import Page

    from core.services import site_pages_ensure

    before = Page.objects.count()
    site_pages_ensure()
    assert Page.objects.count() == before


def test_language_switch_to_english(client, reference_data):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/inloggen/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text and "E-mail address" in response.text
    back = client.post("/i18n/setlang/", {"language": "nl", "next": "/account/inloggen/"}, follow=True)
    assert "Inloggen" in back.text and "E-mailadres" in back.text


def test_secretariat_can_edit_pages_and_beheerder_cannot(client, make_user, login_with_mfa):
    from core.models import HomePage

    home = HomePage.objects.get()
    secretariat = make_user("secretariat")
    login_with_mfa(client, secretariat)
    assert client.get(f"/beheer/pages/{home.pk}/edit/").status_code == 200
    client.logout()
    login_with_mfa(client, make_user("admin", district=None))
    assert client.get(f"/beheer/pages/{home.pk}/edit/").status_code == 404


def test_dutch_even_when_the_browser_asks_for_english(client, reference_data):
    response = client.get("/account/inloggen/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl">' in response.text and response["Content-Language"] == "nl"


def _last_updated(html: str) -> str:
    import re

    found = re.search(r"Laatst bijgewerkt: ([^<]*)</p>", html)
    assert found, "no 'Laatst bijgewerkt' line"
    return found.group(1).strip()


def test_accessibility_statement_follows_the_dutch_model_and_says_when_it_was_updated(client, reference_data):
    from django.utils import formats, timezone

    html = client.get("/toegankelijkheidsverklaring/").text
    for part in (
        "Nalevingsstatus",
        "Datum en methode van het laatste onderzoek",
        "axe-core",
        "Bekende problemen",
        "Contact",
        "Nationale ombudsman",
    ):
        assert part in html, part
    assert _last_updated(html) == formats.date_format(timezone.localdate(), "j F Y")


def test_privacy_statement_says_when_it_was_updated(client, reference_data):
    assert _last_updated(client.get("/privacyverklaring/").text)


def test_an_untouched_old_accessibility_statement_is_brought_to_the_model_format(reference_data):
    from core.models import StatementPage
    from core.services import ACCESSIBILITY_BODY, ACCESSIBILITY_BODY_BEFORE_MODEL, site_pages_ensure

    statement = StatementPage.objects.get(slug="toegankelijkheidsverklaring")
    StatementPage.objects.filter(pk=statement.pk).update(body=ACCESSIBILITY_BODY_BEFORE_MODEL, last_published_at=None)
    site_pages_ensure()
    statement.refresh_from_db()
    assert statement.body == ACCESSIBILITY_BODY and statement.last_published_at is not None

    StatementPage.objects.filter(pk=statement.pk).update(body="<p>Eigen tekst van het secretariaat.</p>")
    site_pages_ensure()
    statement.refresh_from_db()
    assert statement.body == "<p>Eigen tekst van het secretariaat.</p>"
