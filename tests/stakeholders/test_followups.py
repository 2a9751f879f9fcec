"""Follow-ups of the CRM review: import duplicates and retention, merge permissions, anonymised affiliations,
directory filters and a large import preview."""

import datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.roles import Role
from stakeholders.imports import import_batch_confirm, import_batch_create, import_preview
from stakeholders.merge import contact_merge, organisation_merge, record_merge
from stakeholders.models import Affiliation, Contact, District, ImportBatch, Municipality, Organisation, PartnerType
from stakeholders.personal_data import contact_anonymise, contact_personal_data_exported
from stakeholders.tasks import purge_stale_import_previews
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ORGANISATION_HEADINGS = "naam;partnertype;kvk;plaats;gemeente\n"


def _upload(name: str, text: str):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _organisation_batch(actor, lines: str) -> ImportBatch:
    return import_batch_create(
        actor=actor, kind="organisations", uploaded_file=_upload("o.csv", ORGANISATION_HEADINGS + lines)
    )


# --- 1. Near-same name in a municipality the organisation works in --------------------------------------


def test_near_name_matches_an_organisation_that_works_in_the_rows_municipality(secretariat):
    alkmaar, haarlem = Municipality.objects.get(name="Alkmaar"), Municipality.objects.get(name="Haarlem")
    works_in_alkmaar = OrganisationFactory(name="Buurtvereniging De Linde", city="", municipality=None)
    works_in_alkmaar.municipalities.add(alkmaar)
    OrganisationFactory(name="Wijkvereniging Zuidpunt", city="").municipalities.add(haarlem)
    batch = _organisation_batch(
        secretariat,
        "Buurtvereniging de Lindes;lto;;;Alkmaar\n"  # near name, works in Alkmaar: the same organisation
        "Wijkvereniging Zuidpunten;lto;;;Alkmaar\n",  # near name, but that one works in Haarlem only
    )
    first, second = import_preview(batch=batch).rows
    assert first.status == "duplicate" and first.duplicate_of == works_in_alkmaar
    assert second.status == "new"


# --- 2. The same organisation twice in one file ---------------------------------------------------------


def test_the_same_organisation_twice_in_one_file_without_kvk_is_an_error(secretariat):
    batch = _organisation_batch(
        secretariat,
        "Dorpshuis De Schakel;lto;;Schoorl;\n"
        "Dorpshuis de Schakel.;lto;;Bergen;\n"  # same name (after normalising), anywhere
        "Buurtvereniging De Linde;lto;;Schoorl;\n"
        "Buurtvereniging de Lindes;lto;;Schoorl;\n"  # near name, same place
        "Stichting Erfgoed;lto;12345678;Schoorl;\n"
        "Stichting Erfgoed;lto;87654321;Schoorl;\n",  # two KvK numbers: two organisations
    )
    rows = import_preview(batch=batch).rows
    assert [row.status for row in rows] == ["new", "error", "new", "error", "new", "new"]
    assert "staat ook in rij 1" in rows[1].errors["naam"][0]
    assert "staat ook in rij 3" in rows[3].errors["naam"][0]
    with pytest.raises(ValidationError, match="rijen met fouten"):
        import_batch_confirm(actor=secretariat, batch=batch)
    assert not Organisation.objects.filter(name__startswith="Dorpshuis").exists()


# --- 3. Uploaded rows do not outlive the import ---------------------------------------------------------


def test_confirm_clears_the_uploaded_rows_and_keeps_the_counts(secretariat):
    batch = import_batch_create(
        actor=secretariat,
        kind="contacts",
        uploaded_file=_upload("c.csv", "voornaam;achternaam;email\nJanneke;Visser;janneke@example.nl\n"),
    )
    import_batch_confirm(actor=secretariat, batch=batch)
    batch.refresh_from_db()
    assert batch.rows == [] and batch.decisions == {}
    assert batch.summary == {"created": 1, "merged": 0, "skipped": 0}
    assert batch.created_by == secretariat and batch.imported_at is not None
    assert Contact.objects.filter(email="janneke@example.nl").exists()


def test_cancel_clears_the_uploaded_rows_and_logs_who_cancelled(secretariat_client, secretariat):
    batch = import_batch_create(
        actor=secretariat,
        kind="contacts",
        uploaded_file=_upload("c.csv", "voornaam;achternaam;email\nA;B;a@example.nl\nC;D;c@example.nl\n"),
    )
    response = secretariat_client.post(f"/beheer/crm/import/{batch.pk}/annuleren/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert batch.rows == [] and batch.decisions == {} and batch.summary == {"rows": 2}
    entry = ModelLogEntry.objects.get(action="vbg.crm.import_cancelled")
    assert entry.user_id == secretariat.pk and entry.object_id == str(batch.pk)
    assert not Contact.objects.filter(email="a@example.nl").exists()


def test_a_periodic_job_deletes_previews_nobody_finished_within_a_day(secretariat):
    from huey.contrib.djhuey import HUEY

    def batch():
        return import_batch_create(
            actor=secretariat,
            kind="contacts",
            uploaded_file=_upload("c.csv", "voornaam;achternaam;email\nA;B;a@example.nl\n"),
        )

    assert settings.RETENTION["import_preview_hours"] == 24
    stale, fresh, finished_long_ago = batch(), batch(), batch()
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    # Finished before confirm cleared the rows: the job clears them too.
    ImportBatch.objects.filter(pk=finished_long_ago.pk).update(
        status=ImportBatch.Status.IMPORTED, created_at=timezone.now() - datetime.timedelta(days=30)
    )

    purge_stale_import_previews.call_local()

    assert not ImportBatch.objects.filter(pk=stale.pk).exists()
    assert ImportBatch.objects.get(pk=fresh.pk).rows == [{"voornaam": "A", "achternaam": "B", "email": "a@example.nl"}]
    finished_long_ago.refresh_from_db()
    assert finished_long_ago.rows == [] and finished_long_ago.status == ImportBatch.Status.IMPORTED
    scheduled = HUEY.read_periodic(datetime.datetime(2026, 1, 5, 10, 17))
    assert "purge_stale_import_previews" in {task.name for task in scheduled}


# --- 4. The merge services check the actor themselves ---------------------------------------------------


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AOV, Role.ADMIN, None])
def test_merge_services_refuse_anyone_but_the_secretariat(make_user, role):
    actor = make_user(role) if role else None
    keep, duplicate = OrganisationFactory(name="Liander"), OrganisationFactory(name="Liander NV")
    first, second = ContactFactory(), ContactFactory()
    with pytest.raises(PermissionDenied):
        organisation_merge(actor=actor, keep=keep, duplicate=duplicate, field_choices={})
    with pytest.raises(PermissionDenied):
        contact_merge(actor=actor, keep=first, duplicate=second, field_choices={})
    with pytest.raises(PermissionDenied):
        record_merge(actor=actor, keep=keep, duplicate=duplicate, field_choices={})
    duplicate.refresh_from_db()
    second.refresh_from_db()
    assert duplicate.is_active and duplicate.name == "Liander NV" and second.anonymised_at is None


# --- 5. Anonymising never ends an affiliation before it starts ------------------------------------------


def test_anonymising_deletes_affiliations_that_have_not_started(secretariat):
    today = datetime.date.today()
    contact = ContactFactory()
    running = AffiliationFactory(contact=contact)
    ended = AffiliationFactory(contact=contact, end_date=today - datetime.timedelta(days=10))
    future = AffiliationFactory(contact=contact, start_date=today + datetime.timedelta(days=30))
    contact_anonymise(actor=secretariat, contact=contact, reason="Verzoek van betrokkene")
    assert not Affiliation.objects.filter(pk=future.pk).exists()
    running.refresh_from_db()
    assert running.end_date == today
    assert Affiliation.objects.get(pk=ended.pk).end_date == today - datetime.timedelta(days=10)
    assert all(a.end_date >= a.start_date for a in Affiliation.objects.filter(contact=contact))
    entry = ModelLogEntry.objects.get(action="vbg.crm.anonymised")
    assert entry.data["affiliations_ended"] == 1 and entry.data["future_affiliations_deleted"] == 1


# --- 6. One invalid directory filter does not drop the others -------------------------------------------


def test_an_invalid_directory_filter_is_named_and_the_other_filters_still_apply(client, make_user):
    ken = District.objects.get(code="KEN")
    MembershipFactory(organisation=OrganisationFactory(name="Liander Kennemerland"), district=ken)
    MembershipFactory(
        organisation=OrganisationFactory(
            name="Politie Kennemerland", partner_type=PartnerType.objects.get(code="politie")
        ),
        district=ken,
    )
    client.force_login(make_user(Role.PARTNER, district="KEN"))
    response = client.get("/wie-is-wie/", {"type": "politie", "district": "abc"})
    assert response.status_code == 200
    names = [organisation.name for organisation in response.context["organisations"]]
    assert names == ["Politie Kennemerland"]
    assert "District: de waarde &#x27;abc&#x27; kan niet worden gebruikt" in response.text
    assert "Dit filter is niet toegepast." in response.text
    assert "data-filter-notice" not in client.get("/wie-is-wie/", {"type": "politie"}).text


# --- 7. A preview of 1000 rows can be worked through the browser form -----------------------------------


class _PostForm(HTMLParser):
    """What a browser posts from the page's own POST form (no action): text and hidden inputs, checked
    radios and the selected option of each select; the pressed button is added by the caller."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = self._done = False
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and attrs.get("method") == "post" and "action" not in attrs:
            self._inside = True
        if not self._inside:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and attrs.get("name") and kind not in ("submit", "button"):
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = [attrs["name"], None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._inside:
            self.fields[self._select[0]] = self._select[1]
            self._select = None
        elif tag == "form" and self._inside:
            self._inside, self._done = False, True


def _form_fields(html: str) -> dict[str, str]:
    parser = _PostForm()
    parser.feed(html)
    return parser.fields


def _upload_through_the_screen(client, text: str) -> str:
    response = client.post("/beheer/crm/import/", {"kind": "contacts", "file": _upload("groot.csv", text)})
    assert response.status_code == 302
    return response["Location"]


def test_a_1000_row_preview_of_duplicates_is_confirmed_through_the_form(secretariat_client):
    Contact.objects.bulk_create(
        Contact(first_name=f"Naam{i}", last_name="Bestaand", email=f"p{i}@example.nl") for i in range(1000)
    )
    lines = "".join(f"Naam{i};Nieuw;p{i}@example.nl\n" for i in range(1000))
    url = _upload_through_the_screen(secretariat_client, "voornaam;achternaam;email\n" + lines)

    page = secretariat_client.get(url)
    assert page.status_code == 200 and page.context["preview"].duplicate_count == 1000
    fields = _form_fields(page.text)
    response = secretariat_client.post(url, {**fields, "alle_dubbele": "merge", "confirm": "1"})

    assert response.status_code == 302, response.status_code  # not 400 for too many fields
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.summary == {"created": 0, "merged": 1000, "skipped": 0}
    assert Contact.objects.filter(last_name="Nieuw").count() == 1000


def test_a_1000_row_preview_full_of_errors_is_fixed_page_by_page(secretariat_client):
    lines = "".join(f"Naam{i};Achternaam{i};q{i}@example.nl;12ab\n" for i in range(1000))
    url = _upload_through_the_screen(secretariat_client, "voornaam;achternaam;email;telefoon\n" + lines)

    page = secretariat_client.get(url)
    assert page.context["preview"].error_count == 1000
    fields = _form_fields(page.text)
    # Fix a cell on page 1, then go to the next page: the fix is saved on the way.
    response = secretariat_client.post(url, {**fields, "row-1-telefoon": "020-1234567", "naar_pagina": "2"})
    assert response.status_code == 302, response.status_code  # not 400 for too many fields
    assert response["Location"].endswith("?pagina=2")
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert ImportBatch.objects.get().rows[0]["telefoon"] == "020-1234567"

    page = secretariat_client.get(response["Location"])
    fields = _form_fields(page.text)
    assert "row-51-telefoon" in fields and "row-1-telefoon" not in fields
    response = secretariat_client.post(url, {**fields, "naar_toon": "fouten"})
    assert response["Location"].endswith("?toon=fouten")
    page = secretariat_client.get(response["Location"])
    assert [row.number for row, _cells in page.context["table"]][:2] == [2, 3]


def test_personal_data_services_check_permission_themselves(make_user, reference_data):
    contact = ContactFactory(last_name="Blijftstaan")
    partner = make_user(Role.PARTNER)
    for call in (
        lambda: contact_anonymise(actor=partner, contact=contact, reason="test"),
        lambda: contact_personal_data_exported(actor=partner, contact=contact),
        lambda: contact_anonymise(actor=None, contact=contact, reason="test"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    contact.refresh_from_db()
    assert contact.last_name == "Blijftstaan"
