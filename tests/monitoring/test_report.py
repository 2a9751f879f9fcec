"""The Stuurgroep report that reads right (issue #25, items 2 and 7): a first page that sums the year up from
the tables' own numbers, sentences instead of rows of dashes, n under every year of a trend, years below the
secretariat's threshold marked and left out of the trend, and XLSX downloads that open ready to use."""

import io
import re
import zlib
from decimal import Decimal

import openpyxl
import pytest

from core.roles import Role
from monitoring.models import PoliceFigures, SurveyResult, TrendThreshold
from stakeholders.models import Municipality
from tests.monitoring.test_figures import HOLLANDS_KROON, _cells, _locations, _this_year, filled_2022  # noqa: F401
from tests.pdfs import pdf_string_list

pytestmark = pytest.mark.django_db
HAARLEM, ALKMAAR, DEN_HELDER, ZAANSTAD = "GM0392", "GM0361", "GM0400", "GM0479"
FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")


@pytest.fixture
def filled(filled_2022):  # noqa: F811 (the fixture of test_figures.py, imported above)
    """2022: surveys in two municipalities of Noord-Holland Noord, police figures of one, an evening."""


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT, district=None)


@pytest.fixture
def secretariat_client(client, secretariat, login_with_mfa):
    login_with_mfa(client, secretariat)
    return client


def _survey(cbs_code: str, year: int, *, mailed: int, responses: int, willing="60.0", knows="40.0"):
    SurveyResult.objects.create(
        municipality=Municipality.objects.get(cbs_code=cbs_code), year=year, addresses_mailed=mailed,
        responses=responses, willing_to_report_pct=Decimal(willing), knows_signals_pct=Decimal(knows),
    )  # fmt: skip


def _pages(content: bytes) -> list[str]:
    """The text of each page: fpdf2 writes one content stream per page, in page order (standard fonts embed
    no font streams)."""
    pages = []
    for stream in re.finditer(rb"stream\n(.*?)\nendstream", content, re.S):
        try:
            data = zlib.decompressobj().decompress(stream.group(1))
        except zlib.error:
            continue
        found = [re.sub(rb"\\(.)", rb"\1", t.group(1)).decode("cp1252") for t in re.finditer(rb"\((.*?)\)\s*Tj", data)]
        if found:
            pages.append(" ".join(found))
    return pages


def _pdf(client, year: int) -> bytes:
    response = client.get(f"/voortgang/rapportage/{year}/stuurgroep.pdf")
    assert response.status_code == 200
    return response.content


def _book(client, year: int):
    response = client.get(f"/voortgang/rapportage/{year}/stuurgroep.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- The first page -------------------------------------------------------------------------------------------


def test_the_first_page_sums_up_the_year_from_the_tables_numbers(secretariat_client, filled):
    _locations(HOLLANDS_KROON, {"geidentificeerd": 3, "bezocht": 9, "doorverwezen": 6})
    _locations(HAARLEM, {"geidentificeerd": 12, "bezocht": 8, "doorverwezen": 2})
    pages = _pages(_pdf(secretariat_client, 2022))
    first = _flat(pages[0])
    assert "Het jaar in het kort" in first
    assert "Procesevaluatie" not in first  # the evaluation starts on page 2
    assert "In 2022 deden 32 gemeenten mee, in 3 districten." in first
    # Survey: Hollands Kroon 410 of 1,500 and Dijk en Waard 380 of 2,000, both Noord-Holland Noord.
    assert "vulden 790 van de 3.500 aangeschreven adressen de vragenlijst in (respons 22,6%), in 2 gemeenten" in first
    assert "Meldingsbereid: 60,7%; kent de signalen: 44,5%." in first
    assert first.count("In 2022 is er in dit district nog geen enquête gehouden.") == 2  # KEN and ZW
    assert "nog geen met een module gestart of klaar" in first

    this_year = _this_year()
    dashboard = _cells(secretariat_client.get(f"/voortgang/?jaar={this_year}").content.decode())["tabel-module-5"]
    total = next(row for row in dashboard if row[0] == "Alle gemeenten")
    first = _flat(_pages(_pdf(secretariat_client, this_year))[0])
    # The module 5 totals exactly as the table shows them (suppressed values too), never recounted.
    assert f"in alle gemeenten samen: {total[1]}; naar hun stand nu: geïdentificeerd {total[2]}" in first
    assert f"Doorverwezen naar een coach: {total[4]}." in first


def test_the_first_page_counts_modules_started_and_finished_per_district(secretariat_client, reference_data):
    from monitoring.models import Participation
    from stakeholders.models import Module

    module_1 = Module.objects.get(number=1)
    for cbs_code, status in ((HOLLANDS_KROON, "gestart"), (ALKMAAR, "afgerond"), (DEN_HELDER, "gestart")):
        Participation.objects.create(
            municipality=Municipality.objects.get(cbs_code=cbs_code), module=module_1, status=status
        )
    first = _flat(_pages(_pdf(secretariat_client, _this_year()))[0])
    assert "Van de 16 gemeenten: module 1 bij 2 gestart en bij 1 afgerond." in first


def test_empty_tables_get_a_sentence_instead_of_rows_of_dashes(secretariat_client, filled):
    text = _flat(" ".join(pdf_string_list(_pdf(secretariat_client, 2022))))
    # Kennemerland has no survey: one line for the district, not nine rows of dashes.
    assert "Kennemerland In 2022 is er in dit district nog geen enquête gehouden." in text
    assert "Haarlem – – – – –" not in text and "Beverwijk – – –" not in text
    # Within Noord-Holland Noord the municipalities without a survey are named on one line.
    assert re.search(r"Nog geen enquête Alkmaar, Bergen \(NH\.\), Castricum", text)
    assert "Voor 2022 zijn in dit district nog geen politiecijfers ingevoerd." in text
    # A year without any figures at all: one sentence per table.
    text = _flat(" ".join(pdf_string_list(_pdf(secretariat_client, 2023))))
    assert "In 2023 is er nog in geen enkele gemeente een enquête gehouden." in text
    assert "Voor 2023 zijn nog geen politiecijfers ingevoerd." in text
    assert "– – –" not in text


# --- Trends: n per year, and the threshold --------------------------------------------------------------------


@pytest.fixture
def thin_year(reference_data):
    """2022: one municipality with 13 responses; 2023: three municipalities with 900 responses together."""
    _survey(HAARLEM, 2022, mailed=100, responses=13, willing="15.4")
    for cbs_code in (HAARLEM, ALKMAAR, ZAANSTAD):
        _survey(cbs_code, 2023, mailed=1000, responses=300, willing="61.0")
    PoliceFigures.objects.create(
        municipality=Municipality.objects.get(cbs_code=HAARLEM), year=2022, cannabis_farms=2, drug_labs=0,
        drug_dumpings=1,
    )  # fmt: skip
    for cbs_code in (HAARLEM, ALKMAAR, ZAANSTAD):
        PoliceFigures.objects.create(
            municipality=Municipality.objects.get(cbs_code=cbs_code), year=2023, cannabis_farms=9, drug_labs=1,
            drug_dumpings=4,
        )  # fmt: skip


def _figure(page: str, slug: str) -> str:
    return re.search(rf'<figure class="chart" aria-labelledby="{slug}-title">.*?</figure>', page, re.S).group(0)


def test_a_year_below_the_threshold_is_marked_and_left_out_of_the_trend(secretariat_client, thin_year):
    response = secretariat_client.get("/voortgang/?jaar=2023")
    survey, police = response.context["charts"]
    assert survey.categories == ["2022", "2023"] and survey.too_little == [True, False]
    assert {bar.value for bar in survey.bars} == {Decimal("61.0"), Decimal("40.0")}  # only 2023 is drawn
    assert police.too_little == [True, False] and len(police.bars) == 3
    figure = _figure(response.content.decode(), "grafiek-enquete")
    assert figure.count('class="chart-bar"') == 2
    # n under every year, the year kept on the axis and marked, and said under the chart.
    assert ">n=13</text>" in figure and ">1 gemeente</text>" in figure
    assert ">n=900</text>" in figure and ">3 gemeenten</text>" in figure
    assert 'class="chart-tick chart-gap">te weinig gegevens</text>' in figure
    assert "Niet in de grafiek: 2022 (te weinig gegevens: n=13, 1 gemeente; niet in de trend)." in figure
    assert re.search(r'<th scope="row">2022</th><td>15,4%</td><td>40,0%</td><td>13</td><td>1</td>', figure)

    pdf = _flat(" ".join(pdf_string_list(_pdf(secretariat_client, 2023))))
    assert "te weinig gegevens: n=13, 1 gemeente; niet in de trend" in pdf
    assert "n=900" in pdf and "3 gemeenten" in pdf

    # The secretariat lowers the threshold: 2022 counts again.
    assert secretariat_client.post("/voortgang/trenddrempel/", {"min_municipalities": "1", "min_responses": "10"})
    survey = secretariat_client.get("/voortgang/?jaar=2023").context["charts"][0]
    assert survey.too_little == [False, False] and len(survey.bars) == 4


def test_one_municipalitys_trend_marks_a_year_with_too_few_responses(secretariat_client, thin_year):
    survey = secretariat_client.get(f"/voortgang/{HAARLEM}/").context["charts"][0]
    assert survey.too_little == [True, False]  # 13 responses; a single municipality is no reason by itself


# --- The threshold setting ------------------------------------------------------------------------------------


def test_the_secretariat_sets_the_threshold(secretariat_client, secretariat):
    page = secretariat_client.get("/voortgang/trenddrempel/").content.decode()
    assert 'value="3"' in page and 'value="100"' in page  # the defaults
    response = secretariat_client.post("/voortgang/trenddrempel/", {"min_municipalities": "5", "min_responses": "250"})
    assert response.status_code == 302
    stored = TrendThreshold.objects.get()
    assert (stored.min_municipalities, stored.min_responses, stored.updated_by) == (5, 250, secretariat)
    secretariat_client.post("/voortgang/trenddrempel/", {"min_municipalities": "4", "min_responses": "200"})
    assert TrendThreshold.objects.count() == 1 and TrendThreshold.current().min_municipalities == 4
    page = secretariat_client.get(f"/voortgang/rapportage/{_this_year()}/").content.decode()
    assert "telt een jaar mee vanaf 4 gemeenten en 200 ingevulde vragenlijsten" in page
    assert 'href="/voortgang/trenddrempel/"' in page


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AOV, Role.COACH, Role.COACH_COORDINATOR, Role.ADMIN])
def test_only_the_secretariat_sees_and_changes_the_threshold(client, make_user, login_with_mfa, role):
    district = "NHN" if role in (Role.PARTNER, Role.AOV) else None
    login_with_mfa(client, make_user(role, district=district))
    assert client.get("/voortgang/trenddrempel/").status_code == 404
    response = client.post("/voortgang/trenddrempel/", {"min_municipalities": "1", "min_responses": "0"})
    assert response.status_code == 404
    assert not TrendThreshold.objects.exists()
    assert "/voortgang/trenddrempel/" not in client.get("/voortgang/").content.decode()


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/voortgang/trenddrempel/")
    assert response.status_code == 302 and "inloggen" in response["Location"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"min_municipalities": "-1", "min_responses": "100"}, "min_municipalities", "van 1 tot en met 999"),
        ({"min_municipalities": "0", "min_responses": "100"}, "min_municipalities", "van 1 tot en met 999"),
        ({"min_municipalities": "3", "min_responses": "-5"}, "min_responses", "van 0 tot en met 1.000.000"),
        ({"min_municipalities": "drie", "min_responses": "100"}, "min_municipalities", "Vul een geheel getal in"),
        ({"min_municipalities": "3", "min_responses": "12,5"}, "min_responses", "Vul een geheel getal in"),
        ({"min_municipalities": "3", "min_responses": ""}, "min_responses", "Vul een aantal in"),
        ({"min_municipalities": "40000", "min_responses": "1"}, "min_municipalities", "van 1 tot en met 999"),
    ],
)
def test_bad_threshold_input_gets_a_dutch_message_and_keeps_what_was_stored(secretariat_client, data, field, message):
    TrendThreshold.objects.create(min_municipalities=4, min_responses=150)
    response = secretariat_client.post("/voortgang/trenddrempel/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    stored = TrendThreshold.objects.get()
    assert (stored.min_municipalities, stored.min_responses) == (4, 150)


def test_the_service_refuses_anyone_but_the_secretariat(make_user):
    from django.core.exceptions import PermissionDenied

    from monitoring.services_figures import trend_threshold_save

    with pytest.raises(PermissionDenied):
        trend_threshold_save(user=make_user(Role.AOV, district="NHN"), min_municipalities=1, min_responses=0)
    assert not TrendThreshold.objects.exists()


# --- XLSX -----------------------------------------------------------------------------------------------------


def test_the_xlsx_opens_ready_to_use(secretariat_client, filled):
    secretariat_client.post("/voortgang/rapportage/2022/", {"evaluation": '=HYPERLINK("http://x")\n\nGoed.'})
    _locations(HOLLANDS_KROON, {"geidentificeerd": 3, "bezocht": 9, "doorverwezen": 6})
    book = _book(secretariat_client, 2022)
    assert book.sheetnames == [
        "Samenvatting",
        "Procesevaluatie",
        "Stand Kennemerland",
        "Stand Noord-Holland Noord",
        "Stand Zaanstreek-Waterland",
        "Totalen per module",
        "Module 1 enquête",
        "Politiecijfers",
        "Modules 2, 3 en 4",
        "Module 5 locaties",
        "Trend enquête",
        "Trend politiecijfers",
    ]
    for sheet in book.worksheets:
        assert len(sheet.title) <= 31 and not FORBIDDEN_IN_SHEET_NAMES & set(sheet.title)
        assert sheet.freeze_panes in ("A2", "B2"), sheet.title  # the heading row stays in view
        assert all(cell.font.b for cell in sheet[1]), sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert "\u00ad" not in str(cell.value or ""), (sheet.title, cell.coordinate)
                assert cell.data_type != "f", (sheet.title, cell.coordinate)  # text never runs as a formula

    survey = book["Module 1 enquête"]
    assert [c.value for c in survey[1]] == [
        "Gemeente", "Aangeschreven adressen", "Ingevulde vragenlijsten", "Respons", "Meldingsbereid",
        "Kent de signalen",
    ]  # fmt: skip
    row = next(r for r in survey.iter_rows(min_row=2) if r[0].value == "Hollands Kroon")
    mailed, responses, rate, willing, knows = row[1:]
    assert isinstance(mailed.value, int) and mailed.data_type == "n" and mailed.number_format == "#,##0"
    assert responses.value == 410 and isinstance(responses.value, int)
    assert rate.value == pytest.approx(0.273) and rate.number_format == "0.0%"
    assert willing.value == pytest.approx(0.632) and knows.number_format == "0.0%"
    assert survey.freeze_panes == "B2"
    total = next(r for r in survey.iter_rows(min_row=2) if r[0].value == "Totaal")
    assert total[0].font.b and total[1].font.b
    # Widths from the content: "Totaal Noord-Holland Noord" and the long headings are not cut.
    assert survey.column_dimensions["A"].width >= len("Totaal Noord-Holland Noord")
    assert survey.column_dimensions["B"].width >= len("Aangeschreven adressen")
    assert book["Totalen per module"].column_dimensions["A"].width > 40

    trend = book["Trend enquête"]
    rows = {r[0].value: r for r in trend.iter_rows(min_row=2) if isinstance(r[0].value, int)}
    assert rows[2022][0].number_format == "0"  # a year, not 2.022
    assert rows[2022][1].value == pytest.approx(0.607) and rows[2022][1].number_format == "0.0%"
    assert rows[2022][3].value == 790 and rows[2022][4].value == 2
    assert rows[2022][5].value == "te weinig gegevens: n=790, 2 gemeenten; niet in de trend"

    evaluation = book["Procesevaluatie"]
    assert evaluation["A2"].value == '=HYPERLINK("http://x")' and evaluation["A2"].data_type == "s"

    this_year = _book(secretariat_client, _this_year())["Module 5 locaties"]
    cells = [c for r in this_year.iter_rows(min_row=2) for c in r[1:] if c.value is not None]
    shown = {c.value for c in cells if isinstance(c.value, str)}
    assert shown and all(c.data_type == "s" for c in cells if isinstance(c.value, str))  # "<5" stays text
    assert all(isinstance(c.value, int) for c in cells if not isinstance(c.value, str))


def test_sheet_names_are_safe_and_unique():
    from monitoring.xlsx import sheet_name

    taken: set[str] = set()
    assert sheet_name("Module 1: bewonersenquête 2022 [concept]/*?", taken) == "Module 1 bewonersenquête 2022 c"
    long = "Stand Een Heel Lange Districtsnaam Die Niet Past"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == len(second) == 31 and first != second and second.endswith("(2)")


@pytest.mark.parametrize("most", [3, 10, 40, 130])
def test_a_count_chart_has_whole_number_ticks(most):
    from monitoring.charts import police_chart
    from monitoring.selectors_figures import Police, YearSeries

    series = YearSeries(
        years=[2022, 2023],
        survey={},
        police={2022: Police(most, 1, 0), 2023: Police(2, 0, 1)},
        police_municipalities={2022: 5, 2023: 5},
    )
    chart = police_chart(series, slug="p", min_municipalities=3)
    assert [tick.label for tick in chart.ticks][0] == "0"
    assert all(tick.label.isdigit() for tick in chart.ticks), [tick.label for tick in chart.ticks]
    assert int(chart.ticks[-1].label) >= most
