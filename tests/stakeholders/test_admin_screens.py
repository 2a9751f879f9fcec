"""The secretariat's CRM screens in the Wagtail admin, and their formula-safe exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from core.exports import neutralise_formula
from core.roles import Role
from tests.stakeholders.factories import ContactFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil")', "+31 20 123", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_secretariat_lists_filters_and_inspects_organisations(secretariat_client, reference_data):
    kept = OrganisationFactory(name="HHNK Waterbeheer Noorderkwartier")
    MembershipFactory(organisation=kept)
    OrganisationFactory(name="Oude Partner", is_active=False)
    base = "/beheer/snippets/stakeholders/organisation/"
    listing = secretariat_client.get(base)
    assert listing.status_code == 200 and "HHNK Waterbeheer" in listing.text
    filtered = secretariat_client.get(base, {"is_active": "false"})
    assert "Oude Partner" in filtered.text and "HHNK Waterbeheer" not in filtered.text
    assert "HHNK Waterbeheer" in secretariat_client.get(base, {"q": "noorderkwartier"}).text
    assert secretariat_client.get(f"{base}inspect/{kept.pk}/").status_code == 200
    assert secretariat_client.get(f"{base}history/{kept.pk}/").status_code == 200


def test_nothing_is_hard_deleted_by_the_secretariat(secretariat_client, reference_data):
    organisation = OrganisationFactory()
    response = secretariat_client.post(f"/beheer/snippets/stakeholders/organisation/delete/{organisation.pk}/")
    assert response.status_code in (302, 403)
    assert type(organisation).objects.filter(pk=organisation.pk).exists()


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_formula(value):
    assert neutralise_formula(value) == "'" + value
    assert neutralise_formula("Liander") == "Liander"
    assert neutralise_formula(12) == 12


def test_csv_export_cannot_run_formulas(secretariat_client, reference_data):
    for number, hostile in enumerate(HOSTILE):
        ContactFactory(first_name=hostile, last_name=f"Test{number}")
    response = secretariat_client.get("/beheer/snippets/stakeholders/contact/", {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    first_names = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert first_names and all(not name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in first_names)
    assert '\'=HYPERLINK("http://evil")' in first_names


def test_xlsx_export_cannot_run_formulas(secretariat_client, reference_data):
    for number, hostile in enumerate(HOSTILE):
        ContactFactory(first_name=hostile, last_name=f"Test{number}")
    response = secretariat_client.get("/beheer/snippets/stakeholders/contact/", {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells and all(not str(cell).startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AOV, Role.COACH])
def test_others_cannot_open_the_crm_screens(client, make_user, login_with_mfa, role):
    login_with_mfa(client, make_user(role))
    response = client.get("/beheer/snippets/stakeholders/contact/", {"export": "csv"})
    assert response.status_code in (302, 403, 404)
    assert b"Test" not in (response.content if not response.streaming else b"")


def test_interaction_records_its_author(secretariat_client, reference_data, make_user):
    from stakeholders.models import Interaction

    organisation = OrganisationFactory()
    response = secretariat_client.post(
        "/beheer/snippets/stakeholders/interaction/add/",
        {"kind": "call", "date": "2026-11-01", "organisation": organisation.pk, "summary": "Gebeld over de agenda"},
    )
    assert response.status_code == 302, response.content[:2000]
    interaction = Interaction.objects.get()
    assert interaction.created_by is not None


def test_bulk_deactivate_keeps_the_organisations(
    secretariat_client, reference_data, django_capture_on_commit_callbacks
):
    from wagtail.models import ModelLogEntry

    from search.models import SearchDocument
    from stakeholders.models import Organisation

    first, second = OrganisationFactory(name="Eerste"), OrganisationFactory(name="Tweede")
    url = f"/beheer/bulk/stakeholders/organisation/deactivate/?id={first.pk}&id={second.pk}"
    confirm = secretariat_client.get(url)
    assert confirm.status_code == 200 and "Eerste" in confirm.text and "geschiedenis blijft bewaard" in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url)
    # The search index follows: partners no longer find them (only the secretariat does).
    assert set(
        SearchDocument.objects.filter(
            doc_type="organisation", object_id__in=[str(first.pk), str(second.pk)]
        ).values_list("access_level", flat=True)
    ) == {"closed"}
    assert response.status_code == 302
    assert set(Organisation.objects.filter(pk__in=[first.pk, second.pk]).values_list("is_active", flat=True)) == {False}
    assert ModelLogEntry.objects.filter(action="vbg.crm.deactivated").count() == 2


def test_partner_cannot_bulk_deactivate(client, make_user, reference_data):
    from stakeholders.models import Organisation

    organisation = OrganisationFactory()
    client.force_login(make_user(Role.PARTNER))
    client.post(f"/beheer/bulk/stakeholders/organisation/deactivate/?id={organisation.pk}")
    assert Organisation.objects.get(pk=organisation.pk).is_active


@pytest.mark.parametrize("model", ["organisation", "contact", "interaction"])
def test_beheerder_has_no_crm_screens(client, make_user, login_with_mfa, reference_data, model):
    """The Beheerder reaches the Wagtail admin for users, but the CRM is the secretariat's."""
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    assert client.get("/beheer/users/").status_code == 200
    assert client.get(f"/beheer/snippets/stakeholders/{model}/").status_code == 404
