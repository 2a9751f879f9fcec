"""Import of organisations and contacts: preview with Dutch errors, fixes, merge or skip, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.roles import Role
from stakeholders.imports import ImportFileError, import_batch_confirm, import_batch_create, import_preview
from stakeholders.models import Affiliation, Contact, ImportBatch, Organisation
from tests.stakeholders.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CONTACTS_CSV = (
    "Voornaam;Achternaam;Functie;E-mail;Telefoon;Organisatie;Toestemming Wie is wie;Onbekend\n"
    "Janneke;Visser;Relatiebeheerder;janneke@liander.nl;06-12345678;Liander;ja;x\n"
    "Piet;Jansen;Wijkagent;piet@politie.nl;12ab;Liander;nee;x\n"
    "Klaas;Bakker;;klaas@lto.nl;;Bestaat Niet BV;ja;x\n"
    "Anna;de Vries;;bestaand@example.nl;;;misschien;x\n"
)


@pytest.fixture
def liander(reference_data):
    return OrganisationFactory(name="Liander")


def _upload(name: str, content: bytes | str, content_type="text/csv"):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type=content_type)


def _rows_by_status(preview):
    return {row.number: row.status for row in preview.rows}


def test_preview_reports_each_broken_row_in_dutch_and_changes_nothing(secretariat, liander):
    ContactFactory(email="bestaand@example.nl")
    before = Contact.objects.count()
    batch = import_batch_create(actor=secretariat, kind="contacts", uploaded_file=_upload("c.csv", CONTACTS_CSV))
    preview = import_preview(batch=batch)
    assert _rows_by_status(preview) == {1: "new", 2: "error", 3: "error", 4: "error"}
    assert "Nederlands telefoonnummer" in preview.rows[1].errors["telefoon"][0]
    assert "Onbekende organisatie 'Bestaat Niet BV'" in preview.rows[2].errors["organisatie"][0]
    assert "vul ja of nee in" in preview.rows[3].errors["wie_is_wie"][0]
    assert batch.ignored_columns == ["Onbekend"]
    with pytest.raises(Exception, match="rijen met fouten"):
        import_batch_confirm(actor=secretariat, batch=batch)
    assert Contact.objects.count() == before


def test_fix_in_preview_then_all_or_nothing_import_with_merge_and_skip(client, secretariat, liander, login_with_mfa):
    existing = ContactFactory(email="bestaand@example.nl", first_name="Anna", function="")
    login_with_mfa(client, secretariat)
    response = client.post("/beheer/crm/import/", {"kind": "contacts", "file": _upload("c.csv", CONTACTS_CSV)})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200 and "Nederlands telefoonnummer" in page.text
    fixes = {
        "row-2-telefoon": "020-1234567",
        "row-3-organisatie": "Liander",
        "row-4-wie_is_wie": "ja",
        "recheck": "1",
    }
    client.post(preview_url, fixes)
    page = client.get(preview_url)
    assert [row.status for row in page.context["preview"].rows] == ["new", "new", "new", "duplicate"]
    response = client.post(preview_url, {"decision-4": "merge", "confirm": "1"})
    assert response.status_code == 302
    assert Contact.objects.filter(email__in=["janneke@liander.nl", "piet@politie.nl", "klaas@lto.nl"]).count() == 3
    assert Affiliation.objects.filter(organisation=liander).count() == 3
    existing.refresh_from_db()
    assert existing.directory_consent and existing.directory_consent_at is not None
    assert Contact.objects.filter(email="bestaand@example.nl").count() == 1
    assert ImportBatch.objects.get().status == ImportBatch.Status.IMPORTED


def test_skip_leaves_the_existing_contact_alone(secretariat, liander):
    existing = ContactFactory(email="janneke@liander.nl", function="Oud")
    csv_text = "voornaam,achternaam,functie,email\nJanneke,Visser,Nieuw,JANNEKE@liander.nl\n"
    batch = import_batch_create(actor=secretariat, kind="contacts", uploaded_file=_upload("c.csv", csv_text))
    preview = import_preview(batch=batch)
    assert preview.rows[0].status == "duplicate" and preview.rows[0].duplicate_of == existing
    assert import_batch_confirm(actor=secretariat, batch=batch) == {"created": 0, "merged": 0, "skipped": 1}
    existing.refresh_from_db()
    assert existing.function == "Oud"


def test_same_email_twice_in_the_file_is_an_error(secretariat, reference_data):
    csv_text = "voornaam,achternaam,email\nA,B,a@b.nl\nC,D,A@B.NL\n"
    batch = import_batch_create(actor=secretariat, kind="contacts", uploaded_file=_upload("c.csv", csv_text))
    row = import_preview(batch=batch).rows[1]
    assert row.status == "error" and "ook in rij 1" in row.errors["email"][0]


def test_organisations_from_xlsx_with_duplicates_by_kvk_and_near_name(secretariat, reference_data):
    from stakeholders.models import Municipality

    alkmaar = Municipality.objects.get(name="Alkmaar")
    OrganisationFactory(name="LTO Noord", kvk_number="12345678")
    OrganisationFactory(name="Stichting Agrarisch Natuurbeheer Alkmaar", city="Alkmaar")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Naam", "Partnertype", "KvK", "Plaats", "Gemeente", "Districten", "Telefoon"])
    sheet.append(["LTO Noord afdeling", "lto", "12345678", "Alkmaar", "Alkmaar", "NHN", "072-5111111"])
    sheet.append(["Stichting Agrarisch Natuurbeheer Alkmaar.", "anv-hollands-noorden", "", "Alkmaar", "", "", ""])
    sheet.append(["Nieuwe Partner", "Staatsbosbeheer", "87654321", "Schoorl", "", "NHN, KEN", ""])
    sheet.append(["Fout", "onbekend-type", "123", "", "", "Utrecht", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = import_batch_create(
        actor=secretariat, kind="organisations", uploaded_file=_upload("o.xlsx", buffer.getvalue())
    )
    preview = import_preview(batch=batch)
    assert [row.status for row in preview.rows] == ["duplicate", "duplicate", "new", "error"]
    assert set(preview.rows[3].errors) == {"partnertype", "kvk", "districten"}
    assert "Onbekend partnertype" in preview.rows[3].errors["partnertype"][0]
    assert "8 cijfers" in preview.rows[3].errors["kvk"][0]
    batch.rows = batch.rows[:3]
    batch.decisions = {"1": "merge"}
    batch.save()
    assert import_batch_confirm(actor=secretariat, batch=batch) == {"created": 1, "merged": 1, "skipped": 1}
    merged = Organisation.objects.get(kvk_number="12345678")
    assert merged.name == "LTO Noord" and merged.phone == "072-5111111"
    assert set(merged.memberships.values_list("district__code", flat=True)) == {"NHN"}
    assert alkmaar in merged.municipalities.all()
    created = Organisation.objects.get(name="Nieuwe Partner")
    assert set(created.memberships.values_list("district__code", flat=True)) == {"NHN", "KEN"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.png", b"\x89PNG\r\n", "Kies een .csv- of .xlsx-bestand"),
        ("nep.xlsx", b"gewoon tekst", "geen echt Excel-bestand"),
        ("leeg.csv", b"", "leeg"),
        ("bin.csv", b"a,b\x00\x00\x00", "geen tekstbestand"),
        ("kolommen.csv", b"wie,wat\n1,2\n", "ontbreken"),
        ("groot.csv", b"voornaam,achternaam\n" + b"a,b\n" * 600_000, "groter dan 2 MB"),
        ("kapot.xlsx", b"PK\x03\x04kapot", "beschadigd"),
    ],
)
def test_bad_files_get_a_clear_dutch_message_and_store_nothing(secretariat, reference_data, name, content, message):
    with pytest.raises(ImportFileError, match=message):
        import_batch_create(actor=secretariat, kind="contacts", uploaded_file=_upload(name, content))
    assert not ImportBatch.objects.exists()


def test_windows_csv_with_accents_is_read(secretariat, reference_data):
    text = "voornaam;achternaam\nJoël;Brûlé\n".encode("cp1252")
    batch = import_batch_create(actor=secretariat, kind="contacts", uploaded_file=_upload("w.csv", text))
    assert batch.rows == [{"voornaam": "Joël", "achternaam": "Brûlé"}]


def test_upload_page_shows_the_error_on_the_form(client, secretariat, reference_data, login_with_mfa):
    login_with_mfa(client, secretariat)
    response = client.post("/beheer/crm/import/", {"kind": "contacts", "file": _upload("x.pdf", b"%PDF-1.4")})
    assert response.status_code == 200 and "Kies een .csv- of .xlsx-bestand" in response.text


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN, Role.COACH])
def test_only_the_secretariat_imports(client, make_user, login_with_mfa, role, reference_data):
    login_with_mfa(client, make_user(role))
    assert client.get("/beheer/crm/import/").status_code in (302, 403, 404)
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        import_batch_create(
            actor=make_user(role), kind="contacts", uploaded_file=_upload("c.csv", "voornaam,achternaam\nA,B\n")
        )


def test_preview_runs_a_constant_number_of_queries(secretariat, reference_data, django_assert_max_num_queries):
    def batch_of(n):
        lines = "".join(f"Naam{i},Achternaam{i},p{i}@example.nl\n" for i in range(n))
        return import_batch_create(
            actor=secretariat, kind="contacts", uploaded_file=_upload("c.csv", "voornaam,achternaam,email\n" + lines)
        )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 60):
        batch = batch_of(size)
        with CaptureQueriesContext(connection) as captured:
            import_preview(batch=batch)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
