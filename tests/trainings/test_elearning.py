"""The e-learning Drugsview: at most ten participants per municipality, guarded in the service under a lock on
the municipality row; completion and certificate (a date, optionally a PDF checked by its bytes)."""

import datetime
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stakeholders.models import Municipality
from trainings import services
from trainings.models import ELearningEnrolment

from .conftest import HAARLEM, sign_in

pytestmark = pytest.mark.django_db


def _fill(user, municipality, n=10):
    for i in range(n):
        services.enrolment_create(user=user, municipality=municipality, name=f"Deelnemer {i}", email=f"d{i}@haarlem.nl")


def test_the_eleventh_participant_is_refused_in_dutch_and_nothing_is_lost(client, people):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    _fill(people["aov"], haarlem, 9)
    sign_in(client, people["aov"])
    url = f"/trainingen/e-learning/{HAARLEM}/"
    assert client.post(url, {"name": "Tiende", "email": "tiende@haarlem.nl", "job_title": "Boa"}).status_code == 302
    response = client.post(url, {"name": "Elfde", "email": "elfde@haarlem.nl", "job_title": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Gemeente Haarlem heeft al 10 deelnemers voor de e-learning Drugsview; meer kan niet." in page
    assert ELearningEnrolment.objects.filter(municipality=haarlem).count() == 10
    assert not ELearningEnrolment.objects.filter(email="elfde@haarlem.nl").exists()
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(user=people["secretariat"], municipality=haarlem, name="X", email="x@haarlem.nl")
    assert "heeft al 10 deelnemers" in refused.value.messages[0]


def test_the_service_locks_the_municipality_row(people):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    with CaptureQueriesContext(connection) as queries:
        services.enrolment_create(user=people["aov"], municipality=haarlem, name="A", email="a@haarlem.nl")
    # SQLite has no FOR UPDATE (its writes are serialised by BEGIN IMMEDIATE); on PostgreSQL the lock shows.
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] and "stakeholders_municipality" in q["sql"] for q in queries)
    else:
        assert any("stakeholders_municipality" in q["sql"] for q in queries)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_for_the_last_place_give_one_enrolment(people):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    _fill(people["aov"], haarlem, 9)
    barrier = threading.Barrier(2)
    outcomes = []

    def enrol(n):
        try:
            barrier.wait()
            services.enrolment_create(user=people["aov"], municipality=haarlem, name=f"Laatste {n}", email=f"l{n}@h.nl")
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes)[-1] == "ok"
    assert outcomes.count("ok") == 1, outcomes
    assert ELearningEnrolment.objects.filter(municipality=haarlem).count() == 10


def test_the_cap_holds_when_the_check_runs_inside_one_transaction(people):
    """Sequential proof that the count and the insert are one unit: a rolled-back outer transaction leaves
    nothing, and the count is read after the lock."""
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    _fill(people["aov"], haarlem, 10)
    with pytest.raises(ValidationError), transaction.atomic():
        services.enrolment_create(user=people["aov"], municipality=haarlem, name="Z", email="z@haarlem.nl")
    assert ELearningEnrolment.objects.filter(municipality=haarlem).count() == 10


def test_same_person_twice_is_refused_at_the_field(client, people):
    sign_in(client, people["secretariat"])
    url = f"/trainingen/e-learning/{HAARLEM}/"
    client.post(url, {"name": "Anna", "email": "anna@haarlem.nl"})
    response = client.post(url, {"name": "Anna", "email": "ANNA@haarlem.nl"})
    assert "Iemand met dit e-mailadres is al ingeschreven voor Haarlem." in response.content.decode()
    response = client.post(url, {"name": "", "email": "geen-adres"})
    assert response.status_code == 400
    assert ELearningEnrolment.objects.count() == 1


def test_completion_and_certificate_with_a_checked_pdf(
    client, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    enrolment = services.enrolment_create(user=people["aov"], municipality=haarlem, name="Anna", email="a@h.nl")
    sign_in(client, people["aov"])
    url = f"/trainingen/e-learning/deelnemer/{enrolment.pk}/"
    today = timezone.localdate()
    fake = SimpleUploadedFile("certificaat.pdf", b"<html>geen pdf</html>", content_type="application/pdf")
    response = client.post(
        url, {"completed_on": today.isoformat(), "certificate_on": today.isoformat(), "certificate_file": fake}
    )
    assert response.status_code == 400
    assert "geen echt .pdf-bestand" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.completed_on is None and not enrolment.certificate_file
    word = SimpleUploadedFile("certificaat.docx", b"PK\x03\x04", content_type="application/octet-stream")
    response = client.post(
        url, {"completed_on": today.isoformat(), "certificate_on": today.isoformat(), "certificate_file": word}
    )
    assert "als PDF-bestand" in response.content.decode()
    response = client.post(url, {"completed_on": "", "certificate_on": today.isoformat()})
    assert "Vul ook in wanneer de e-learning is afgerond." in response.content.decode()
    future = (today + datetime.timedelta(days=3)).isoformat()
    assert "in de toekomst" in client.post(url, {"completed_on": future, "certificate_on": ""}).content.decode()
    pdf = SimpleUploadedFile("certificaat.pdf", b"%PDF-1.4\n% certificaat Drugsview\n", content_type="application/pdf")
    response = client.post(
        url, {"completed_on": today.isoformat(), "certificate_on": today.isoformat(), "certificate_file": pdf}
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.completed_on == today and enrolment.certificate_on == today
    assert enrolment.certificate_file.name.startswith("private/elearning-certificates/")
    download = client.get(f"/trainingen/e-learning/deelnemer/{enrolment.pk}/certificaat/")
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    # A replaced certificate names a person: its file goes once the new one is stored.
    first = enrolment.certificate_file.path
    again = SimpleUploadedFile("nieuw.pdf", b"%PDF-1.4\n% tweede certificaat\n", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"completed_on": today.isoformat(), "certificate_on": today.isoformat(), "certificate_file": again}
        )
    enrolment.refresh_from_db()
    assert not os.path.exists(first) and os.path.exists(enrolment.certificate_file.path)
    # With a certificate, the enrolment stays (the programme paid for it).
    client.post(f"/trainingen/e-learning/deelnemer/{enrolment.pk}/verwijderen/")
    assert ELearningEnrolment.objects.filter(pk=enrolment.pk).exists()


def test_an_aov_cannot_enrol_for_another_municipality_in_the_service(people):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.enrolment_create(user=people["aov_elsewhere"], municipality=haarlem, name="X", email="x@x.nl")
    with pytest.raises(PermissionDenied):
        services.enrolment_create(user=people["partner"], municipality=haarlem, name="X", email="x@x.nl")
    assert not ELearningEnrolment.objects.exists()
