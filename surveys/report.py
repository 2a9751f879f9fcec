"""The compact report of a campaign (house style PDF): response, the handelingsperspectief the secretariat
writes, per question a bar chart with the numbers, the police figures from monitoring, and quotable answers.
Also the first draft of the press release, made from the same numbers."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from core.pdf import BLUE, FONT, INK, MUTED, RULE, HouseStylePDF, pdf_text
from monitoring.models import PoliceFigures

from .models import Campaign
from .selectors import CampaignResults, campaign_results, open_answers
from .services import campaign_figures


def _pct(value) -> str:
    return "–" if value is None else formats.number_format(value, decimal_pos=1) + "%"


class SurveyPDF(HouseStylePDF):
    def bars(self, result, *, others: bool) -> None:
        """A horizontal bar per answer: label, bar, share (and the other municipalities' average)."""
        label_width, bar_width = 62, 70
        self.set_font(FONT, "", 9)
        for choice in result.choices:
            lines = len(self.multi_cell(label_width - 2, 4.4, pdf_text(choice.label), dry_run=True, output="LINES"))
            height = max(lines * 4.4, 6) + 1.5
            self._keep_room(height)
            x, y = self.l_margin, self.get_y()
            self.set_text_color(*INK)
            self.set_xy(x, y)
            self.multi_cell(label_width - 2, 4.4, pdf_text(choice.label))
            share = float(choice.share or 0)
            self.set_fill_color(*BLUE)
            self.rect(x + label_width, y + 0.8, bar_width * share / 100, 3.6, style="F")
            if others and choice.others_share is not None:
                mark = x + label_width + bar_width * float(choice.others_share) / 100
                self.set_draw_color(*INK)
                self.set_line_width(0.6)
                self.line(mark, y, mark, y + 5.2)
                self.set_line_width(0.3)
            self.set_xy(x + label_width + bar_width + 2, y)
            text = f"{_pct(choice.share)} ({choice.count})"
            if others and choice.others_share is not None:
                text += " · " + _("gemiddeld %(pct)s") % {"pct": _pct(choice.others_share)}
            self.cell(0, 4.4, pdf_text(text))
            self.set_xy(x, y + height)
        self.ln(2)


def compact_report_pdf(campaign: Campaign, *, quotable_only: bool = True) -> bytes:
    results = campaign_results(campaign)
    municipality = campaign.municipality
    pdf = SurveyPDF(district=_("Gemeente %(name)s") % {"name": municipality.name}, title=campaign.title)
    pdf.alias_nb_pages()
    pdf.title_block(campaign.title, _("Bewonersenquête buitengebied"))
    pdf.facts(
        [
            (_("Gemeente"), municipality.name),
            (_("Periode"), campaign.period_display),  # the real last day after an early close
            (_("Aangeschreven"), formats.number_format(results.campaign.addresses_count, force_grouping=True)),
            (_("Ingevuld"), formats.number_format(results.responses, force_grouping=True)),
            (_("Respons"), _pct(results.response_rate)),
            (_("Gemaakt op"), formats.date_format(timezone.localtime(timezone.now()), "j F Y")),
        ]
    )
    figures = campaign_figures(campaign)
    pdf.section_heading(_("In het kort"))
    pdf.paragraph(
        _(
            "%(willing)s van de bewoners en ondernemers zou een vermoeden van drugscriminaliteit melden; "
            "%(knows)s weet aan welke signalen je drugsproductie herkent."
        )
        % {"willing": _pct(figures["willing_to_report_pct"]), "knows": _pct(figures["knows_signals_pct"])},
        indent=0,
    )
    pdf.section_heading(_("Handelingsperspectief"))
    if campaign.action_perspective.strip():
        for paragraph in campaign.action_perspective.replace("\r\n", "\n").split("\n\n"):
            pdf.paragraph(paragraph.strip(), indent=0)
    else:
        pdf.paragraph(_("Het secretariaat schrijft het handelingsperspectief nog."), indent=0, style="I")
    pdf.section_heading(_("Uitkomsten per vraag"))
    if results.others_count:
        pdf.meta(
            _("Het streepje is het gemiddelde van %(n)s andere gemeenten die de enquête hielden.")
            % {"n": results.others_count},
            indent=0,
        )
    for result in results.questions:
        if not result.choices:
            continue
        pdf._keep_room(24)
        pdf.set_font(FONT, "B", 10.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 5.4, pdf_text(result.question.text_nl), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        pdf.bars(result, others=bool(results.others_count))
    _police(pdf, campaign)
    quotes = list(open_answers(campaign, quotable_only=quotable_only)[:20])
    if quotes:
        pdf.section_heading(_("Wat bewoners schreven"))
        for quote in quotes:
            pdf.paragraph(f"“{quote.text.strip()}”", indent=0, style="I")
    return pdf.render()


def _police(pdf: SurveyPDF, campaign: Campaign) -> None:
    family = [campaign.municipality_id, *campaign.municipality.predecessors.values_list("pk", flat=True)]
    rows = {}
    for figures in PoliceFigures.objects.filter(municipality_id__in=family).order_by("year"):
        total = rows.setdefault(figures.year, [0, 0, 0])
        total[0] += figures.cannabis_farms
        total[1] += figures.drug_labs
        total[2] += figures.drug_dumpings
    pdf.section_heading(_("Politiecijfers"))
    if not rows:
        pdf.paragraph(_("Er zijn nog geen politiecijfers van deze gemeente ingevoerd."), indent=0, style="I")
        return
    widths = [30, 45, 45, 45]
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_text_color(*BLUE)
    for width, heading in zip(
        widths, [_("Jaar"), _("Hennepkwekerijen"), _("Drugslabs"), _("Drugsdumpingen")], strict=True
    ):
        pdf.cell(width, 6, pdf_text(heading), align="L" if width == 30 else "R")
    pdf.ln(6)
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    for year, values in rows.items():
        pdf.cell(widths[0], 5.5, str(year))
        for width, value in zip(widths[1:], values, strict=True):
            pdf.cell(width, 5.5, str(value), align="R")
        pdf.ln(5.5)
    pdf.set_text_color(*MUTED)
    pdf.ln(2)


def press_release_draft(campaign: Campaign) -> str:
    """A first version in plain language that the communication advisor rewrites as they see fit."""
    results: CampaignResults = campaign_results(campaign)
    figures = campaign_figures(campaign)
    name = campaign.municipality.name
    lines = [
        _("Bewoners buitengebied %(name)s alert op drugscriminaliteit") % {"name": name},
        "",
        _(
            "%(responses)s bewoners en ondernemers uit het buitengebied van %(name)s vulden de vragenlijst van de "
            "gemeente in (%(rate)s van de aangeschreven adressen)."
        )
        % {"responses": results.responses, "name": name, "rate": _pct(results.response_rate)},
        _(
            "%(willing)s zou een vermoeden van drugscriminaliteit melden en %(knows)s weet aan welke signalen je "
            "drugsproductie herkent."
        )
        % {"willing": _pct(figures["willing_to_report_pct"]), "knows": _pct(figures["knows_signals_pct"])},
        "",
        _(
            "Ziet u iets verdachts? Meld het bij de politie via 0900-8844 of anoniem bij Meld Misdaad Anoniem via "
            "0800-7000."
        ),
    ]
    return "\n".join(lines)
