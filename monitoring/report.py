"""The yearly report to the Stuurgroep Ondermijning as PDF (house style, fpdf2) and XLSX (tablib).

report_data() gathers everything from the dashboard's own selectors and tables; the PDF prints the cells with
the dashboard's display() and the XLSX writes the same values as numbers, so no figure is computed twice."""

from dataclasses import dataclass

import tablib
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from core.pdf import BLUE, FONT, INK, MUTED, RULE, HouseStylePDF, pdf_text

from . import charts, selectors
from .models import ProgressReport
from .permissions import referral_count_municipality_ids
from .selectors_figures import figure_tables, year_series
from .tables import Row, Table, display, figure_tables_for_display, matrix_tables


@dataclass
class ReportData:
    year: int
    evaluation: str
    matrix: list[Table]
    totals: Table
    figures: list[Table]
    charts: list[charts.BarChart]
    generated_at: object


def status_totals_table(totals) -> Table:
    return Table(
        slug="totalen",
        title=_("Totalen per module"),
        columns=[_("Module")] + [label for label, _n in totals[0]["counts"]] if totals else [_("Module")],
        rows=[Row(f"{t['module'].number}. {t['module'].name}", [n for _label, n in t["counts"]]) for t in totals],
    )


def dashboard_tables(*, year: int, district_code: str | None, user):
    """What the dashboard and the report show for a year: matrix, totals, figures and charts."""
    modules, blocks = selectors.progress_matrix(year=year, district_code=district_code)
    figures = figure_tables(year=year, district_code=district_code, locations_for=referral_count_municipality_ids(user))
    series = year_series(district_code=district_code)
    return {
        "modules": modules,
        "blocks": blocks,
        "matrix": matrix_tables(blocks, modules),
        "totals": status_totals_table(selectors.status_totals(blocks, modules)),
        "figures": figure_tables_for_display(figures),
        "charts": [
            charts.survey_chart(series, slug="grafiek-enquete"),
            charts.police_chart(series, slug="grafiek-politie"),
        ],
    }


def report_data(*, year: int, user) -> ReportData:
    tables = dashboard_tables(year=year, district_code=None, user=user)
    saved = ProgressReport.objects.filter(year=year).first()
    return ReportData(
        year=year,
        evaluation=saved.evaluation if saved else "",
        matrix=tables["matrix"],
        totals=tables["totals"],
        figures=tables["figures"],
        charts=tables["charts"],
        generated_at=timezone.now(),
    )


# --- PDF -----------------------------------------------------------------------------------------------------


class ReportPDF(HouseStylePDF):
    def table(self, table: Table, *, first_width: float = 44) -> None:
        """A table that repeats its headings on a new page; totals in bold."""
        usable = self.w - self.l_margin - self.r_margin
        other = (usable - first_width) / max(1, len(table.columns) - 1)
        widths = [first_width] + [other] * (len(table.columns) - 1)
        size = 8 if len(table.columns) > 6 else 9
        if len(table.columns) > 6 and self.w < self.h:
            self.add_page(orientation="L")  # wide tables get the width of a landscape page
            usable = self.w - self.l_margin - self.r_margin
            other = (usable - first_width) / max(1, len(table.columns) - 1)
            widths = [first_width] + [other] * (len(table.columns) - 1)

        def headings():
            self.set_font(FONT, "B", size - 0.5)
            self.set_text_color(*BLUE)
            self.set_fill_color(236, 242, 247)
            heights = [self._lines(text, widths[i], size - 0.5, "B") for i, text in enumerate(table.columns)]
            height = max(heights) * 4.2 + 1.5
            x, y = self.l_margin, self.get_y()
            for i, text in enumerate(table.columns):
                self.rect(x, y, widths[i], height, style="F")
                self.set_xy(x + 0.5, y + 0.75)
                self.multi_cell(widths[i] - 1, 4.2, pdf_text(text), align="L" if i == 0 else "R")
                x += widths[i]
            self.set_xy(self.l_margin, y + height)

        self.section_heading(table.title)
        headings()
        for row in table.rows:
            cells = [row.heading] + [display(value) for value in row.cells]
            style = "B" if row.total else ""
            line_count = max(self._lines(text, widths[i], size, style) for i, text in enumerate(cells))
            height = line_count * 4.2 + 1.2
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                headings()
            self.set_font(FONT, style, size)
            self.set_text_color(*INK)
            x, y = self.l_margin, self.get_y()
            for i, text in enumerate(cells):
                self.set_xy(x + 0.5, y + 0.6)
                self.multi_cell(widths[i] - 1, 4.2, pdf_text(text), align="L" if i == 0 else "R")
                x += widths[i]
            self.set_draw_color(*RULE)
            self.line(self.l_margin, y + height, self.l_margin + usable, y + height)
            self.set_xy(self.l_margin, y + height)
        if table.note:
            self.ln(1)
            self.set_font(FONT, "I", 8)
            self.set_text_color(*MUTED)
            self.multi_cell(0, 4, pdf_text(table.note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    def _lines(self, text: str, width: float, size: float, style: str = "") -> int:
        self.set_font(FONT, style, size)
        return max(1, len(self.multi_cell(width - 1, 4.2, pdf_text(text), dry_run=True, output="LINES")))

    def chart(self, chart: charts.BarChart) -> None:
        """The same bars as the dashboard's SVG, scaled to the page; patterns as in the SVG."""
        self.section_heading(chart.title)
        if not chart.categories:
            self.paragraph(_("Nog geen cijfers ingevoerd."), indent=0)
            return
        usable = self.w - self.l_margin - self.r_margin
        scale = usable / chart.width
        self._keep_room(chart.height * scale + 14)
        top = self.get_y()
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.set_draw_color(*RULE)
        for tick in chart.ticks:
            y = top + tick.y * scale
            self.line(self.l_margin + chart.left * scale, y, self.l_margin + usable, y)
            self.text(self.l_margin, y + 1, pdf_text(tick.label))
        for bar in chart.bars:
            _index, _name, pattern, colour = chart.styles[bar.series]
            self._bar(self.l_margin + bar.x * scale, top + bar.y * scale, bar.width * scale, bar.height * scale,
                      pattern, colour)  # fmt: skip
        for x, label in chart.labels:
            width = self.get_string_width(label)
            self.text(self.l_margin + x * scale - width / 2, top + (chart.plot_bottom + 14) * scale, pdf_text(label))
        self.set_y(top + chart.height * scale + 2)
        x = self.l_margin
        for _index, name, pattern, colour in chart.styles:
            self._bar(x, self.get_y(), 4, 4, pattern, colour)
            self.set_xy(x + 5, self.get_y())
            self.set_font(FONT, "", 8)
            self.set_text_color(*INK)
            self.cell(self.get_string_width(pdf_text(name)) + 6, 4, pdf_text(name))
            x = self.get_x()
        self.ln(8)

    def _bar(self, x, y, width, height, pattern, colour) -> None:
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        self.set_draw_color(*rgb)
        self.set_fill_color(*(rgb if pattern == "solid" else (255, 255, 255)))
        self.set_line_width(0.2)
        self.rect(x, y, width, height, style="DF")
        if pattern == "hatch":
            # Lines u + v = offset, u from the left edge and v up from the bottom edge, clipped to the bar.
            offset = 1.2
            while offset < width + height:
                u1, u2 = max(0.0, offset - height), min(width, offset)
                self.line(x + u1, y + height - (offset - u1), x + u2, y + height - (offset - u2))
                offset += 1.2
        elif pattern == "dots":
            self.set_fill_color(*rgb)
            row = 0.8
            while row < height:
                col = 0.8
                while col < width:
                    self.circle(x + col, y + row, 0.25, style="F")
                    col += 1.4
                row += 1.4
        self.set_line_width(0.3)


def report_pdf(data: ReportData) -> bytes:
    title = _("Voortgang Modulair Programma Veilig Buitengebied %(year)s") % {"year": data.year}
    pdf = ReportPDF(district=_("Rapportage aan de Stuurgroep Ondermijning"), title=title)
    pdf.alias_nb_pages()
    pdf.title_block(title, _("Stuurgroep Ondermijning"))
    pdf.facts(
        [
            (_("Periode"), _("1 januari tot en met 31 december %(year)s") % {"year": data.year}),
            (_("Gemaakt op"), formats.date_format(timezone.localtime(data.generated_at), "j F Y, H:i")),
        ]
    )
    pdf.section_heading(_("Procesevaluatie"))
    if data.evaluation.strip():
        for paragraph in data.evaluation.replace("\r\n", "\n").split("\n\n"):
            pdf.paragraph(paragraph.strip(), indent=0)
    else:
        pdf.paragraph(_("Het secretariaat heeft nog geen procesevaluatie geschreven."), indent=0, style="I")
    for table in data.matrix:
        table = Table(
            table.slug, _("Stand per module: %(district)s") % {"district": table.title}, table.columns, table.rows
        )
        pdf.table(table)
    pdf.table(data.totals, first_width=60)
    for table in data.figures:
        pdf.table(table)
    if pdf.w > pdf.h:
        pdf.add_page(orientation="P")
    for chart in data.charts:
        pdf.chart(chart)
    return pdf.render()


# --- XLSX ----------------------------------------------------------------------------------------------------


def _sheet(table: Table, title: str | None = None) -> tablib.Dataset:
    sheet = tablib.Dataset(headers=table.columns, title=(title or table.title)[:31])
    for row in table.rows:
        sheet.append([row.heading] + [float(v) if hasattr(v, "as_tuple") else v for v in row.cells])
    if table.note:  # what the marks of hidden counts mean, under the table as on the dashboard and in the PDF
        sheet.append([table.note] + [None] * (len(table.columns) - 1))
    return sheet


def report_xlsx(data: ReportData) -> bytes:
    sheets = [_sheet(t, _("Stand %(district)s") % {"district": t.title}) for t in data.matrix]
    sheets.append(_sheet(data.totals))
    sheets.extend(_sheet(t, t.slug) for t in data.figures)
    for chart in data.charts:
        chart_table = Table(chart.slug, chart.title, [_("Jaar")] + chart.series)
        chart_table.rows = [Row(category, list(values)) for category, values in chart.rows]
        sheets.append(_sheet(chart_table, chart.slug))
    evaluation = tablib.Dataset(headers=[_("Procesevaluatie")], title=_("Procesevaluatie")[:31])
    for paragraph in (data.evaluation or "").replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            evaluation.append([paragraph.strip()])
    sheets.append(evaluation)
    book = tablib.Databook(sheets)
    return book.export("xlsx")
