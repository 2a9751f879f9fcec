"""The portal's PDF house style, with fpdf2 (pure Python, no system packages): agendas, minutes, progress
reports and letters share one look.

The standard PDF fonts are used with Windows-1252 (WinAnsiEncoding), which covers Dutch (ë, é, ï, ’, –, €).
Anything outside it is transliterated (ł → l) or printed as "?", never dropped without a trace."""

import unicodedata

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .sanitize import rich_text_to_markup

BLUE = (0, 67, 110)
INK = (27, 27, 27)
MUTED = (74, 74, 74)
RED = (164, 22, 26)
GREEN = (47, 107, 47)
RULE = (208, 215, 222)
WATERMARK = (234, 234, 234)
FONT = "Helvetica"
ENCODING = "windows-1252"

_REPLACEMENTS = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2190": "<-",
    "\u2192": "->",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2009": " ",
    "\u202f": " ",
    "\u2032": "'",
    "\u2033": '"',
    # Letters with a stroke do not decompose.
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
}


def pdf_text(value) -> str:
    """Text the standard fonts can print."""
    out = []
    for char in unicodedata.normalize("NFC", str(value or "")):
        if char == "\t":
            out.append(" ")
            continue
        # Keep soft hyphens: fpdf2 breaks long words there (table headings) and prints nothing otherwise.
        if char not in "\n\u00ad" and unicodedata.category(char).startswith("C"):
            continue
        char = _REPLACEMENTS.get(char, char)
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                base.encode(ENCODING)
            except UnicodeEncodeError:
                base = "?"
            char = base or "?"
        out.append(char)
    return "".join(out)


def pdf_date(value, fmt="l j F Y") -> str:
    """A date or time in the portal's time zone, spelled out in the current language."""
    return formats.date_format(timezone.localtime(value), fmt)


class HouseStylePDF(FPDF):
    """A4, a blue band with the programme and the district, a footer with title and page numbers, and an
    optional diagonal watermark ("CONCEPT") behind the text of every page."""

    def __init__(self, *, district: str, title: str, watermark: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.programme = pdf_text(settings.WAGTAIL_SITE_NAME)
        self.district = pdf_text(district)
        self.doc_title = pdf_text(title)
        self.watermark = pdf_text(watermark)
        self.set_margins(20, 26, 20)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(self.doc_title)
        self.set_author(self.programme)
        self.set_creator(self.programme)
        self.set_lang("nl")
        self.add_page()

    # --- Page furniture ---

    def header(self):
        if self.watermark:
            self.set_font(FONT, "B", 110)
            self.set_text_color(*WATERMARK)
            width = self.get_string_width(self.watermark)
            with self.rotation(55, x=self.w / 2, y=self.h / 2):
                self.text(self.w / 2 - width / 2, self.h / 2 + 14, self.watermark)
        self.set_fill_color(*BLUE)
        self.rect(0, 0, self.w, 5, style="F")
        self.set_xy(self.l_margin, 10)
        self.set_font(FONT, "B", 9)
        self.set_text_color(*BLUE)
        self.cell(0, 5, self.programme.upper(), new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.set_font(FONT, "", 9)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.district, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, 17, self.w - self.r_margin, 17)
        self.set_y(self.t_margin)

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        page = pdf_text(_("pagina %(n)s van %(total)s") % {"n": self.page_no(), "total": "{nb}"})
        title = self.doc_title if len(self.doc_title) <= 80 else self.doc_title[:78].rstrip() + "…"
        self.cell(0, 5, f"{title} · {page}", align="C")

    # --- Blocks ---

    def _keep_room(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font(FONT, "B", 10)
        self.set_text_color(*MUTED)
        self.cell(0, 6, pdf_text(subtitle).upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "B", 19)
        self.set_text_color(*BLUE)
        self.multi_cell(0, 8.5, pdf_text(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def status_line(self, text: str, *, colour) -> None:
        self.set_font(FONT, "B", 10.5)
        self.set_text_color(*colour)
        self.multi_cell(0, 6, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        label_width = 32
        for label, value in rows:
            if not value:
                continue
            self.set_font(FONT, "B", 10)
            self.set_text_color(*INK)
            self.cell(label_width, 5.5, pdf_text(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font(FONT, "", 10)
            self.multi_cell(0, 5.5, pdf_text(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def section_heading(self, text: str) -> None:
        self._keep_room(20)
        self.set_font(FONT, "B", 13)
        self.set_text_color(*BLUE)
        self.multi_cell(0, 7, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def item_heading(self, number: int, text: str) -> None:
        self._keep_room(22)
        self.ln(2)
        self.set_font(FONT, "B", 12)
        self.set_text_color(*INK)
        self.cell(9, 6.5, f"{number}.", new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.multi_cell(0, 6.5, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _indented(self, indent: float):
        left = self.l_margin
        self.set_left_margin(left + indent)
        self.set_x(left + indent)
        return left

    def meta(self, text: str, *, indent: float = 9) -> None:
        left = self._indented(indent)
        self.set_font(FONT, "I", 9.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 5, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_left_margin(left)
        self.ln(1)

    def paragraph(self, text: str, *, indent: float = 9, style: str = "") -> None:
        left = self._indented(indent)
        self.set_font(FONT, style, 10.5)
        self.set_text_color(*INK)
        self.multi_cell(0, 5.4, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_left_margin(left)
        self.ln(1.5)

    def bullet(self, text: str, *, indent: float = 9) -> None:
        left = self._indented(indent)
        self.set_font(FONT, "", 10.5)
        self.set_text_color(*INK)
        self.cell(5, 5.4, "\u2022", new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_left_margin(left + indent + 5)
        self.multi_cell(0, 5.4, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_left_margin(left)
        self.ln(0.8)

    def labelled(self, label: str, text: str, *, indent: float = 9, colour=INK) -> None:
        """'Besluit: …' with the label in bold; wrapped lines stay indented."""
        left = self._indented(indent)
        self.set_font(FONT, "B", 10.5)
        self.set_text_color(*colour)
        self.write(5.4, pdf_text(label) + " ")
        self.set_font(FONT, "", 10.5)
        self.set_text_color(*INK)
        self.write(5.4, pdf_text(text))
        self.ln(5.4)
        self.set_left_margin(left)
        self.set_x(left)
        self.ln(1)

    def rich_text(self, html: str, *, indent: float = 9) -> None:
        """The portal's rich text, via its plain markup: "## " headings, "- " list items, paragraphs."""
        for block in rich_text_to_markup(html).split("\n\n"):
            lines = block.split("\n")
            if block.startswith("## "):
                self.paragraph(block[3:], indent=indent, style="B")
            elif all(line.startswith("- ") for line in lines):
                for line in lines:
                    self.bullet(line[2:], indent=indent)
                self.ln(0.7)
            elif block.strip():
                self.paragraph(block, indent=indent)

    def render(self) -> bytes:
        return bytes(self.output())
