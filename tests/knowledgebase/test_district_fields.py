"""Issue #19.16: "what the page is about" and "who may see it" are two district fields on two tabs of the page
editor. A page ticked "Kennemerland" only as its subject stayed public, and nothing said so."""

import pytest
from bs4 import BeautifulSoup
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from core.roles import Role
from knowledgebase.models import BestPracticePage
from stakeholders.models import District

from .factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary_client(client, make_user, login_with_mfa):
    return login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))


def _editor_form(html: str) -> dict:
    """The page editor's fields as a browser would post them, except the body, which Wagtail's JavaScript
    renders (the tests post it themselves)."""
    form = BeautifulSoup(html, "html.parser").select_one("form[data-edit-form]")
    data: dict[str, list[str]] = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if name.startswith("body-") or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "select":
            values = [option.get("value", "") for option in field.select("option[selected]")]
        elif field.get("type") in ("checkbox", "radio"):
            values = [field.get("value", "on")] if field.has_attr("checked") else []
        elif field.name == "textarea":
            values = [field.text.lstrip("\n")]
        else:
            values = [field.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def _save_draft(client, page, **changes):
    url = f"/beheer/pages/{page.pk}/edit/"
    data = _editor_form(client.get(url).text)
    data.update({name: [str(v) for v in value] for name, value in changes.items()})
    data.update(nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Tekst</p>"))])}))
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _district(code: str) -> District:
    return District.objects.get(code=code)


def test_the_editor_says_which_district_field_restricts(secretary_client, reference_data):
    page = article("Kennemerlandse aanpak", visibility="partners")
    html = secretary_client.get(f"/beheer/pages/{page.pk}/edit/").text
    assert "Gaat over districten (onderwerp, beperkt niets)" in html
    assert "Dit bepaalt niet wie de pagina ziet" in html
    assert "Alleen zichtbaar voor deze districten" in html
    # Next to the subject: who sees the page now, and where that is chosen.
    note = BeautifulSoup(html, "html.parser").select_one("[data-visibility-note]").get_text(" ", strip=True)
    assert "iedere ingelogde partner, uit alle districten" in note and "tabblad Instellingen" in note


def test_saving_a_page_about_one_district_that_everyone_sees_warns(secretary_client, reference_data):
    page = article("Kennemerlandse aanpak", visibility="public")
    response = _save_draft(secretary_client, page, districts=[_district("KEN").pk])
    assert BestPracticePage.objects.get(pk=page.pk).get_latest_revision_as_object().districts.get().code == "KEN"
    warnings = [m for m in _messages(response) if m.startswith("Let op")]
    assert len(warnings) == 1
    assert "gaat over Kennemerland, maar is zichtbaar voor iedereen, ook wie niet is ingelogd" in warnings[0]
    assert "Alleen de gekozen districtsplatforms" in warnings[0]
    # The editor it lands on says it again beside the field.
    assert "gaat over Kennemerland" in response.text.split("data-visibility-note", 1)[1][:2000]


@pytest.mark.parametrize(
    ("visibility", "about", "visible"),
    [("districts", ["KEN"], ["KEN"]), ("public", [], []), ("partners", ["KEN", "NHN", "ZW"], [])],
)
def test_no_warning_when_the_page_is_restricted_or_about_no_single_district(
    secretary_client, reference_data, visibility, about, visible
):
    page = article("Aanpak", visibility="partners")
    response = _save_draft(
        secretary_client,
        page,
        visibility=[visibility],
        districts=[_district(code).pk for code in about],
        visible_districts=[_district(code).pk for code in visible],
    )
    assert not [m for m in _messages(response) if m.startswith("Let op")]
    assert any("is gewijzigd" in m or "has been updated" in m for m in _messages(response))
