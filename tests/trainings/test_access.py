"""Every route of module 3 per role: anonymous to login, out of scope a 404 (design section 3)."""

import pytest
from django.core.files.base import ContentFile

from stakeholders.models import Municipality
from trainings.models import ELearningEnrolment, Registration

from .conftest import HAARLEM, organisation_of, sign_in, training_session

pytestmark = pytest.mark.django_db

READERS = ["partner", "aov", "aov_elsewhere", "secretariat", "coach", "coordinator", "privacy_officer", "admin"]


@pytest.fixture
def world(people):
    session = training_session()
    registration = Registration.objects.create(
        session=session, user=people["partner"], organisation=organisation_of(people["partner"]), status="confirmed"
    )
    enrolment = ELearningEnrolment.objects.create(
        municipality=Municipality.objects.get(cbs_code=HAARLEM), name="Anna de Vries", email="anna@haarlem.nl",
        enrolled_on=session.created_at.date(), completed_on=session.created_at.date(),
        certificate_on=session.created_at.date(),
    )  # fmt: skip
    enrolment.certificate_file.save("anna.pdf", ContentFile(b"%PDF-1.4 certificaat"), save=True)
    return {"session": session, "registration": registration, "enrolment": enrolment}


def _routes(world):
    s, r, e = world["session"].pk, world["registration"].pk, world["enrolment"].pk
    return {
        "list": ("get", "/trainingen/"),
        "detail": ("get", f"/trainingen/sessie/{s}/"),
        "new": ("get", "/trainingen/sessie/nieuw/"),
        "edit": ("get", f"/trainingen/sessie/{s}/wijzigen/"),
        "register": ("get", f"/trainingen/sessie/{s}/aanmelden/"),
        "attendance": ("get", f"/trainingen/sessie/{s}/presentie/"),
        "participants_csv": ("get", f"/trainingen/sessie/{s}/deelnemers.csv"),
        "cancel": ("post", f"/trainingen/aanmelding/{r}/afmelden/"),
        "elearning": ("get", "/trainingen/e-learning/"),
        "elearning_haarlem": ("get", f"/trainingen/e-learning/{HAARLEM}/"),
        "enrolment": ("get", f"/trainingen/e-learning/deelnemer/{e}/"),
        "certificate": ("get", f"/trainingen/e-learning/deelnemer/{e}/certificaat/"),
        "enrolment_delete": ("post", f"/trainingen/e-learning/deelnemer/{e}/verwijderen/"),
    }


# route -> roles that may open it (all others: 404). "cancel" is the partner's own registration.
ALLOWED = {
    "list": set(READERS),
    "detail": set(READERS),
    "new": {"secretariat"},
    "edit": {"secretariat"},
    "register": {"partner", "aov", "aov_elsewhere"},
    "attendance": {"secretariat"},
    "participants_csv": {"secretariat"},
    "cancel": {"partner", "secretariat"},
    "elearning": {"aov", "aov_elsewhere", "secretariat"},
    "elearning_haarlem": {"aov", "secretariat"},
    "enrolment": {"aov", "secretariat"},
    "certificate": {"aov", "secretariat"},
    "enrolment_delete": {"aov", "secretariat"},
}


def test_every_route_per_role(client, people, world):
    """One world for all roles (the reference data makes a fresh one slow): anonymous to login, then each role
    opens exactly its routes and gets a 404 for the others; refused writes change nothing."""
    routes = _routes(world)
    for name, (method, url) in routes.items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/account/inloggen/"), name
    for role in READERS + ["no_role"]:
        client.logout()
        sign_in(client, people[role])
        for name, (method, url) in routes.items():
            if method == "post":
                continue
            response = client.get(url)
            if role in ALLOWED[name]:
                assert response.status_code in (200, 302), (role, name, response.status_code)
            else:
                assert response.status_code == 404, (role, name, response.status_code)
        if role not in ALLOWED["cancel"]:
            assert client.post(routes["cancel"][1]).status_code == 404, role
        if role not in ALLOWED["enrolment_delete"]:
            assert client.post(routes["enrolment_delete"][1]).status_code == 404, role
            assert (
                client.post(f"/trainingen/e-learning/{HAARLEM}/", {"name": "X", "email": "x@x.nl"}).status_code == 404
            )
    world["registration"].refresh_from_db()
    assert world["registration"].status == "confirmed"
    assert ELearningEnrolment.objects.count() == 1


def test_participant_names_and_certificates_only_for_those_who_keep_them(client, people, world):
    name = str(people["partner"])
    url = _routes(world)["detail"][1]
    for role in ["aov", "coach", "admin", "privacy_officer", "partner"]:
        client.logout()
        sign_in(client, people[role])
        page = client.get(url).content.decode()
        assert name not in page or role == "partner", role
    client.logout()
    sign_in(client, people["secretariat"])
    assert name in client.get(url).content.decode()
    response = client.get(_routes(world)["certificate"][1])
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    sign_in(client, people["partner"])
    page = client.get("/trainingen/").content.decode()
    assert "Mijn aanmeldingen" in page and "Voorlichting professionals" in page
    assert client.get("/trainingen/e-learning/").status_code == 404


def test_unknown_ids_are_404(client, people, world):
    sign_in(client, people["secretariat"])
    for url in [
        "/trainingen/sessie/999999/",
        "/trainingen/sessie/999999/wijzigen/",
        "/trainingen/sessie/999999/presentie/",
        "/trainingen/e-learning/deelnemer/999999/",
        "/trainingen/e-learning/GM9999/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post("/trainingen/aanmelding/999999/afmelden/").status_code == 404


def test_menu_item_follows_the_permission(client, people, world):
    sign_in(client, people["coach"])
    assert 'href="/trainingen/"' in client.get("/trainingen/").content.decode()
    client.logout()
    sign_in(client, people["no_role"])
    assert client.get("/trainingen/").status_code == 404
