"""The dashboard's figure tables and the Stuurgroep report are built from these tables: one list of headings
and rows, shown as HTML, printed in the PDF and written to the XLSX. That is how the report's numbers stay
identical to the dashboard's."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from referrals.figures import footnotes, mark_html

from .selectors import DistrictBlock
from .selectors_figures import Figures, FigureTables


@dataclass
class Row:
    heading: str
    cells: list  # int, Decimal, str (a mark of referrals.figures, a status) or None (nothing entered)
    total: bool = False
    group: str = ""  # the district a row belongs to (its municipalities and its total)
    note: str = ""  # a sentence in place of the cells (the report: why a district has no figures)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    note: str = ""


def display(value) -> str:
    """How a cell reads on the dashboard and in the PDF (Dutch number format; – for nothing entered)."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=1) + "%"
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return str(value)


def display_html(value) -> str:
    """How a cell reads on the dashboard: as display(), a hidden count's mark with its meaning for screen readers."""
    return mark_html(value) or display(value)


def matrix_tables(blocks: list[DistrictBlock], modules) -> list[Table]:
    tables = []
    for block in blocks:
        table = Table(
            slug=f"matrix-{block.district.code.lower()}",
            title=block.district.name,
            columns=[_("Gemeente")] + [_("Module %(n)s") % {"n": m.number} for m in modules],
        )
        for row in block.rows:
            cells = []
            for cell in row.cells:
                text = cell.label
                if cell.inherited:
                    text = f"{text} ({_('via %(name)s') % {'name': cell.participation.municipality.name}})"
                cells.append(text)
            table.rows.append(Row(row.municipality.name, cells))
        tables.append(table)
    return tables


def _rows(tables: FigureTables, cells_of) -> list[Row]:
    rows = []
    for block in tables.blocks:
        group = block.district.name
        rows.extend(Row(r.municipality.name, cells_of(r.figures), group=group) for r in block.rows)
        if len(tables.blocks) > 1 or len(block.rows) > 1:
            heading = _("Totaal %(district)s") % {"district": group}
            rows.append(Row(heading, cells_of(block.total), True, group=group))
    if len(tables.blocks) > 1:
        rows.append(Row(_("Totaal"), cells_of(tables.total), True))
    return rows


def _survey_cells(f: Figures) -> list:
    s = f.survey
    if s is None:
        return [None] * 5
    return [s.addresses_mailed, s.responses, s.response_rate, s.willing_to_report_pct, s.knows_signals_pct]


def _police_cells(f: Figures) -> list:
    p = f.police
    return [None] * 3 if p is None else [p.cannabis_farms, p.drug_labs, p.drug_dumpings]


def _modules_2_to_4_cells(f: Figures) -> list:
    return [
        f.evenings,
        f.evening_attendance,
        f.materials_handed_out,
        f.elearning_participants,
        f.certificates,
        f.certificates_to_date,
        f.training_attendance,
        f.meetings_held,
        f.meetings_attended,
    ]


def figure_tables_for_display(tables: FigureTables) -> list[Table]:
    # Some headings hold a soft hyphen (U+00AD, invisible) where a long word may break in a narrow column.
    year = tables.year
    result = [
        Table(
            slug="module-1",
            title=_("Module 1: bewonersenquête %(year)s") % {"year": year},
            columns=[
                _("Gemeente"),
                _("Aange­schreven adressen"),
                _("Ingevulde vragen­lijsten"),
                _("Respons"),
                _("Meldingsbereid"),
                _("Kent de signalen"),
            ],
            rows=_rows(tables, _survey_cells),
            note=_("Percentages van meer gemeenten samen zijn gewogen naar het aantal ingevulde vragenlijsten."),
        ),
        Table(
            slug="politie",
            title=_("Politiecijfers %(year)s") % {"year": year},
            columns=[_("Gemeente"), _("Hennepkwekerijen"), _("Drugslabs"), _("Drugsdumpingen")],
            rows=_rows(tables, _police_cells),
        ),
        Table(
            slug="modules-2-4",
            title=_("Modules 2, 3 en 4 in %(year)s") % {"year": year},
            columns=[
                _("Gemeente"),
                _("Informatie­avonden"),
                _("Aanwezigen"),
                _("Uitgereikte materialen"),
                _("Deelnemers e-learning"),
                _("Certificaten"),
                _("Certificaten tot nu (max. 10)"),
                _("Aanwezigen training"),
                _("Platform­overleggen gehouden"),
                _("Overleggen bij­gewoond"),
            ],
            rows=_rows(tables, _modules_2_to_4_cells),
            note=_(
                "Bijgewoond: overleggen van het district waar iemand namens een organisatie van de gemeente "
                "aanwezig was."
            ),
        ),
    ]
    visible = [row for block in tables.blocks for row in block.rows if row.figures.locations is not None]
    if visible:
        states = [state for state, _label in tables.location_columns]
        table = Table(
            slug="module-5",
            title=_("Module 5: kwetsbare locaties geïdentificeerd in %(year)s, naar hun stand nu") % {"year": year},
            columns=[_("Gemeente"), _("Totaal")] + [label for _state, label in tables.location_columns],
        )
        for row in visible:
            counts = row.figures.locations
            table.rows.append(Row(row.municipality.name, [counts["total"]] + [counts[s] for s in states]))
        if tables.location_totals is not None:
            totals = tables.location_totals
            table.rows.append(Row(_("Alle gemeenten"), [totals["total"]] + [totals[s] for s in states], True))
        # The first column and the programme's row are totals: a hidden one gets its own footnote.
        body = [cell for row in table.rows if not row.total for cell in row.cells[1:]]
        total_cells = [row.cells[0] for row in table.rows] + [c for row in table.rows if row.total for c in row.cells]
        table.note = " ".join(footnotes(body, total_cells))
        result.append(table)
    return result
