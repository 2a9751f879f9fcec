import pytest

pytestmark = pytest.mark.django_db


def test_front_end_headers(client, reference_data):
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_inline_scripts_in_front_end_pages(client, make_user):
    client.force_login(make_user("partner"))
    for path in ["/", "/account/", "/meldingen/", "/privacyverklaring/"]:
        html = client.get(path).text
        for chunk in html.split("<script")[1:]:
            assert chunk.split(">", 1)[0].strip().startswith("src="), f"inline script on {path}"
        assert "http://" not in html.replace("http://127.0.0.1", "").split("<body", 1)[0]


def test_admin_gets_its_own_policy(client, make_user, login_with_mfa):
    login_with_mfa(client, make_user("secretariat"))
    response = client.get("/beheer/")
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
