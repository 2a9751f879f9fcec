"""Grouped bar charts as plain geometry: the web page draws them as SVG, the PDF report with fpdf2, from the
same numbers. Each series has a pattern as well as a colour (WCAG 1.4.1: colour is never the only cue), and
every chart comes with its numbers as a table.

Every year carries its n (responses, municipalities) under its bars. A year below the secretariat's threshold
(TrendThreshold) gets no bars: beside full years its figure would read as a collapse. It stays on the axis,
marked "te weinig gegevens" with its n, and its numbers stay in the table: left out of the trend, never dropped."""

import math
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    # Per category: the lines under its label ("n=790", "2 gemeenten") and whether it is below the threshold.
    counts: list[list[str]] = field(default_factory=list)
    too_little: list[bool] = field(default_factory=list)
    count_columns: list[str] = field(default_factory=list)  # the n as numbers, for the table beside the chart
    count_values: list[list[int]] = field(default_factory=list)  # per category
    threshold_note: str = ""
    width: float = 640
    height: float = 260
    left: float = 48
    bottom: float = 36
    top: float = 12
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    sublabels: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, text: the n under a year
    gaps: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, text: where a year has no bars

    @property
    def styles(self):
        return [(index, name, *SERIES_STYLES[index % len(SERIES_STYLES)]) for index, name in enumerate(self.series)]

    @property
    def rows(self):
        """Per category the values of every series, for the table beside the chart."""
        return [(category, [serie[i] for serie in self.values]) for i, category in enumerate(self.categories)]

    @property
    def table_rows(self):
        """Per category: its values, its n and the remark of a year left out of the trend."""
        return [
            (
                category,
                [serie[i] for serie in self.values],
                self.count_values[i] if self.count_values else [],
                self.remark(i),
            )
            for i, category in enumerate(self.categories)
        ]

    def remark(self, index: int) -> str:
        if not (self.too_little and self.too_little[index]):
            return ""
        return _("te weinig gegevens: %(n)s; niet in de trend") % {"n": ", ".join(self.counts[index])}

    @property
    def left_out(self) -> list[str]:
        """The years below the threshold, each with its n: said under the chart, never left out silently."""
        return [f"{category} ({self.remark(i)})" for i, category in enumerate(self.categories) if self.remark(i)]

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


LINE = 13  # the height of a line of text under the axis


def layout(chart: BarChart) -> BarChart:
    lines = max((len(c) for c in chart.counts), default=0)
    chart.bottom += LINE * lines
    chart.height += LINE * lines
    too_little = chart.too_little or [False] * len(chart.categories)
    known = [v for serie in chart.values for i, v in enumerate(serie) if v is not None and not too_little[i]]
    # Counts: four whole-number steps (never "1.25" or "0.25" of a drug lab).
    maximum = 100 if chart.unit == "%" else 4 * math.ceil(_nice_maximum(max([*known, 4]) / 4))
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
        middle = chart.left + group * i + group / 2
        chart.labels.append((middle, category))
        for line, text in enumerate(chart.counts[i] if chart.counts else []):
            chart.sublabels.append((middle, chart.plot_bottom + 18 + LINE * (line + 1), text))
        if too_little[i]:
            chart.gaps.append((middle, chart.top + plot_height - 6, _("te weinig gegevens")))
            continue
        for s, serie in enumerate(chart.values):
            value = serie[i]
            if value is None:
                continue
            height = plot_height * float(value) / maximum
            chart.bars.append(
                Bar(start + s * bar_width, chart.top + plot_height - height, bar_width - 2, height, s, value)
            )
    return chart


def _municipalities(n: int) -> str:
    return ngettext("%(n)s gemeente", "%(n)s gemeenten", n) % {"n": n}


def _threshold_note(min_municipalities: int, min_responses: int | None) -> str:
    if min_municipalities <= 1 and not min_responses:
        return ""  # every year with figures counts: nothing to explain
    if min_responses is None:
        return ngettext(
            "Een jaar telt mee in de trend bij cijfers van ten minste %(m)s gemeente.",
            "Een jaar telt mee in de trend bij cijfers van ten minste %(m)s gemeenten.",
            min_municipalities,
        ) % {"m": min_municipalities}
    return ngettext(
        "Een jaar telt mee in de trend bij ten minste %(m)s gemeente en %(r)s ingevulde vragenlijsten.",
        "Een jaar telt mee in de trend bij ten minste %(m)s gemeenten en %(r)s ingevulde vragenlijsten.",
        min_municipalities,
    ) % {"m": min_municipalities, "r": formats.number_format(min_responses, force_grouping=True)}


def survey_chart(series: YearSeries, *, slug: str, min_municipalities: int = 1, min_responses: int = 0) -> BarChart:
    """min_municipalities, min_responses: the secretariat's threshold (TrendThreshold) for a year to count."""
    years = [year for year in series.years if year in series.survey]
    municipalities = [series.survey_municipalities.get(y, 0) for y in years]
    responses = [series.survey[y].responses for y in years]
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
            counts=[
                [f"n={formats.number_format(r, force_grouping=True)}", _municipalities(m)]
                for r, m in zip(responses, municipalities, strict=True)
            ],
            too_little=[
                m < min_municipalities or r < min_responses for r, m in zip(responses, municipalities, strict=True)
            ],
            count_columns=[_("Ingevulde vragenlijsten"), _("Gemeenten")],
            count_values=[[r, m] for r, m in zip(responses, municipalities, strict=True)],
            threshold_note=_threshold_note(min_municipalities, min_responses),
        )
    )


def police_chart(series: YearSeries, *, slug: str, min_municipalities: int = 1) -> BarChart:
    years = [year for year in series.years if year in series.police]
    municipalities = [series.police_municipalities.get(y, 0) for y in years]
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
            counts=[[_municipalities(m)] for m in municipalities],
            too_little=[m < min_municipalities for m in municipalities],
            count_columns=[_("Gemeenten")],
            count_values=[[m] for m in municipalities],
            threshold_note=_threshold_note(min_municipalities, None),
        )
    )
