"""The mail-merge letters: one A4 page per address with the mayor's letter, the code, the short web address
and a QR code (segno, no network). Made in memory from the uploaded addresses, which are never stored."""

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf.enums import XPos, YPos

from core.pdf import BLUE, FONT, INK, MUTED, RULE, HouseStylePDF, pdf_text
from core.utils import BaseUrlProblem, base_url_problems

# Shown on the campaign page in place of a real code, in the QR target the letters will carry.
SAMPLE_CODE = "ABCDEFGHJKMN"
ADDRESS_PROBLEMS = {
    BaseUrlProblem.MISSING: gettext_lazy("Er is geen webadres ingesteld."),
    BaseUrlProblem.MALFORMED: gettext_lazy("Dit is geen volledig webadres."),
    BaseUrlProblem.LOCAL: gettext_lazy(
        "Het is een lokaal adres: het werkt alleen op de server zelf of in het eigen netwerk."
    ),
    BaseUrlProblem.NOT_HTTPS: gettext_lazy("Het begint niet met https://."),
}


def answer_url(code: str | None = None) -> str:
    """The QR code carries the code after a "#": browsers never send that part to a server, so the code
    appears in no server or proxy log; the page's script copies it into the form."""
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("questionnaire:start")
    return url if code is None else f"{url}#{code.replace('-', '')}"


def answer_url_problems() -> list[str]:
    """Why residents could not reach the address the letters would carry (shown before the letters are made;
    in production the system check vbg.E001-E004 refuses such an address at start)."""
    return [str(ADDRESS_PROBLEMS[problem]) for problem in base_url_problems(settings.WAGTAILADMIN_BASE_URL)]


class LetterPDF(HouseStylePDF):
    def footer(self):
        """Letters carry no page numbers: each page goes to another address."""


def letters_pdf(*, campaign, addresses: list[dict], codes: list[str]) -> bytes:
    pdf = LetterPDF(district=_("Gemeente %(name)s") % {"name": campaign.municipality.name}, title=campaign.title)
    today = formats.date_format(timezone.localdate(), "j F Y")
    paragraphs = [p.strip() for p in campaign.letter_text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    for index, (address, code) in enumerate(zip(addresses, codes, strict=True)):
        if index:
            pdf.add_page()
        pdf.set_font(FONT, "", 10.5)
        pdf.set_text_color(*INK)
        pdf.set_y(40)
        for line in (*_addressee(campaign, address), address["adres"], f"{address['postcode']}  {address['plaats']}"):
            pdf.cell(0, 5.2, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(80)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 5, pdf_text(f"{campaign.municipality.name}, {today}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(*BLUE)
        pdf.multi_cell(0, 6, pdf_text(campaign.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font(FONT, "", 10.5)
        pdf.set_text_color(*INK)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 5.2, pdf_text(paragraph), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.5)
        pdf.ln(2)
        pdf.cell(0, 5.2, pdf_text(_("Met vriendelijke groet,")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(0, 5.2, pdf_text(campaign.mayor_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(0, 5.2, pdf_text(_("burgemeester van %(name)s") % {"name": campaign.municipality.name}))
        _code_box(pdf, code, campaign)
    return pdf.render()


def _addressee(campaign, address: dict) -> list[str]:
    """A rural letter goes to the residents; a business-park letter to the business, for the attention of a
    named person when the file gives one."""
    company, name = address.get("bedrijf", ""), address.get("naam", "")
    if not campaign.is_business_park:
        return [name or company or _("De bewoners van")]
    if company:
        return [company, _("t.a.v. %(name)s") % {"name": name}] if name else [company]
    return [name or _("De eigenaar of gebruiker van")]


def _code_box(pdf, code: str, campaign) -> None:
    top = pdf.h - 78
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.4)
    pdf.rect(pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, 52)
    qr = io.BytesIO()
    segno.make(answer_url(code), error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.image(qr, x=pdf.w - pdf.r_margin - 46, y=top + 3, w=44, h=44)
    pdf.set_xy(pdf.l_margin + 5, top + 5)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 6, pdf_text(_("Vul de vragenlijst in (ongeveer 5 minuten)")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + 5)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*INK)
    closes = formats.date_format(campaign.closes_on, "j F Y")
    pdf.multi_cell(
        110,
        5,
        pdf_text(
            _(
                "Scan de QR-code of ga naar %(url)s en vul uw code in. Dat kan tot en met %(date)s. "
                "Uw antwoorden zijn anoniem."
            )
            % {"url": answer_url(), "date": closes}
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_xy(pdf.l_margin + 5, top + 34)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, pdf_text(_("Uw persoonlijke code:")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + 5)
    pdf.set_font("Courier", "B", 16)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, code)
