"""The yearly report to the Stuurgroep Ondermijning as PDF (house style, fpdf2) and XLSX (openpyxl, xlsx.py).

report_data() gathers everything from the dashboard's own selectors and tables; the PDF prints the cells with
the dashboard's display() and the XLSX writes the same values as typed cells, so no figure is computed twice.
The first page sums the year up in plain Dutch from those same objects (summary.py)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from core.pdf import BLUE, FONT, INK, MUTED, RULE, HouseStylePDF, pdf_text

from . import charts, selectors
from .models import ProgressReport
from .permissions import referral_count_municipality_ids
from .selectors_figures import figure_tables, trend_threshold, year_series
from .summary import year_summary
from .tables import Row, Table, display, figure_tables_for_display, matrix_tables
from .xlsx import Sheet, workbook


@dataclass
class ReportData:
    year: int
    evaluation: str
    matrix: list[Table]
    totals: Table
    figures: list[Table]
    charts: list[charts.BarChart]
    generated_at: object
    summary: list[tuple[str, str]]  # (label, text): the first page


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
    threshold = trend_threshold()
    return {
        "modules": modules,
        "blocks": blocks,
        "matrix": matrix_tables(blocks, modules),
        "totals": status_totals_table(selectors.status_totals(blocks, modules)),
        "figures": figure_tables_for_display(figures),
        "figure_data": figures,
        "charts": [
            charts.survey_chart(
                series,
                slug="grafiek-enquete",
                min_municipalities=threshold.min_municipalities,
                min_responses=threshold.min_responses,
            ),
            charts.police_chart(series, slug="grafiek-politie", min_municipalities=threshold.min_municipalities),
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
        summary=year_summary(
            year=year,
            modules=tables["modules"],
            blocks=tables["blocks"],
            figure_data=tables["figure_data"],
            figures=tables["figures"],
            charts=tables["charts"],
        ),
    )


# --- Tables without figures ----------------------------------------------------------------------------------


def _blank(slug: str, cells: list) -> bool:
    """Nothing entered (survey, police: no row at all) or nothing counted (counts that are all zero)."""
    if slug in ("module-1", "politie"):
        return all(value is None for value in cells)
    return all(value in (None, 0) for value in cells)


def _empty_texts(slug: str, year: int) -> tuple[str, str] | None:
    """Why a table, or one district's part of it, has no figures: (whole table, one district)."""
    texts = {
        "module-1": (
            _("In %(year)s is er nog in geen enkele gemeente een enquête gehouden."),
            _("In %(year)s is er in dit district nog geen enquête gehouden."),
        ),
        "politie": (
            _("Voor %(year)s zijn nog geen politiecijfers ingevoerd."),
            _("Voor %(year)s zijn in dit district nog geen politiecijfers ingevoerd."),
        ),
        "modules-2-4": (
            _("In %(year)s zijn nog geen informatieavonden, trainingen of platformoverleggen vastgelegd."),
            _("In %(year)s is in dit district nog niets vastgelegd voor de modules 2, 3 en 4."),
        ),
        "module-5": (_("In %(year)s zijn geen kwetsbare locaties vastgelegd."), ""),
    }
    if slug not in texts:
        return None
    whole, district = texts[slug]
    return whole % {"year": year}, district % {"year": year} if district else ""


def explained(table: Table, year: int) -> Table | str:
    """The table as the PDF prints it: a sentence instead of a table without figures, and one line instead of
    a district's rows of dashes. The numbers that are printed are the table's own."""
    texts = _empty_texts(table.slug, year)
    if texts is None:
        return table
    whole, district = texts
    if all(_blank(table.slug, row.cells) for row in table.rows):
        return whole
    if not district:
        return table
    missing = {"module-1": _("Nog geen enquête"), "politie": _("Nog geen politiecijfers")}.get(table.slug)
    rows: list[Row] = []
    start = 0
    while start < len(table.rows):
        group = table.rows[start].group
        end = start + 1
        while group and end < len(table.rows) and table.rows[end].group == group:
            end += 1
        members, start = table.rows[start:end], end
        if not group:
            rows.extend(members)
            continue
        if all(_blank(table.slug, row.cells) for row in members):
            rows.append(Row(group, [], group=group, note=district))
            continue
        blank = [row for row in members if not row.total and _blank(table.slug, row.cells)]
        if missing and len(blank) > 1:
            # The municipalities without figures in a district with some: their names on one line.
            rows.extend(row for row in members if not row.total and row not in blank)
            rows.append(Row(missing, [], group=group, note=", ".join(row.heading for row in blank)))
            rows.extend(row for row in members if row.total)
        else:
            rows.extend(members)
    return Table(table.slug, table.title, table.columns, rows, table.note)


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
            if row.note:
                self._note_row(row, widths, usable, size, headings)
                continue
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

    def _note_row(self, row: Row, widths, usable, size, headings) -> None:
        """A district without figures: its name, and one sentence across the other columns."""
        spans = [widths[0], usable - widths[0]]
        texts = [row.heading, row.note]
        height = max(self._lines(text, spans[i], size, "I" if i else "") for i, text in enumerate(texts)) * 4.2 + 1.2
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
            headings()
        self.set_text_color(*INK)
        x, y = self.l_margin, self.get_y()
        for i, text in enumerate(texts):
            self.set_font(FONT, "I" if i else "", size)
            self.set_xy(x + 0.5, y + 0.6)
            self.multi_cell(spans[i] - 1, 4.2, pdf_text(text), align="L")
            x += spans[i]
        self.set_draw_color(*RULE)
        self.line(self.l_margin, y + height, self.l_margin + usable, y + height)
        self.set_xy(self.l_margin, y + height)

    def explanation(self, title: str, text: str) -> None:
        """A table without figures: its title and why."""
        self.section_heading(title)
        self.paragraph(text, indent=0, style="I")
        self.ln(2)

    def summary(self, parts: list[tuple[str, str]]) -> None:
        self.section_heading(_("Het jaar in het kort"))
        for label, text in parts:
            if label:
                self._keep_room(16)
                self.paragraph(label, indent=0, style="B")
                self.ln(-1.5)
            self.paragraph(text, indent=0)

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
        for x, y, text in chart.sublabels:  # the n of each year
            width = self.get_string_width(pdf_text(text))
            self.text(self.l_margin + x * scale - width / 2, top + (y - 4) * scale, pdf_text(text))
        self.set_font(FONT, "I", 7)
        for x, y, text in chart.gaps:  # a year below the threshold: no bars, and why
            width = self.get_string_width(pdf_text(text))
            self.text(self.l_margin + x * scale - width / 2, top + y * scale, pdf_text(text))
        self.set_y(top + chart.height * scale + 2)
        x = self.l_margin
        for _index, name, pattern, colour in chart.styles:
            self._bar(x, self.get_y(), 4, 4, pattern, colour)
            self.set_xy(x + 5, self.get_y())
            self.set_font(FONT, "", 8)
            self.set_text_color(*INK)
            self.cell(self.get_string_width(pdf_text(name)) + 6, 4, pdf_text(name))
            x = self.get_x()
        self.ln(6)
        note = chart.threshold_note
        if chart.left_out:
            note += " " + _("Niet in de grafiek:") + " " + "; ".join(chart.left_out) + "."
        if note:
            self.set_font(FONT, "I", 8)
            self.set_text_color(*MUTED)
            self.multi_cell(0, 4, pdf_text(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

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
    pdf.summary(data.summary)
    pdf.add_page()
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
        shown = explained(table, data.year)
        if isinstance(shown, str):
            pdf.explanation(table.title, shown)
        else:
            pdf.table(shown)
    if pdf.w > pdf.h:
        pdf.add_page(orientation="P")
    for chart in data.charts:
        pdf.chart(chart)
    return pdf.render()


# --- XLSX ----------------------------------------------------------------------------------------------------


def _sheet(table: Table, name: str) -> Sheet:
    return Sheet(
        name=name,
        columns=table.columns,
        rows=[[row.heading, *row.cells] for row in table.rows],
        bold_rows={index for index, row in enumerate(table.rows) if row.total},
        notes=[table.note] if table.note else [],
    )


def _chart_sheet(chart: charts.BarChart, name: str) -> Sheet:
    def year(category: str):
        return int(category) if category.isdigit() else category

    # A percentage series holds Decimals (percentage cells); the counts are whole numbers.
    return Sheet(
        name=name,
        columns=[_("Jaar"), *chart.series, *chart.count_columns, _("Opmerking")],
        rows=[
            [
                year(category),
                *[Decimal(v) if chart.unit == "%" and v is not None else v for v in values],
                *counts,
                remark or None,
            ]
            for category, values, counts, remark in chart.table_rows
        ],  # fmt: skip
        notes=[chart.threshold_note] if chart.threshold_note else [],
        formats={0: "0"},  # a year, not a count: 2026, never 2.026
    )


def report_xlsx(data: ReportData) -> bytes:
    """One sheet per table of the PDF, named in one style: a short Dutch name without the year (the file has
    it)."""
    names = {
        "module-1": _("Module 1 enquête"),
        "politie": _("Politiecijfers"),
        "modules-2-4": _("Modules 2, 3 en 4"),
        "module-5": _("Module 5 locaties"),
        "grafiek-enquete": _("Trend enquête"),
        "grafiek-politie": _("Trend politiecijfers"),
    }
    summary = Sheet(
        name=_("Samenvatting"),
        columns=[_("Onderwerp"), _("Het jaar %(year)s in het kort") % {"year": data.year}],
        rows=[[label or None, text] for label, text in data.summary],
        text=True,
    )
    evaluation = Sheet(name=_("Procesevaluatie"), columns=[_("Procesevaluatie")], text=True)
    for paragraph in (data.evaluation or "").replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            evaluation.rows.append([paragraph.strip()])
    sheets = [summary, evaluation]
    sheets += [_sheet(t, _("Stand %(district)s") % {"district": t.title}) for t in data.matrix]
    sheets.append(_sheet(data.totals, _("Totalen per module")))
    sheets += [_sheet(t, names.get(t.slug, t.title)) for t in data.figures]
    sheets += [_chart_sheet(chart, names.get(chart.slug, chart.title)) for chart in data.charts]
    title = _("Voortgang Modulair Programma Veilig Buitengebied %(year)s") % {"year": data.year}
    return workbook(sheets, title=title, creator=settings.WAGTAIL_SITE_NAME)
