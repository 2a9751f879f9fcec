"""The first page of the Stuurgroep report: the year in plain Dutch. Every number is read from the objects the
report's tables are printed from (the progress blocks and their status totals, the figure tables, the module 5
table as shown, the charts), never counted again, so the page cannot say something the tables do not."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .charts import BarChart
from .models import Participation
from .selectors_figures import FigureTables
from .tables import Table, display

Status = Participation.Status
REFERRED = "doorverwezen"  # the module 5 column of locations referred to a coach


def _municipalities(n: int) -> str:
    return ngettext("%(n)s gemeente", "%(n)s gemeenten", n) % {"n": n}


def _modules(block, modules) -> str:
    """Per module how many municipalities of the district started it and finished it (the totals table's
    status_totals, per district)."""
    started_at, done_at = Status.values.index(Status.STARTED), Status.values.index(Status.DONE)
    parts = []
    for total in selectors.status_totals([block], modules):
        counts = [n for _label, n in total["counts"]]
        started, done = counts[started_at], counts[done_at]
        if started or done:
            parts.append(
                _("module %(n)s bij %(started)s gestart en bij %(done)s afgerond")
                % {"n": total["module"].number, "started": display(started), "done": display(done)}
            )
    count = _municipalities(len(block.rows))
    if not parts:
        return _("Van de %(count)s is er nog geen met een module gestart of klaar.") % {"count": count}
    return _("Van de %(count)s: %(modules)s.") % {"count": count, "modules": "; ".join(parts)}


def _survey(figures, surveyed: int, year: int, *, whole: bool) -> str:
    survey = figures.survey
    if survey is None:
        if whole:
            return _("In %(year)s is er nog in geen enkele gemeente een enquête gehouden.") % {"year": year}
        return _("In %(year)s is er in dit district nog geen enquête gehouden.") % {"year": year}
    text = _(
        "In de enquête vulden %(responses)s van de %(mailed)s aangeschreven adressen de vragenlijst in "
        "(respons %(rate)s), in %(where)s."
    ) % {
        "responses": display(survey.responses),
        "mailed": display(survey.addresses_mailed),
        "rate": display(survey.response_rate),
        "where": _municipalities(surveyed),
    }
    if whole:
        text += " " + _("Meldingsbereid: %(willing)s; kent de signalen: %(knows)s.") % {
            "willing": display(survey.willing_to_report_pct),
            "knows": display(survey.knows_signals_pct),
        }
    return text


def _locations(tables: list[Table], data: FigureTables, year: int) -> str:
    """The module 5 totals row exactly as the table shows it: suppressed values stay as they are."""
    table = next((t for t in tables if t.slug == "module-5"), None)
    totals = next((row for row in (table.rows if table else []) if row.total), None)
    if totals is None:
        return ""
    if all(value == 0 for value in totals.cells):
        return _("In %(year)s zijn geen kwetsbare locaties vastgelegd.") % {"year": year}
    states = [state for state, _label in data.location_columns]
    shown = zip(table.columns[2:], totals.cells[1:], strict=True)
    parts = [f"{label.lower()} {display(value)}" for label, value in shown]
    text = _(
        "Kwetsbare locaties geïdentificeerd in %(year)s, in alle gemeenten samen: %(total)s; naar hun stand nu: "
        "%(states)s."
    ) % {"year": year, "total": display(totals.cells[0]), "states": ", ".join(parts)}
    if REFERRED in states:
        text += " " + _("Doorverwezen naar een coach: %(n)s.") % {
            "n": display(totals.cells[1 + states.index(REFERRED)])
        }
    if table.note:
        text += " " + table.note
    return text


def year_summary(
    *, year: int, modules, blocks, figure_data: FigureTables, figures: list[Table], charts: list[BarChart]
) -> list[tuple[str, str]]:
    """(label, text) pairs, in reading order."""
    count = sum(len(block.rows) for block in blocks)
    parts = [
        (
            "",
            ngettext(
                "In %(year)s deden %(count)s mee, in %(d)s district.",
                "In %(year)s deden %(count)s mee, in %(d)s districten.",
                len(blocks),
            )
            % {"year": year, "count": _municipalities(count), "d": len(blocks)},
        )
    ]
    figure_blocks = {block.district.pk: block for block in figure_data.blocks}
    for block in blocks:
        text = _modules(block, modules)
        figure_block = figure_blocks.get(block.district.pk)
        if figure_block is not None:
            surveyed = sum(1 for row in figure_block.rows if row.figures.survey is not None)
            text += " " + _survey(figure_block.total, surveyed, year, whole=False)
        parts.append((block.district.name, text))
    surveyed = sum(1 for block in figure_data.blocks for row in block.rows if row.figures.survey is not None)
    parts.append((_("Alle districten samen"), _survey(figure_data.total, surveyed, year, whole=True)))
    locations = _locations(figures, figure_data, year)
    if locations:
        parts.append((_("Kwetsbare locaties en doorverwijzingen (module 5)"), locations))
    left_out = [
        _("Niet in de grafiek ‘%(title)s’: %(years)s.") % {"title": chart.title, "years": "; ".join(chart.left_out)}
        for chart in charts
        if chart.left_out
    ]
    if left_out:
        parts.append(
            (
                _("Grafieken door de jaren heen"),
                _("Jaren met te weinig gegevens hebben geen staaf in de grafieken door de jaren heen. %(years)s")
                % {"years": " ".join(left_out)},
            )
        )
    return parts
