"""Figures per module: entry with Dutch errors that store nothing, the police CSV import, derived platform
attendance and referral counts (small counts hidden, per role), mergers, charts, and the Stuurgroep report
whose numbers are the dashboard's."""

import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.roles import Role
from meetings.models import Attendance
from monitoring.models import InformationEvening, PoliceFigures, SurveyResult, Training
from referrals.figures import MARKS, SMALL
from referrals.models import VulnerableLocation
from stakeholders.models import Municipality
from tests.meetings.factories import meeting
from tests.pdfs import pdf_string_list
from tests.referrals.conftest import aov_of
from tests.stakeholders.factories import AffiliationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
HOLLANDS_KROON = "GM1911"


def _this_year() -> int:
    """Read when a test asks, never at import: a run crossing New Year's Eve would ask for last year."""
    return timezone.localdate().year


@pytest.fixture
def aov(make_user):
    return aov_of(make_user, HOLLANDS_KROON, "NHN")


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT, district=None)


def _as(client, user, login_with_mfa):
    login_with_mfa(client, user)
    return client


def _survey_post(**overrides):
    data = {
        "year": "2024",
        "addresses_mailed": "1200",
        "responses": "300",
        "willing_to_report_pct": "61.5",
        "knows_signals_pct": "44.0",
        "report_on": "2024-06-01",
        "press_release_on": "",
    }
    data.update(overrides)
    return data


class Cells(HTMLParser):
    """The cell texts of every figures table of a page, per table id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "figures" in (attrs.get("class") or ""):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table and self.tables[self._table]:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _cells(html: str) -> dict[str, list[list[str]]]:
    parser = Cells()
    parser.feed(html)
    return parser.tables


# --- Module 1 -------------------------------------------------------------------------------------------------


def test_an_aov_enters_survey_results_and_the_dashboard_shows_them(client, aov, login_with_mfa):
    _as(client, aov, login_with_mfa)
    response = client.post(f"/voortgang/{HOLLANDS_KROON}/enquete/", _survey_post())
    assert response.status_code == 302
    result = SurveyResult.objects.get()
    assert result.response_rate == Decimal("25.0") and result.updated_by == aov
    row = next(
        r
        for r in _cells(client.get("/voortgang/?jaar=2024").content.decode())["tabel-module-1"]
        if r[0] == "Hollands Kroon"
    )
    assert row == ["Hollands Kroon", "1.200", "300", "25,0%", "61,5%", "44,0%"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"responses": "1300"}, "responses", "niet boven 100%"),
        ({"willing_to_report_pct": "101"}, "willing_to_report_pct", "tussen 0 en 100"),
        ({"addresses_mailed": "-5"}, "addresses_mailed", "0 of meer"),
        ({"year": "2019"}, "year", "2021"),
        ({"report_on": "2020-01-01"}, "report_on", "1 januari 2021"),
        ({"responses": "veel"}, "responses", "geheel getal"),
    ],
)
def test_bad_survey_input_gets_a_dutch_message_and_keeps_what_was_stored(
    client, aov, login_with_mfa, overrides, field, message
):
    hollands_kroon = Municipality.objects.get(cbs_code=HOLLANDS_KROON)
    SurveyResult.objects.create(
        municipality=hollands_kroon, year=2024, addresses_mailed=900, responses=90,
        willing_to_report_pct=50, knows_signals_pct=40,
    )  # fmt: skip
    _as(client, aov, login_with_mfa)
    response = client.post(f"/voortgang/{HOLLANDS_KROON}/enquete/", _survey_post(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    stored = SurveyResult.objects.get()
    assert (stored.addresses_mailed, stored.responses) == (900, 90)


def test_a_merged_municipality_cannot_get_figures_after_its_merger(client, secretariat, login_with_mfa):
    _as(client, secretariat, login_with_mfa)
    response = client.post("/voortgang/GM0370/enquete/", _survey_post(year="2023"))  # Beemster, merged in 2022
    assert "Purmerend" in " ".join(response.context["form"].errors["year"])
    assert not SurveyResult.objects.exists()


def test_results_from_the_portal_survey_cannot_be_changed_by_hand(client, aov, login_with_mfa):
    SurveyResult.objects.create(
        municipality=Municipality.objects.get(cbs_code=HOLLANDS_KROON), year=2024, addresses_mailed=900,
        responses=90, willing_to_report_pct=50, knows_signals_pct=40, source=SurveyResult.Source.PORTAL,
    )  # fmt: skip
    _as(client, aov, login_with_mfa)
    page = client.get(f"/voortgang/{HOLLANDS_KROON}/enquete/?jaar=2024").content.decode()
    assert "uit de enquête in het portaal" in page
    response = client.post(f"/voortgang/{HOLLANDS_KROON}/enquete/", _survey_post())
    assert "uit de enquête in het portaal" in response.content.decode()
    assert SurveyResult.objects.get().responses == 90


def test_an_aov_cannot_enter_figures_for_another_municipality(client, aov, login_with_mfa):
    _as(client, aov, login_with_mfa)
    assert client.post("/voortgang/GM0392/enquete/", _survey_post()).status_code == 404
    assert (
        client.post("/voortgang/GM0392/informatieavond/", {"held_on": "2024-03-01", "attendance": "40"}).status_code
        == 404
    )
    assert not SurveyResult.objects.exists() and not InformationEvening.objects.exists()


# --- Police figures -------------------------------------------------------------------------------------------


def _upload(client, name: str, content: bytes):
    return client.post("/voortgang/politiecijfers-inlezen/", {"file": _file(name, content)})


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_secretariat_imports_police_figures_from_csv(client, secretariat, login_with_mfa):
    PoliceFigures.objects.create(
        municipality=Municipality.objects.get(cbs_code=HOLLANDS_KROON), year=2023, cannabis_farms=1, drug_labs=1,
        drug_dumpings=1,
    )  # fmt: skip
    _as(client, secretariat, login_with_mfa)
    csv = (
        "cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\n"
        "GM1911;2023;14;2;5\nGM0392;2023;30;1;0\nGM0370;2020;3;0;1\n"
    )
    response = _upload(client, "politie.csv", csv.encode("utf-8"))
    assert response.status_code == 302
    assert PoliceFigures.objects.count() == 3
    assert PoliceFigures.objects.get(municipality__cbs_code=HOLLANDS_KROON, year=2023).cannabis_farms == 14


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "p.csv",
            "cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\nGM1911;2023;4;0;1\nGM9999;2023;1;0;0\n",
            "Rij 3: onbekende gemeentecode ‘GM9999’",
        ),
        (
            "p.csv",
            "cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\nGM1911;2023;-4;0;1\n",
            "Rij 2: de aantallen",
        ),
        (
            "p.csv",
            "cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\nGM1911;2023;4;0;1\nGM1911;2023;5;0;1\n",
            "al op een eerdere rij",
        ),
        (
            "p.csv",
            "cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\nGM0370;2024;4;0;1\n",
            "bestond in 2024 niet meer",
        ),
        ("p.csv", "cbs-code;jaar;hennep\nGM1911;2023;4\n", "Deze kolommen ontbreken"),
        ("p.pdf", "%PDF-1.4", "Kies een .csv- of .xlsx-bestand"),
        ("p.xlsx", "geen excel", "geen echt Excel-bestand"),
    ],
)
def test_a_bad_police_file_stores_nothing_and_says_why(client, secretariat, login_with_mfa, name, content, message):
    _as(client, secretariat, login_with_mfa)
    response = _upload(client, name, content.encode("utf-8"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PoliceFigures.objects.exists()


def test_only_the_secretariat_imports_police_figures(client, aov, login_with_mfa):
    _as(client, aov, login_with_mfa)
    assert client.get("/voortgang/politiecijfers-inlezen/").status_code == 404
    csv = b"cbs-code;jaar;hennepkwekerijen;drugslabs;drugsdumpingen\nGM1911;2023;14;2;5\n"
    assert _upload(client, "p.csv", csv).status_code == 404
    assert not PoliceFigures.objects.exists()


# --- Modules 2, 3, 4 ----------------------------------------------------------------------------------------


def test_certificates_stop_at_ten_per_municipality(client, aov, login_with_mfa):
    Training.objects.create(
        municipality=Municipality.objects.get(cbs_code=HOLLANDS_KROON), kind="elearning",
        held_on=datetime.date(2023, 3, 1), participants=12, certificates=8,
    )  # fmt: skip
    _as(client, aov, login_with_mfa)
    url = f"/voortgang/{HOLLANDS_KROON}/training/"
    response = client.post(
        url, {"kind": "elearning", "held_on": "2024-03-01", "participants": "6", "certificates": "3"}
    )
    assert response.status_code == 200
    assert "er kunnen er nog 2 bij" in " ".join(response.context["form"].errors["certificates"])
    response = client.post(url, {"kind": "training", "held_on": "2024-03-01", "participants": "6", "certificates": "1"})
    assert "horen bij de e-learning" in " ".join(response.context["form"].errors["certificates"])
    assert Training.objects.count() == 1
    assert (
        client.post(
            url, {"kind": "elearning", "held_on": "2024-03-01", "participants": "6", "certificates": "2"}
        ).status_code
        == 302
    )
    assert Training.objects.count() == 2


def test_an_information_evening_is_entered_edited_and_deleted(client, aov, login_with_mfa):
    _as(client, aov, login_with_mfa)
    base = f"/voortgang/{HOLLANDS_KROON}/informatieavond/"
    assert client.post(base, {"held_on": "2024-10-01", "attendance": "-3"}).status_code == 200
    assert (
        client.post(base, {"held_on": "2024-10-01", "attendance": "45", "materials_handed_out": "30"}).status_code
        == 302
    )
    evening = InformationEvening.objects.get()
    client.post(f"{base}{evening.pk}/", {"held_on": "2024-10-01", "attendance": "50", "materials_handed_out": "30"})
    evening.refresh_from_db()
    assert evening.attendance == 50
    page = client.get(f"/voortgang/{HOLLANDS_KROON}/?jaar=2024").content.decode()
    assert "Informatieavond op 1 oktober 2024: 50 aanwezigen" in page
    client.post(f"/voortgang/{HOLLANDS_KROON}/informatieavond/{evening.pk}/verwijderen/")
    assert not InformationEvening.objects.exists()


def test_platform_attendance_is_derived_from_the_meetings(client, aov, login_with_mfa):
    held = meeting("NHN", starts_in_days=-40, status="held")
    meeting("NHN", starts_in_days=-20, status="held")
    meeting("NHN", starts_in_days=30)  # not held yet: does not count
    hollands_kroon_org = OrganisationFactory(
        municipal=True, municipality=Municipality.objects.get(cbs_code=HOLLANDS_KROON)
    )
    person = AffiliationFactory(organisation=hollands_kroon_org).contact
    Attendance.objects.create(meeting=held, contact=person, organisation=hollands_kroon_org, present=True)
    _as(client, aov, login_with_mfa)
    year = (
        timezone.localdate().year if (timezone.localdate() - datetime.timedelta(days=40)).year == _this_year() else None
    )
    if year is None:
        pytest.skip("the meetings fall in last year on the first days of January")
    rows = _cells(client.get(f"/voortgang/?jaar={year}").content.decode())["tabel-modules-2-4"]
    row = next(r for r in rows if r[0] == "Hollands Kroon")
    assert row[-2:] == ["2", "1"]


# --- Module 5: counts only, small ones hidden, per role -----------------------------------------------------


def _locations(cbs_code: str, counts: dict[str, int]) -> None:
    municipality = Municipality.objects.get(cbs_code=cbs_code)
    for state, n in counts.items():
        for _i in range(n):
            VulnerableLocation.objects.create(
                municipality=municipality, premises_kind="schuur", source="wijkagent", address="Dijk 1",
                owner_name="Eigenaar", state=state,
            )  # fmt: skip


@pytest.fixture
def locations(reference_data):
    _locations(HOLLANDS_KROON, {"geidentificeerd": 3, "bezocht": 9, "doorverwezen": 6})
    _locations("GM0392", {"geidentificeerd": 12, "bezocht": 8, "doorverwezen": 2})
    _locations("GM0361", {"geidentificeerd": 7, "bezocht": 6, "doorverwezen": 5})


def _module_5(client, query=""):
    table = _cells(client.get(f"/voortgang/?jaar={_this_year()}{query}").content.decode()).get("tabel-module-5")
    return None if table is None else table[1:]


def test_the_secretariat_sees_referral_counts_with_small_ones_hidden(client, secretariat, login_with_mfa, locations):
    _as(client, secretariat, login_with_mfa)
    rows = {row[0]: row[1:] for row in _module_5(client)}
    assert rows["Hollands Kroon"][1] == SMALL  # 3 identified, not yet visited
    assert rows["Haarlem"][3] == SMALL  # 2 referred
    for line in rows.values():
        hidden = [cell for cell in line if cell in MARKS]
        assert len(hidden) != 1 or line[0] in MARKS  # a hidden cell never stands alone in its row
    assert rows["Alle gemeenten"][0] == "58"
    filtered = {row[0]: row[1:] for row in _module_5(client, "&district=NHN")}
    assert filtered["Alle gemeenten"] == rows["Alle gemeenten"]  # filtering never changes the programme totals
    assert "Haarlem" not in filtered


def test_an_aov_sees_only_their_own_municipality_and_a_partner_no_referral_counts(
    client, aov, make_user, login_with_mfa, locations
):
    _as(client, aov, login_with_mfa)
    rows = _module_5(client)
    assert [row[0] for row in rows] == ["Hollands Kroon"]
    client.logout()
    _as(client, make_user(Role.PARTNER, district="NHN"), login_with_mfa)
    assert _module_5(client) is None
    assert "Kwetsbare locaties" not in client.get(f"/voortgang/{HOLLANDS_KROON}/").content.decode()


# --- Mergers, charts, queries ---------------------------------------------------------------------------------


def test_figures_of_a_municipality_that_merged_count_for_its_successor(client, secretariat, login_with_mfa):
    beemster_org = OrganisationFactory(municipal=True, municipality=Municipality.objects.get(cbs_code="GM0370"))
    held = meeting("ZW", starts_in_days=-40, status="held")
    Attendance.objects.create(
        meeting=held, contact=AffiliationFactory(organisation=beemster_org).contact, organisation=beemster_org
    )
    if (timezone.localdate() - datetime.timedelta(days=40)).year != _this_year():
        pytest.skip("the meeting falls in last year on the first days of January")
    _as(client, secretariat, login_with_mfa)
    rows = {
        r[0]: r for r in _cells(client.get(f"/voortgang/?jaar={_this_year()}").content.decode())["tabel-modules-2-4"]
    }
    assert "Beemster" not in rows and rows["Purmerend"][-1] == "1"


def test_charts_are_svg_images_with_their_numbers_as_a_table(client, secretariat, login_with_mfa):
    hollands_kroon = Municipality.objects.get(cbs_code=HOLLANDS_KROON)
    for year, farms in ((2021, 20), (2022, 14)):
        PoliceFigures.objects.create(
            municipality=hollands_kroon, year=year, cannabis_farms=farms, drug_labs=1, drug_dumpings=3
        )
    _as(client, secretariat, login_with_mfa)
    page = client.get(f"/voortgang/{HOLLANDS_KROON}/").content.decode()
    svg = re.search(
        r'<svg viewBox[^>]*role="img"[^>]*aria-labelledby="grafiek-politie-svgtitle grafiek-politie-desc"', page
    )
    assert svg and '<title id="grafiek-politie-svgtitle">Politiecijfers per jaar</title>' in page
    assert page.count('class="chart-bar"') >= 6
    assert re.search(r"<th scope=\"row\">2021</th><td>20</td><td>1</td><td>3</td>", page)


def test_the_dashboard_with_figures_needs_a_constant_number_of_queries(client, secretariat, login_with_mfa, locations):
    _as(client, secretariat, login_with_mfa)
    client.get("/voortgang/")
    with CaptureQueriesContext(connection) as few:
        client.get("/voortgang/")
    for municipality in Municipality.objects.current():
        SurveyResult.objects.create(
            municipality=municipality,
            year=_this_year(),
            addresses_mailed=100,
            responses=20,
            willing_to_report_pct=60,
            knows_signals_pct=50,
        )
        PoliceFigures.objects.create(
            municipality=municipality, year=_this_year(), cannabis_farms=3, drug_labs=0, drug_dumpings=1
        )
        InformationEvening.objects.create(municipality=municipality, held_on=timezone.localdate(), attendance=30)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/voortgang/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The Stuurgroep report ------------------------------------------------------------------------------------


@pytest.fixture
def filled_2022(reference_data):
    dijk_en_waard = Municipality.objects.get(name="Dijk en Waard")
    hollands_kroon = Municipality.objects.get(cbs_code=HOLLANDS_KROON)
    SurveyResult.objects.create(
        municipality=hollands_kroon,
        year=2022,
        addresses_mailed=1500,
        responses=410,
        willing_to_report_pct=Decimal("63.2"),
        knows_signals_pct=Decimal("41.7"),
    )
    SurveyResult.objects.create(
        municipality=dijk_en_waard,
        year=2022,
        addresses_mailed=2000,
        responses=380,
        willing_to_report_pct=Decimal("58.0"),
        knows_signals_pct=Decimal("47.5"),
    )
    PoliceFigures.objects.create(
        municipality=hollands_kroon, year=2022, cannabis_farms=17, drug_labs=2, drug_dumpings=6
    )
    InformationEvening.objects.create(municipality=dijk_en_waard, held_on=datetime.date(2022, 10, 4), attendance=1250)


def test_the_report_pdf_and_xlsx_show_the_dashboard_numbers(client, secretariat, login_with_mfa, filled_2022):
    _as(client, secretariat, login_with_mfa)
    client.post("/voortgang/rapportage/2022/", {"evaluation": "De platforms draaien.\n\nMeer aandacht voor module 3."})
    dashboard = _cells(client.get("/voortgang/?jaar=2022").content.decode())
    response = client.get("/voortgang/rapportage/2022/stuurgroep.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printed = pdf_string_list(response.content)
    assert "Meer aandacht voor module 3." in printed
    text = " ".join(printed)
    for table_id, rows in dashboard.items():
        for row in rows[1:]:
            if set(row[1:]) <= {"–", "0"}:
                continue  # nothing entered or counted: the report names it in a sentence (test_report.py)
            # Every row of every dashboard table with a figure is printed, cell by cell, in the same order.
            assert " ".join(row) in text, (table_id, row)
    assert "1.250" in printed and "27,3%" in printed  # Hollands Kroon: 410 of 1,500

    book = openpyxl.load_workbook(io.BytesIO(client.get("/voortgang/rapportage/2022/stuurgroep.xlsx").content))
    sheet = book["Module 1 enquête"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Hollands Kroon"] == (1500, 410, 0.273, 0.632, 0.417)  # percentage cells
    assert book["Procesevaluatie"]["A2"].value == "De platforms draaien."


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AOV, Role.COACH, Role.ADMIN])
def test_only_the_secretariat_writes_and_downloads_the_report(client, make_user, login_with_mfa, role):
    _as(client, make_user(role, district="NHN" if role in (Role.PARTNER, Role.AOV) else None), login_with_mfa)
    for url in (
        "/voortgang/rapportage/2022/",
        "/voortgang/rapportage/2022/stuurgroep.pdf",
        "/voortgang/rapportage/2022/stuurgroep.xlsx",
    ):
        assert client.get(url).status_code == 404


def test_report_urls_reject_unknown_years_and_formats(client, secretariat, login_with_mfa):
    _as(client, secretariat, login_with_mfa)
    assert client.get("/voortgang/rapportage/2019/stuurgroep.pdf").status_code == 404
    assert client.get("/voortgang/rapportage/2022/stuurgroep.exe").status_code == 404


def test_an_aov_sees_no_referral_counts_on_another_municipalitys_page(client, aov, login_with_mfa, locations):
    _as(client, aov, login_with_mfa)
    own = _cells(client.get(f"/voortgang/{HOLLANDS_KROON}/?jaar={_this_year()}").content.decode())
    assert own["tabel-module-5"][1][0] == "Hollands Kroon"
    other = _cells(client.get(f"/voortgang/GM0361/?jaar={_this_year()}").content.decode())  # Alkmaar, same district
    assert "tabel-module-5" not in other and "tabel-module-1" in other


def test_module_5_shows_the_programme_total_when_it_gives_nothing_away(client, secretariat, login_with_mfa):
    # Before (#25.1): every cell of a line of small counts was hidden, down to "Alle gemeenten <5" for 8 locations.
    _locations(HOLLANDS_KROON, {"geidentificeerd": 3, "bezocht": 2})
    _locations("GM0392", {"geidentificeerd": 2, "bezocht": 1})
    _as(client, secretariat, login_with_mfa)
    html = client.get(f"/voortgang/?jaar={_this_year()}").content.decode()
    rows = {row[0]: row[1:] for row in _cells(html)["tabel-module-5"][1:]}
    assert rows["Alle gemeenten"][0] == "8"
    assert rows["Hollands Kroon"][1:3] == [SMALL, SMALL]
    assert "een klein aantal, 1 tot en met 4" in html  # the footnote under the table says what "<5" means
