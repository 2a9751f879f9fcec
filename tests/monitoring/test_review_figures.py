"""Review tests for the monitoring figures (module 5 suppression, tampering, hostile input).

Tests named test_leak_* / test_bug_* FAIL on the current code and demonstrate a problem; test_ok_* pass and
record what was checked and found fine."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.roles import Role
from monitoring.models import InformationEvening, PoliceFigures, SurveyResult, Training
from stakeholders.models import Municipality
from tests.monitoring.test_figures import HOLLANDS_KROON, THIS_YEAR, _cells, _file, _locations, _survey_post
from tests.referrals.conftest import aov_of

pytestmark = pytest.mark.django_db
HAARLEM, ALKMAAR, BEEMSTER, PURMEREND = "GM0392", "GM0361", "GM0370", "GM0439"
HEADER = "cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\n"


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT, district=None)


@pytest.fixture
def aov(make_user):
    return aov_of(make_user, HOLLANDS_KROON, "NHN")


@pytest.fixture
def soft(client):
    client.raise_request_exception = False  # a crash shows as a 500 instead of an exception
    return client


def _module_5(client) -> dict[str, list[str]]:
    """{row heading: [total, geidentificeerd, bezocht, doorverwezen]} of the dashboard's module 5 table."""
    rows = _cells(client.get(f"/voortgang/?jaar={THIS_YEAR}").content.decode())["tabel-module-5"][1:]
    return {row[0]: row[1:] for row in rows}


def _n(text: str) -> int:
    return int(text.replace(".", ""))


# --- (1) module 5: small counts that can be worked out ----------------------------------------------------------


def test_leak_secondary_cell_alone_in_its_column_is_given_away_by_the_column_total(
    client, secretariat, login_with_mfa, reference_data
):
    # Only Hollands Kroon has locations: 3 identified (hidden) and 10 visited (hidden as the second cell).
    _locations(HOLLANDS_KROON, {"geidentificeerd": 3, "bezocht": 10})
    login_with_mfa(client, secretariat)
    rows = _module_5(client)
    hk, everyone = rows["Hollands Kroon"], rows["Alle gemeenten"]
    assert hk[1] == "<5" and hk[2] == "<5"  # both hidden in the row ...
    # ... but the 'Alle gemeenten' row shows the visited column total (10, the only one in its column),
    # and the row total is shown: 13 - 10 - 0 = 3.
    recovered = _n(hk[0]) - _n(everyone[2]) - _n(hk[3])
    assert recovered != 3, "the hidden count of 3 is recovered from the row total and the column total"


def test_leak_same_in_the_stuurgroep_xlsx(client, secretariat, login_with_mfa, reference_data):
    _locations(HOLLANDS_KROON, {"geidentificeerd": 3, "bezocht": 10})
    login_with_mfa(client, secretariat)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/voortgang/rapportage/{THIS_YEAR}/stuurgroep.xlsx").content))
    rows = {r[0]: r[1:] for r in book["module-5"].iter_rows(min_row=2, values_only=True)}
    assert rows["Hollands Kroon"][1] == "<5"
    assert rows["Hollands Kroon"][0] - rows["Alle gemeenten"][2] != 3


def test_leak_two_hidden_fours_are_given_away_by_a_row_total_of_8(client, secretariat, login_with_mfa, reference_data):
    # Each hidden cell is 1..4; a total of 8 over two hidden cells (others 0) means both are 4.
    _locations(HOLLANDS_KROON, {"geidentificeerd": 4, "bezocht": 4})
    _locations(HAARLEM, {"geidentificeerd": 10, "bezocht": 10})
    login_with_mfa(client, secretariat)
    hk = _module_5(client)["Hollands Kroon"]
    hidden = [cell for cell in hk[1:] if cell == "<5"]
    visible_sum = sum(_n(cell) for cell in hk[1:] if cell != "<5")
    assert not (hk[0] != "<5" and _n(hk[0]) - visible_sum == 4 * len(hidden)), (
        f"row {hk}: total {hk[0]} forces every hidden cell to be 4"
    )


def test_leak_the_alle_gemeenten_row_has_no_secondary_suppression(client, secretariat, login_with_mfa, reference_data):
    # Programme-wide only 3 locations are 'geidentificeerd' (2 + 1): that column total shows "<5", but the
    # grand total minus the other column totals gives it: 43 - 20 - 20 = 3.
    _locations(HOLLANDS_KROON, {"geidentificeerd": 2, "bezocht": 10, "doorverwezen": 10})
    _locations(HAARLEM, {"geidentificeerd": 1, "bezocht": 10, "doorverwezen": 10})
    login_with_mfa(client, secretariat)
    everyone = _module_5(client)["Alle gemeenten"]
    assert everyone[1] == "<5"
    assert _n(everyone[0]) - _n(everyone[2]) - _n(everyone[3]) != 3


# --- (2) editing another municipality, directly or through a merged predecessor -------------------------------


def test_ok_an_aov_cannot_edit_or_delete_another_municipalitys_entries(client, aov, login_with_mfa):
    alkmaar = Municipality.objects.get(cbs_code=ALKMAAR)
    evening = InformationEvening.objects.create(municipality=alkmaar, held_on=datetime.date(2024, 3, 1), attendance=9)
    training = Training.objects.create(
        municipality=alkmaar, kind="elearning", held_on=datetime.date(2024, 3, 1), participants=5, certificates=2
    )
    login_with_mfa(client, aov)
    post = {"held_on": "2024-03-02", "attendance": "1", "materials_handed_out": "0"}
    for url in (
        f"/voortgang/{HOLLANDS_KROON}/informatieavond/{evening.pk}/",
        f"/voortgang/{ALKMAAR}/informatieavond/{evening.pk}/",
        f"/voortgang/{HOLLANDS_KROON}/informatieavond/{evening.pk}/verwijderen/",
        f"/voortgang/{ALKMAAR}/informatieavond/{evening.pk}/verwijderen/",
        f"/voortgang/{HOLLANDS_KROON}/training/{training.pk}/verwijderen/",
        f"/voortgang/{ALKMAAR}/enquete/",
        f"/voortgang/{ALKMAAR}/politiecijfers/",
        f"/voortgang/{ALKMAAR}/module-1/",
        "/voortgang/politiecijfers-inlezen/",
        f"/voortgang/rapportage/{THIS_YEAR}/",
    ):
        assert client.post(url, post).status_code == 404, url
    assert InformationEvening.objects.get().attendance == 9 and Training.objects.exists()
    # A merged municipality's year on one's own municipality is refused with a message.
    response = client.post(f"/voortgang/{HOLLANDS_KROON}/enquete/", _survey_post(year="2019"))
    assert response.status_code == 200 and not SurveyResult.objects.exists()


def test_bug_a_merged_municipality_still_takes_new_entries_that_count_for_its_successor(
    client, secretariat, login_with_mfa
):
    # The page hides the links for Beemster (ended 2021-12-31), but the URLs still accept an evening dated
    # after the merger and e-learning certificates beyond Purmerend's cap of 10.
    purmerend = Municipality.objects.get(cbs_code=PURMEREND)
    Training.objects.create(
        municipality=purmerend, kind="elearning", held_on=datetime.date(2024, 3, 1), participants=10, certificates=10
    )
    login_with_mfa(client, secretariat)
    day = timezone.localdate().isoformat()
    client.post(
        f"/voortgang/{BEEMSTER}/informatieavond/", {"held_on": day, "attendance": "40", "materials_handed_out": "0"}
    )
    client.post(
        f"/voortgang/{BEEMSTER}/training/",
        {"kind": "elearning", "held_on": "2024-05-01", "participants": "10", "certificates": "10"},
    )
    assert not InformationEvening.objects.filter(municipality__cbs_code=BEEMSTER).exists()
    assert Training.objects.filter(municipality__in=[purmerend, *purmerend.predecessors.all()]).count() == 1


def test_bug_delete_url_answers_405_not_404_to_a_user_without_access(client, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.COACH, district=None))
    assert client.get(f"/voortgang/{HOLLANDS_KROON}/informatieavond/1/verwijderen/").status_code == 404


# --- (3) the police import on hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "GM1911;2023;Infinity;0;0",  # int(Decimal('Infinity')) -> OverflowError
        "GM1911;Infinity;1;0;0",
        "GM1911;2023;sNaN;0;0",  # comparing a signalling NaN -> decimal.InvalidOperation
        "GM1911;2023;99999999999999999999;0;0",  # too big for the database column
        "GM1911;2023;1e400;0;0",
    ],
)
def test_bug_police_import_crashes_on_hostile_numbers(soft, secretariat, login_with_mfa, line):
    login_with_mfa(soft, secretariat)
    response = soft.post("/voortgang/politiecijfers-inlezen/", {"file": _file("p.csv", (HEADER + line).encode())})
    assert response.status_code == 200, response.status_code
    assert not PoliceFigures.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("p.csv", b"\xef\xbb\xbf" + HEADER.encode() + b"GM1911;2023;=1+1;0;0\n"),
        ("p.csv", HEADER.replace(";", ",").encode() + b"GM1911,2023,1,0,0\nGM9999,2023,1,0,0\n"),
        ("p.csv", b"\n\n;;;\nGM1911;2023;1;0;0\n"),
        ("p.csv", b";;;;\nGM1911;2023;1;0;0\n"),
        ("p.csv", HEADER.encode() + b"GM1911;2023;1;0;0;extra\n"),
        ("p.csv", bytes(range(1, 256)) * 50),
        ("p.csv", b"\x81\x8d" * 100),
        ("p.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        ("p.csv", HEADER.encode() + b"GM1911;2023;NaN;0;0\n"),
    ],
)
def test_ok_police_import_rejects_bad_files_and_stores_nothing(soft, secretariat, login_with_mfa, name, content):
    login_with_mfa(soft, secretariat)
    response = soft.post("/voortgang/politiecijfers-inlezen/", {"file": _file(name, content)})
    assert response.status_code == 200
    assert not PoliceFigures.objects.exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (f"/voortgang/{HOLLANDS_KROON}/enquete/", _survey_post(addresses_mailed="99999999999999999999")),
        (
            f"/voortgang/{HOLLANDS_KROON}/politiecijfers/",
            {"year": "2023", "cannabis_farms": "99999999999999999999", "drug_labs": "0", "drug_dumpings": "0"},
        ),
        (
            f"/voortgang/{HOLLANDS_KROON}/informatieavond/",
            {"held_on": "2024-01-02", "attendance": "99999999999999999999", "materials_handed_out": "0"},
        ),
    ],
)
def test_bug_forms_crash_on_a_count_too_big_for_the_database(soft, aov, login_with_mfa, url, data):
    login_with_mfa(soft, aov)
    assert soft.post(url, data).status_code == 200


# --- (4) query parameters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["?jaar=abc", "?jaar=99999999999999999999999", "?jaar=-1", "?district=%3Cscript%3E", "?district=NHN&jaar=1e9"],
)
def test_ok_malformed_query_params(soft, secretariat, login_with_mfa, query):
    login_with_mfa(soft, secretariat)
    for url in ("/voortgang/", f"/voortgang/{HOLLANDS_KROON}/", f"/voortgang/{HOLLANDS_KROON}/enquete/",
                f"/voortgang/{HOLLANDS_KROON}/politiecijfers/"):  # fmt: skip
        response = soft.get(url + query)
        assert response.status_code == 200, (url, query)
        assert b"<script>" not in response.content
    assert soft.get("/voortgang/rapportage/99999999999999999999/stuurgroep.pdf").status_code == 404
