"""Grouped bar charts as plain geometry: the web page draws them as SVG, the PDF report with fpdf2, from the
same numbers. Each series has a pattern as well as a colour (WCAG 1.4.1: colour is never the only cue), and
every chart comes with its numbers as a table."""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .selectors_figures import YearSeries

# Fill and pattern per series: solid, diagonal hatching, dots (patterns drawn by the SVG and the PDF alike).
SERIES_STYLES = [("solid", "#00436e"), ("hatch", "#a4161a"), ("dots", "#2f6b2f")]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: float


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class BarChart:
    slug: str
    title: str
    description: str
    unit: str
    categories: list[str]
    series: list[str]
    values: list[list[float | None]]  # per series, per category
    width: float = 640
    height: float = 260
    left: float = 48
    bottom: float = 36
    top: float = 12
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)

    @property
    def styles(self):
        return [(index, name, *SERIES_STYLES[index % len(SERIES_STYLES)]) for index, name in enumerate(self.series)]

    @property
    def rows(self):
        """Per category the values of every series, for the table beside the chart."""
        return [(category, [serie[i] for serie in self.values]) for i, category in enumerate(self.categories)]

    @property
    def plot_bottom(self) -> float:
        return self.height - self.bottom


def _nice_maximum(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def layout(chart: BarChart) -> BarChart:
    known = [v for serie in chart.values for v in serie if v is not None]
    maximum = 100 if chart.unit == "%" else _nice_maximum(max(known, default=0))
    plot_width = chart.width - chart.left - 8
    plot_height = chart.height - chart.top - chart.bottom
    group = plot_width / max(1, len(chart.categories))
    bar_width = min(28, group * 0.8 / max(1, len(chart.series)))
    for step in range(5):
        value = maximum * step / 4
        label = f"{value:g}{chart.unit}" if chart.unit == "%" else f"{value:g}"
        chart.ticks.append(Tick(chart.top + plot_height * (1 - step / 4), label))
    for i, category in enumerate(chart.categories):
        start = chart.left + group * i + (group - bar_width * len(chart.series)) / 2
        chart.labels.append((chart.left + group * i + group / 2, category))
        for s, serie in enumerate(chart.values):
            value = serie[i]
            if value is None:
                continue
            height = plot_height * float(value) / maximum
            chart.bars.append(
                Bar(start + s * bar_width, chart.top + plot_height - height, bar_width - 2, height, s, value)
            )
    return chart


def survey_chart(series: YearSeries, *, slug: str) -> BarChart:
    years = [year for year in series.years if year in series.survey]
    return layout(
        BarChart(
            slug=slug,
            title=_("Enquête: meldingsbereidheid en kennis van de signalen"),
            description=_(
                "Percentage van de bewoners dat verdachte zaken zou melden en dat de signalen kent, per jaar."
            ),
            unit="%",
            categories=[str(year) for year in years],
            series=[_("Meldingsbereid"), _("Kent de signalen")],
            values=[
                [series.survey[y].willing_to_report_pct for y in years],
                [series.survey[y].knows_signals_pct for y in years],
            ],
        )
    )


def police_chart(series: YearSeries, *, slug: str) -> BarChart:
    years = [year for year in series.years if year in series.police]
    return layout(
        BarChart(
            slug=slug,
            title=_("Politiecijfers per jaar"),
            description=_("Aantal opgerolde hennepkwekerijen, drugslabs en drugsdumpingen per jaar."),
            unit="",
            categories=[str(year) for year in years],
            series=[_("Hennepkwekerijen"), _("Drugslabs"), _("Drugsdumpingen")],
            values=[
                [series.police[y].cannabis_farms for y in years],
                [series.police[y].drug_labs for y in years],
                [series.police[y].drug_dumpings for y in years],
            ],
        )
    )
