"""Spreadsheets that open ready to use (openpyxl directly: tablib sets no number formats, widths or panes).

Counts are whole-number cells, percentages real percentage cells (27.3 is stored as 0.273 shown as 27,3%),
suppressed values such as "<5" stay text exactly as the tables show them; headings are bold and frozen, columns
as wide as their content, sheet names in one style. Text never becomes a formula, and hidden characters (the
soft hyphens of the web headings, control characters) are left out."""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .tables import display

PERCENT = "0.0%"
COUNT = "#,##0"
MIN_WIDTH, MAX_WIDTH, TEXT_WIDTH = 8, 60, 100
_FORBIDDEN_IN_NAME = re.compile(r"[\[\]:*?/\\]")
_HEADING_FILL = PatternFill("solid", fgColor="ECF2F7")


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # int, Decimal (a percentage), str or None
    bold_rows: set[int] = field(default_factory=set)  # indexes into rows (totals)
    notes: list[str] = field(default_factory=list)  # below the data, after an empty row
    text: bool = False  # paragraphs: the last column wide and wrapped
    formats: dict[int, str] = field(default_factory=dict)  # column index -> number format (a year: "0")


def clean_text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value).replace("\u00ad", ""))


def sheet_name(title: str, taken: set[str]) -> str:
    """At most 31 characters, none that Excel forbids, unique whatever the case."""
    name = " ".join(_FORBIDDEN_IN_NAME.sub(" ", clean_text(title)).split()).strip("'")[:31].rstrip() or "Blad"
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)].rstrip() + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _write(cell, value, number_format: str | None = None) -> str:
    """Put a typed value in a cell; returns the text a reader sees (for the column width)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, Decimal):
        cell.value = float(value / 100)
        cell.number_format = PERCENT
        return display(value)
    if isinstance(value, int | float):
        cell.value = value
        cell.number_format = number_format or (COUNT if isinstance(value, int) else "0.0")
        return str(value) if number_format else display(value)
    text = clean_text(value)
    cell.value = text
    if text.startswith("="):
        cell.data_type = "s"  # text, never a formula
    return text


def _width(texts: list[str]) -> float:
    longest = max((len(line) for text in texts for line in text.split("\n")), default=0)
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


def workbook(sheets: list[Sheet], *, title: str = "", creator: str = "") -> bytes:
    book = Workbook()
    book.remove(book.active)
    book.properties.title = clean_text(title)
    book.properties.creator = clean_text(creator)
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet_name(sheet.name, taken))
        texts: list[list[str]] = [[] for _column in sheet.columns]
        for index, heading in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            texts[index - 1].append(_write(cell, clean_text(heading)))
            cell.font = bold
            cell.fill = _HEADING_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for number, row in enumerate(sheet.rows):
            for index, value in enumerate(row, start=1):
                cell = ws.cell(row=number + 2, column=index)
                shown = _write(cell, value, sheet.formats.get(index - 1))
                if index <= len(texts):
                    texts[index - 1].append(shown)
                if number in sheet.bold_rows:
                    cell.font = bold
                if sheet.text:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        last_row = len(sheet.rows) + 1
        for offset, note in enumerate(sheet.notes):
            cell = ws.cell(row=last_row + 2 + offset, column=1)
            _write(cell, note)
            cell.font = Font(italic=True)
        for index, column_texts in enumerate(texts, start=1):
            width = TEXT_WIDTH if sheet.text and index == len(texts) else _width(column_texts)
            ws.column_dimensions[get_column_letter(index)].width = width
        if sheet.text:
            ws.freeze_panes = "A2"
        else:
            ws.freeze_panes = "B2"  # the heading row and the names stay in view
            if sheet.rows:
                ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{last_row}"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
