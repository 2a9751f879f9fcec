"""Hardening of the monitoring figures (from a security review): module 5 counts that cannot be worked out,
tampering with other municipalities' entries, merged municipalities, hostile numbers and query parameters."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from core.roles import Role
from monitoring.models import InformationEvening, PoliceFigures, SurveyResult, Training
from referrals.figures import MARKS, PROTECTED, SMALL
from stakeholders.models import Municipality
from tests.monitoring.test_figures import HOLLANDS_KROON, _cells, _file, _locations, _survey_post, _this_year
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
    """{row heading: [total, geidentificeerd, bezocht, doorverwezen, geen actie]} of the module 5 table."""
    rows = _cells(client.get(f"/voortgang/?jaar={_this_year()}").content.decode())["tabel-module-5"][1:]
    return {row[0]: row[1:] for row in rows}


def _n(text: str) -> int:
    return int(str(text).replace(".", ""))


# --- (1) module 5: no small count can be worked out ----------------------------------------------------------


def _derivable(rows: dict[str, list[str]]) -> list[str]:
    """Cells an observer can work out by subtraction, or pin by bounds: a line (a row with its total, or a
    column with the 'Alle gemeenten' total) with one hidden cell and a visible total, or whose hidden cells
    must all be at their least or most ("<5": 1 to 4, "x": 5 or more) to reach the total."""
    names = [name for name in rows if name != "Gemeente"]
    width = len(rows[names[0]])
    lines = [[rows[name][1:] + [rows[name][0]]] for name in names]  # cells, then the total
    body = [name for name in names if name != "Alle gemeenten"]
    if "Alle gemeenten" in rows:
        for column in range(width):
            lines.append([[rows[name][column] for name in body] + [rows["Alle gemeenten"][column]]])
    found = []
    for (line,) in lines:
        cells, total = line[:-1], line[-1]
        hidden = [cell for cell in cells if cell in MARKS]
        if not hidden or total in MARKS:
            continue
        rest = _n(total) - sum(_n(cell) for cell in cells if cell not in MARKS)
        # "<5" is 1 to 4, "x" (hidden to protect) 5 or more: the hidden cells are pinned at their least or most.
        least = sum(1 if cell == SMALL else 5 for cell in hidden)
        most = sum(4 for cell in hidden) if PROTECTED not in hidden else None
        if len(hidden) == 1 or rest == least or rest == most:
            found.append(f"{line} -> {rest}")
    return found


@pytest.mark.parametrize(
    "locations",
    [
        {HOLLANDS_KROON: {"geidentificeerd": 3, "bezocht": 10}},
        {HOLLANDS_KROON: {"geidentificeerd": 4, "bezocht": 4}, HAARLEM: {"geidentificeerd": 10, "bezocht": 10}},
        {
            HOLLANDS_KROON: {"geidentificeerd": 2, "bezocht": 10, "doorverwezen": 10},
            HAARLEM: {"geidentificeerd": 1, "bezocht": 10, "doorverwezen": 10},
        },
        {
            HOLLANDS_KROON: {"geidentificeerd": 1, "bezocht": 7, "doorverwezen": 12},
            HAARLEM: {"geidentificeerd": 9, "bezocht": 2, "doorverwezen": 6},
            ALKMAAR: {"geidentificeerd": 5, "bezocht": 5, "geen_actie": 3},
        },
    ],
)
def test_no_hidden_count_can_be_worked_out_from_the_dashboard_or_the_xlsx(
    client, secretariat, login_with_mfa, reference_data, locations
):
    for cbs_code, counts in locations.items():
        _locations(cbs_code, counts)
    login_with_mfa(client, secretariat)
    rows = _module_5(client)
    assert SMALL in rows["Hollands Kroon"]
    assert _derivable(rows) == []
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/voortgang/rapportage/{_this_year()}/stuurgroep.xlsx").content)
    )
    rows = list(book["Module 5 locaties"].iter_rows(min_row=2, values_only=True))
    notes = [str(r[0]) for r in rows if r[0] is not None and r[1] is None]
    assert any(SMALL in note for note in notes)  # the note under the table says what the marks mean
    sheet = {str(r[0]): [str(v) for v in r[1:]] for r in rows if r[1] is not None}
    assert _derivable(sheet) == []


# --- (2) editing another municipality, directly or through a merged predecessor -------------------------------


def test_an_aov_cannot_edit_or_delete_another_municipalitys_entries(client, aov, login_with_mfa):
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
        f"/voortgang/rapportage/{_this_year()}/",
    ):
        assert client.post(url, post).status_code == 404, url
    assert InformationEvening.objects.get().attendance == 9 and Training.objects.exists()
    # A merged municipality's year on one's own municipality is refused with a message.
    response = client.post(f"/voortgang/{HOLLANDS_KROON}/enquete/", _survey_post(year="2019"))
    assert response.status_code == 200 and not SurveyResult.objects.exists()


def test_a_merged_municipality_takes_no_new_entries(client, secretariat, login_with_mfa):
    # Beemster ended on 2021-12-31: no evening dated after that, and no certificates beyond the cap of 10
    # that its successor Purmerend has already reached.
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


def test_the_delete_url_answers_404_to_a_user_without_access(client, make_user, login_with_mfa):
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
def test_hostile_numbers_in_the_police_import_get_a_message(soft, secretariat, login_with_mfa, line):
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
def test_the_police_import_rejects_bad_files_and_stores_nothing(soft, secretariat, login_with_mfa, name, content):
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
def test_a_count_too_big_for_the_database_gets_a_message(soft, aov, login_with_mfa, url, data):
    login_with_mfa(soft, aov)
    assert soft.post(url, data).status_code == 200


# --- (4) query parameters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["?jaar=abc", "?jaar=99999999999999999999999", "?jaar=-1", "?district=%3Cscript%3E", "?district=NHN&jaar=1e9"],
)
def test_malformed_query_params_give_a_normal_page(soft, secretariat, login_with_mfa, query):
    login_with_mfa(soft, secretariat)
    for url in ("/voortgang/", f"/voortgang/{HOLLANDS_KROON}/", f"/voortgang/{HOLLANDS_KROON}/enquete/",
                f"/voortgang/{HOLLANDS_KROON}/politiecijfers/"):  # fmt: skip
        response = soft.get(url + query)
        assert response.status_code == 200, (url, query)
        assert b"<script>" not in response.content
    assert soft.get("/voortgang/rapportage/99999999999999999999/stuurgroep.pdf").status_code == 404


def test_a_short_exponent_cell_costs_no_cpu_in_the_police_import():
    # "1e1000000" (9 bytes) takes ~30 s in int(Decimal(...)); a 2 MB file of them hangs a worker for hours.
    import time

    from monitoring.services_figures import _whole_number

    start = time.monotonic()
    _whole_number("1e200000")
    assert time.monotonic() - start < 0.2


# --- roles ------------------------------------------------------------------------------------------------------


def test_a_superuser_without_a_role_gets_no_progress_report_or_threshold(
    client, make_user, login_with_mfa, reference_data
):
    """Design section 3: the Beheerder (often made with createsuperuser) has no part in progress or figures."""
    login_with_mfa(client, make_user(district=None, is_superuser=True, is_staff=True))
    year = _this_year()
    for url in [
        "/voortgang/",
        f"/voortgang/rapportage/{year}/",
        f"/voortgang/rapportage/{year}/stuurgroep.pdf",
        f"/voortgang/rapportage/{year}/stuurgroep.xlsx",
        "/voortgang/trenddrempel/",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_superuser_without_the_secretariat_role_sees_no_module_5_counts(
    client, make_user, login_with_mfa, reference_data
):
    # Like referrals/permissions.py: being a superuser (a Beheerder made with createsuperuser) opens no
    # referral figures; only the secretariat role (or an AOV's own municipality) does.
    _locations(HOLLANDS_KROON, {"geidentificeerd": 7})
    login_with_mfa(client, make_user(district=None, is_superuser=True, is_staff=True))
    page = client.get(f"/voortgang/?jaar={_this_year()}").content.decode()
    assert "tabel-module-5" not in page
