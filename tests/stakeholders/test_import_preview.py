"""Issue #19.17: the import preview tried as the secretariat would. Partner types are chosen by name, the
duplicate check knows a short name from its long form, a possible duplicate can still be added as new, and
the CRM lists speak Dutch."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from stakeholders.imports import import_batch_confirm, import_batch_create, import_batch_edit, import_preview
from stakeholders.models import Contact, Organisation
from tests.stakeholders.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HEADINGS = "naam;partnertype;kvk;plaats;gemeente\n"


def _batch(actor, lines: str, *, kind="organisations", headings=HEADINGS):
    upload = SimpleUploadedFile("o.csv", (headings + lines).encode(), content_type="text/csv")
    return import_batch_create(actor=actor, kind=kind, uploaded_file=upload)


def _duplicates(actor, lines: str) -> list[tuple[str, str | None]]:
    """(status, name of the organisation it may be) per row."""
    return [
        (row.status, row.duplicate_of.name if row.duplicate_of else None)
        for row in import_preview(batch=_batch(actor, lines)).rows
    ]


# --- The duplicate check ----------------------------------------------------------------------------


def test_a_long_name_is_a_possible_duplicate_of_its_short_name_and_back(secretariat, reference_data):
    OrganisationFactory(name="PWN", city="Velserbroek")
    OrganisationFactory(name="Hoogheemraadschap Hollands Noorderkwartier", city="Heerhugowaard")
    rows = import_preview(
        batch=_batch(
            secretariat,
            "PWN Waterleidingbedrijf Noord-Holland;pwn;;Andijk;\n"  # another place: the name says it
            "Hoogheemraadschap Hollands Noorderkwartier;hoogheemraadschap;;;\n",
        )
    ).rows
    assert [(row.status, row.duplicate_of.name) for row in rows] == [
        ("duplicate", "PWN"),
        ("duplicate", "Hoogheemraadschap Hollands Noorderkwartier"),
    ]
    assert rows[0].duplicate_reason == "de ene naam begint met de andere"
    OrganisationFactory(name="Staatsbosbeheer Regio West")
    assert _duplicates(secretariat, "Staatsbosbeheer;staatsbosbeheer;;;\n") == [
        ("duplicate", "Staatsbosbeheer Regio West")
    ]


def test_legal_forms_and_abbreviations_are_seen_through(secretariat, reference_data):
    OrganisationFactory(name="Stichting Het Hof", city="Schoorl")
    OrganisationFactory(name="LTO")
    assert _duplicates(
        secretariat, "Het Hof B.V.;lto;;Bergen;\nLand- en Tuinbouw Organisatie;lto;;;\nHet Hofje;lto;;Bergen;\n"
    ) == [("duplicate", "Stichting Het Hof"), ("duplicate", "LTO"), ("new", None)]


def test_different_organisations_with_a_common_first_word_are_new(secretariat, reference_data):
    OrganisationFactory(name="Recreatieschap Noord-Holland", city="Haarlem")
    OrganisationFactory(name="Gemeente Haarlem", city="Haarlem")
    assert _duplicates(
        secretariat,
        "Recreatieschap West-Friesland;recreatieschap-wf;;Hoorn;\nGemeente Haarlemmermeer;gemeente;;Hoofddorp;\n",
    ) == [("new", None), ("new", None)]


def test_a_possible_duplicate_can_still_be_added_as_new(secretariat, reference_data):
    OrganisationFactory(name="LTO Noord")
    batch = _batch(secretariat, "LTO Noord afdeling Waterland;lto;;Purmerend;\n")
    assert import_preview(batch=batch).rows[0].duplicate_of.name == "LTO Noord"
    import_batch_edit(actor=secretariat, batch=batch, edits={}, decisions={1: "new"})
    assert import_batch_confirm(actor=secretariat, batch=batch) == {"created": 1, "merged": 0, "skipped": 0}
    assert set(Organisation.objects.values_list("name", flat=True)) >= {"LTO Noord", "LTO Noord afdeling Waterland"}


def test_a_contact_found_by_email_cannot_be_added_twice(secretariat, reference_data):
    ContactFactory(email="piet@example.nl")
    batch = _batch(
        secretariat, "Piet;Jansen;piet@example.nl\n", kind="contacts", headings="voornaam;achternaam;email\n"
    )
    import_batch_edit(actor=secretariat, batch=batch, edits={}, decisions={1: "new"})
    assert import_batch_confirm(actor=secretariat, batch=batch) == {"created": 0, "merged": 0, "skipped": 1}
    assert Contact.objects.filter(email="piet@example.nl").count() == 1


# --- The preview screen -----------------------------------------------------------------------------


def _preview_page(client, lines: str, *, kind="organisations", headings=HEADINGS):
    upload = SimpleUploadedFile("o.csv", (headings + lines).encode(), content_type="text/csv")
    response = client.post("/beheer/crm/import/", {"kind": kind, "file": upload})
    assert response.status_code == 302
    return response["Location"], BeautifulSoup(client.get(response["Location"]).text, "html.parser")


def test_a_broken_partner_type_is_chosen_by_name_and_what_was_typed_stays(secretariat_client, reference_data):
    url, page = _preview_page(secretariat_client, "Camping De Weide;Recreatie;;Schoorl;\n")
    select = page.select_one('select[name="row-1-partnertype"]')
    options = {option.get_text(strip=True): option["value"] for option in select.select("option")}
    assert options["Hiswa/Recron (recreatieondernemers)"] == "hiswa-recron"
    assert options["PWN (drinkwaterbedrijf)"] == "pwn"
    chosen = select.select_one("option[selected]")
    assert (chosen["value"], chosen.get_text(strip=True)) == ("Recreatie", "Recreatie (onbekend)")
    assert "Kies er een uit de lijst" in page.select_one("#err-1-partnertype").get_text()
    # A municipality is typed with the names as suggestions.
    assert page.select_one('input[name="row-1-gemeente"]')["list"] == "import-list-gemeente"
    assert page.select_one('#import-list-gemeente option[value="Haarlem"]') is not None

    secretariat_client.post(url, {"row-1-partnertype": "hiswa-recron", "recheck": "1"})
    _url, page = url, BeautifulSoup(secretariat_client.get(url).text, "html.parser")
    row = page.select_one('tr[data-row="1"]')
    assert row["data-status"] == "new"
    assert "Hiswa/Recron (recreatieondernemers)" in row.get_text()  # the name, not the code


def test_a_partner_type_may_be_given_by_its_name_in_the_file(secretariat, reference_data):
    assert _duplicates(secretariat, "Camping De Weide;Hiswa/Recron (recreatieondernemers);;Schoorl;\n") == [
        ("new", None)
    ]


def test_a_possible_duplicate_of_an_organisation_offers_adding_it_as_new(secretariat_client, reference_data):
    OrganisationFactory(name="PWN")
    url, page = _preview_page(secretariat_client, "PWN Waterleidingbedrijf Noord-Holland;pwn;;;\n")
    choices = [radio["value"] for radio in page.select('input[name="decision-1"]')]
    assert choices == ["merge", "skip", "new"]
    assert "Lijkt op PWN" in page.select_one('tr[data-row="1"]').get_text()
    secretariat_client.post(url, {"decision-1": "new", "confirm": "1"})
    assert Organisation.objects.filter(name="PWN Waterleidingbedrijf Noord-Holland").exists()


def test_the_contact_preview_offers_yes_no_and_organisations(secretariat_client, reference_data):
    OrganisationFactory(name="Liander")
    _url, page = _preview_page(
        secretariat_client,
        "Piet;Jansen;12ab;Liandr;misschien\n",
        kind="contacts",
        headings="voornaam;achternaam;telefoon;organisatie;toestemming wie is wie\n",
    )
    consent = page.select_one('select[name="row-1-wie_is_wie"]')
    assert [o["value"] for o in consent.select("option")] == ["misschien", "ja", "nee"]
    assert page.select_one('input[name="row-1-organisatie"]')["list"] == "import-list-organisatie"
    assert page.select_one('#import-list-organisatie option[value="Liander"]') is not None


# --- The CRM lists in Dutch -------------------------------------------------------------------------


def test_the_contact_and_organisation_lists_speak_dutch(secretariat_client, reference_data):
    ContactFactory(last_name="Metoestemming", directory_consent=True)
    ContactFactory(last_name="Zondertoestemming", directory_consent=False)
    for url in ("/beheer/snippets/stakeholders/contact/", "/beheer/snippets/stakeholders/organisation/"):
        page = BeautifulSoup(secretariat_client.get(url).text, "html.parser")
        headings = [th.get_text(" ", strip=True) for th in page.select("thead th")]
        assert "Bijgewerkt" in headings and not any("Updated" in h for h in headings), headings
        cells = {td.get_text(strip=True) for td in page.select("tbody td")}
        assert "Ja" in cells and not cells & {"True", "False"}, url
    contacts = BeautifulSoup(secretariat_client.get("/beheer/snippets/stakeholders/contact/").text, "html.parser")
    assert "In Wie is wie" in [th.get_text(" ", strip=True) for th in contacts.select("thead th")]
    row = next(tr for tr in contacts.select("tbody tr") if "Zondertoestemming" in tr.get_text())
    assert "Nee" in [td.get_text(strip=True) for td in row.select("td")]


def test_the_contact_export_says_ja_and_nee(secretariat_client, reference_data):
    ContactFactory(last_name="Metoestemming", directory_consent=True)
    response = secretariat_client.get("/beheer/snippets/stakeholders/contact/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    consent = rows[0].index(next(h for h in rows[0] if "Wie is wie" in h))
    assert {row[consent] for row in rows[1:]} <= {"ja", "nee"} and "ja" in {row[consent] for row in rows[1:]}
