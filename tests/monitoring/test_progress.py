"""Programme progress: who reads and edits, validation in Dutch, history, mergers and a constant number of
queries for the dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from monitoring.models import Participation, ParticipationChange
from monitoring.selectors import progress_matrix
from stakeholders.models import Module, Municipality
from tests.referrals.conftest import aov_of

pytestmark = pytest.mark.django_db
HOLLANDS_KROON = "GM1911"


@pytest.fixture
def aov(make_user):
    return aov_of(make_user, HOLLANDS_KROON, "NHN")


def _login(client, user, login_with_mfa):
    login_with_mfa(client, user)
    return client


def _rows(year):
    _modules, blocks = progress_matrix(year=year)
    return [row for block in blocks for row in block.rows]


def test_the_2021_view_has_34_municipalities_and_later_views_32(reference_data):
    assert len(_rows(2021)) == 34
    assert len(_rows(2022)) == 32
    names_2022 = {row.municipality.name for row in _rows(2022)}
    assert "Dijk en Waard" in names_2022 and "Heerhugowaard" not in names_2022 and "Beemster" not in names_2022


def test_a_merged_municipality_carries_its_predecessors_progress(reference_data):
    heerhugowaard = Municipality.objects.get(name="Heerhugowaard")
    module = Module.objects.get(number=1)
    Participation.objects.create(
        municipality=heerhugowaard,
        module=module,
        status="afgerond",
        started_on=datetime.date(2021, 3, 1),
        finished_on=datetime.date(2021, 6, 1),
    )
    dijk_en_waard = next(row for row in _rows(2022) if row.municipality.name == "Dijk en Waard")
    assert dijk_en_waard.cells[0].status == "afgerond" and dijk_en_waard.cells[0].inherited
    heerhugowaard_2021 = next(row for row in _rows(2021) if row.municipality.name == "Heerhugowaard")
    assert heerhugowaard_2021.cells[0].status == "afgerond" and not heerhugowaard_2021.cells[0].inherited


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AOV, Role.SECRETARIAT])
def test_partners_aovs_and_the_secretariat_read_the_dashboard(client, make_user, login_with_mfa, role):
    _login(client, make_user(role), login_with_mfa)
    response = client.get("/voortgang/", {"jaar": "2022"})
    assert response.status_code == 200
    assert response.context["municipality_count"] == 32
    assert "Dijk en Waard" in response.content.decode()


@pytest.mark.parametrize("role", [Role.COACH, Role.COACH_COORDINATOR, Role.PRIVACY_OFFICER, Role.ADMIN])
def test_referral_roles_and_the_beheerder_do_not_see_progress(client, make_user, login_with_mfa, role):
    _login(client, make_user(role, district=None), login_with_mfa)
    assert client.get("/voortgang/").status_code == 404
    assert client.get(f"/voortgang/{HOLLANDS_KROON}/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, reference_data):
    response = client.get("/voortgang/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


def test_an_aov_updates_their_own_municipality_and_the_change_is_kept(client, aov, login_with_mfa):
    _login(client, aov, login_with_mfa)
    url = f"/voortgang/{HOLLANDS_KROON}/module-1/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "status": "gestart",
            "started_on": "2024-02-01",
            "finished_on": "",
            "responsible_aov": aov.pk,
            "notes": "Enquête loopt.",
        },
    )
    assert response.status_code == 302
    participation = Participation.objects.get(municipality__cbs_code=HOLLANDS_KROON, module__number=1)
    assert participation.status == "gestart" and participation.responsible_aov == aov
    change = ParticipationChange.objects.get(participation=participation)
    assert change.status_to == "gestart" and change.changed_by == aov
    page = client.get(f"/voortgang/{HOLLANDS_KROON}/").content.decode()
    assert "Enquête loopt." in page and "Module 1 bijwerken" in page


def test_an_aov_cannot_edit_another_municipality(client, aov, login_with_mfa):
    _login(client, aov, login_with_mfa)
    assert client.get("/voortgang/GM0392/module-1/").status_code == 404
    assert client.post("/voortgang/GM0392/module-1/", {"status": "afgerond"}).status_code == 404
    assert not Participation.objects.exists()
    assert "Module 1 bijwerken" not in client.get("/voortgang/GM0392/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "gestart", "started_on": "2019-05-01"}, "started_on", "1 januari 2021"),
        (
            {"status": "afgerond", "started_on": "2023-05-01", "finished_on": "2023-01-01"},
            "finished_on",
            "vóór de startdatum",
        ),
        ({"status": "afgerond", "started_on": "2023-05-01"}, "finished_on", "afgerond"),
        ({"status": "gestart"}, "started_on", "startdatum"),
        ({"status": "in_gesprek", "finished_on": "2023-01-01"}, "finished_on", "afgeronde module"),
        ({"status": "onzin"}, "status", "geldige keuze"),
        ({"status": "gestart", "started_on": "2099-01-01"}, "started_on", "vandaag"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_nothing_is_stored(client, aov, login_with_mfa, data, field, message):
    Participation.objects.create(
        municipality=Municipality.objects.get(cbs_code=HOLLANDS_KROON),
        module=Module.objects.get(number=1),
        status="in_gesprek",
        notes="bestaand",
    )
    _login(client, aov, login_with_mfa)
    response = client.post(f"/voortgang/{HOLLANDS_KROON}/module-1/", {"notes": "", **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    stored = Participation.objects.get()
    assert stored.status == "in_gesprek" and stored.notes == "bestaand"
    assert not ParticipationChange.objects.exists()


def test_the_secretariat_edits_any_municipality(client, make_user, login_with_mfa):
    _login(client, make_user(Role.SECRETARIAT, district=None), login_with_mfa)
    response = client.post("/voortgang/GM0392/module-4/", {"status": "gestart", "started_on": "2021-09-01"})
    assert response.status_code == 302
    assert Participation.objects.get(municipality__cbs_code="GM0392", module__number=4).status == "gestart"


def test_the_dashboard_needs_the_same_number_of_queries_however_much_progress_there_is(
    client, make_user, login_with_mfa
):
    _login(client, make_user(Role.PARTNER), login_with_mfa)
    client.get("/voortgang/")
    with CaptureQueriesContext(connection) as few:
        client.get("/voortgang/")
    modules = list(Module.objects.all())
    for municipality in Municipality.objects.all():
        for module in modules:
            Participation.objects.create(municipality=municipality, module=module, status="in_gesprek")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/voortgang/")
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
