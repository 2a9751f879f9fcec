"""The compact report of a campaign (house style PDF): response, the handelingsperspectief the secretariat
writes, per question a bar chart with the numbers, the police figures from monitoring, and quotable answers.
Also the first draft of the press release, made from the same numbers."""

from decimal import Decimal
from enum import StrEnum

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from core.pdf import BLUE, FONT, INK, MUTED, RULE, HouseStylePDF, pdf_text
from monitoring.models import PoliceFigures

from .models import Campaign
from .questions import WILLING_TO_REPORT, YES
from .selectors import MIN_RESPONSES, CampaignResults, campaign_results, open_answers
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

    def type_lines(self, result, types) -> None:
        """Per respondent type shown (see selectors.shown_groups) one line with its shares; a group too small
        for this question is said to be left out, never given a number."""
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*MUTED)
        for index, (_value, label, n) in enumerate(types):
            cells = [choice.type_cells[index] for choice in result.choices]
            if any(cell.hidden for cell in cells):
                text = _("%(group)s: niet getoond (te weinig antwoorden op deze vraag)") % {"group": label}
            else:
                shares = " · ".join(
                    f"{choice.label} {_pct(cell.share)}" for choice, cell in zip(result.choices, cells, strict=True)
                )
                text = f"{label} (n={n}): {shares}"
            self._keep_room(5)
            self.multi_cell(0, 4.2, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2)


def compact_report_pdf(campaign: Campaign, *, quotable_only: bool = True) -> bytes:
    results = campaign_results(campaign)
    municipality = campaign.municipality
    pdf = SurveyPDF(district=_("Gemeente %(name)s") % {"name": municipality.name}, title=campaign.title)
    pdf.alias_nb_pages()
    pdf.title_block(
        campaign.title,
        _("Enquête bedrijventerrein") if campaign.is_business_park else _("Bewonersenquête buitengebied"),
    )
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
    if results.types:
        pdf.meta(
            _("Per soort respondent staan de groepen met minstens %(n)s antwoorden onder de staven.")
            % {"n": MIN_RESPONSES}
            + (
                " "
                + _("Niet apart getoond, om kleine groepen te beschermen: %(groups)s.")
                % {"groups": ", ".join(results.hidden_types)}
                if results.hidden_types
                else ""
            ),
            indent=0,
        )
    elif results.responses:
        pdf.meta(
            _(
                "Geen uitsplitsing naar soort respondent: geen groep kan apart getoond worden zonder een groep van "
                "minder dan %(minimum)s antwoorden prijs te geven."
            )
            % {"minimum": MIN_RESPONSES},
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
        if result.by_type and results.types:
            pdf.type_lines(result, results.types)
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


# Within this many percentage points of the other municipalities' average a figure reads as "about the same": a
# survey of a few hundred addresses cannot tell smaller differences from chance, and a headline should not try.
SAME_BAND = Decimal("5.0")


class Direction(StrEnum):
    HIGHER = "higher"
    SAME = "same"
    LOWER = "lower"


def direction(own: Decimal, average: Decimal) -> Direction:
    """Which way the municipality's figure differs from the average, with differences inside SAME_BAND (both
    ends included) counted as the same."""
    difference = own - average
    if difference > SAME_BAND:
        return Direction.HIGHER
    if difference < -SAME_BAND:
        return Direction.LOWER
    return Direction.SAME


def _points(value: Decimal) -> str:
    return formats.number_format(abs(value), decimal_pos=1)


def press_release_draft(campaign: Campaign) -> str:
    """A first version in plain language that the communication advisor rewrites as they see fit. The headline
    and the lead follow the numbers: the willingness to report against the other municipalities' average
    decides whether it says more, about the same or fewer; too few responses give no conclusion at all. Text
    between [ ] is for the municipality to fill in."""
    results: CampaignResults = campaign_results(campaign)
    figures = campaign_figures(campaign)
    name = campaign.municipality.name
    n = results.responses
    one = n == 1  # two messages rather than ngettext: the catalogues are merged from plain entries
    texts = _area_texts(campaign)
    response = (texts["response_one"] if one else texts["response_many"]) % {
        "n": formats.number_format(n, force_grouping=True),
        "name": name,
        "rate": _pct(results.response_rate),
        "mailed": formats.number_format(campaign.addresses_count, force_grouping=True),
    }
    lines = []
    if campaign.status != Campaign.Status.CLOSED:
        lines += [_("[Let op: de enquête is nog niet gesloten; de cijfers kunnen nog veranderen.]"), ""]
    if n < MIN_RESPONSES:
        lines += [
            texts["too_few"] % {"name": name},
            "",
            response,
            _(
                "Dat is te weinig om iets te zeggen over hoe bewoners en ondernemers drugscriminaliteit zien: "
                "daarvoor zijn minstens %(minimum)s ingevulde vragenlijsten nodig."
            )
            % {"minimum": MIN_RESPONSES},
        ]
    else:
        lines += _findings(results, figures, name, response, texts)
    lines += [
        "",
        _("[Citaat burgemeester %(mayor)s – in te vullen door de gemeente]") % {"mayor": campaign.mayor_name},
        "",
        _(
            "Ziet u iets verdachts? Meld het bij de politie via 0900-8844 of anoniem bij Meld Misdaad Anoniem via "
            "0800-7000."
        ),
        "",
        _("Noot voor de redactie (niet voor publicatie)"),
        _(
            "[Contact voor de pers: naam, functie, telefoonnummer en e-mailadres van de woordvoerder van de "
            "gemeente %(name)s – in te vullen]"
        )
        % {"name": name},
    ]
    return "\n".join(lines)


def _area_texts(campaign: Campaign) -> dict:
    """The sentences that name who answered: residents of the rural area, or businesses on a business park."""
    if campaign.is_business_park:
        return {
            "response_one": _(
                "%(n)s bedrijf op de bedrijventerreinen van %(name)s vulde de vragenlijst van de gemeente in "
                "(%(rate)s van de %(mailed)s aangeschreven adressen)."
            ),
            "response_many": _(
                "%(n)s bedrijven op de bedrijventerreinen van %(name)s vulden de vragenlijst van de gemeente in "
                "(%(rate)s van de %(mailed)s aangeschreven adressen)."
            ),
            "too_few": _("Enquête bedrijventerreinen %(name)s: te weinig reacties voor conclusies"),
            "headline": _(
                "%(willing)s van de ondernemers op bedrijventerreinen in %(name)s zou drugscriminaliteit melden"
            ),
            "willing": _(
                "%(willing)s van de ondernemers, pandeigenaren en verhuurders op de bedrijventerreinen van %(name)s "
                "zou een vermoeden van drugscriminaliteit melden."
            ),
            Direction.HIGHER: _(
                "Ondernemers op bedrijventerreinen in %(name)s vaker bereid drugscriminaliteit te melden dan elders"
            ),
            Direction.SAME: _(
                "Ondernemers op bedrijventerreinen in %(name)s even vaak bereid drugscriminaliteit te melden als elders"
            ),
            Direction.LOWER: _(
                "Minder ondernemers op bedrijventerreinen in %(name)s bereid drugscriminaliteit te melden dan elders"
            ),
        }
    return {
        "response_one": _(
            "%(n)s bewoner of ondernemer uit het buitengebied van %(name)s vulde de vragenlijst van de gemeente in "
            "(%(rate)s van de %(mailed)s aangeschreven adressen)."
        ),
        "response_many": _(
            "%(n)s bewoners en ondernemers uit het buitengebied van %(name)s vulden de vragenlijst van de gemeente "
            "in (%(rate)s van de %(mailed)s aangeschreven adressen)."
        ),
        "too_few": _("Enquête buitengebied %(name)s: te weinig reacties voor conclusies"),
        "headline": _("%(willing)s van de bewoners buitengebied %(name)s zou drugscriminaliteit melden"),
        "willing": _(
            "%(willing)s van de bewoners en ondernemers in het buitengebied van %(name)s zou een vermoeden van "
            "drugscriminaliteit melden."
        ),
        Direction.HIGHER: _("Bewoners buitengebied %(name)s vaker bereid drugscriminaliteit te melden dan elders"),
        Direction.SAME: _("Bewoners buitengebied %(name)s even vaak bereid drugscriminaliteit te melden als elders"),
        Direction.LOWER: _("Minder bewoners buitengebied %(name)s bereid drugscriminaliteit te melden dan elders"),
    }


def _findings(results: CampaignResults, figures: dict, name: str, response: str, texts: dict) -> list[str]:
    willing = figures["willing_to_report_pct"]
    average = _willing_average(results)
    facts = {"name": name, "willing": _pct(willing), "knows": _pct(figures["knows_signals_pct"])}
    knows = _("%(knows)s weet aan welke signalen je drugsproductie in een pand herkent.") % facts
    if average is None:
        return [
            texts["headline"] % facts,
            "",
            texts["willing"] % facts,
            response,
            knows,
            _("Met andere gemeenten wordt vergeleken zodra de enquête gesloten is.")
            if results.campaign.status != Campaign.Status.CLOSED
            else _("Met andere gemeenten is nog niet te vergelijken: te weinig gemeenten hielden de enquête."),
        ]
    facts |= {
        "average": _pct(average),
        "others": results.others_count,
        "points": _points(willing - average),
    }
    way = direction(willing, average)
    headline = texts[way]
    comparison = {
        Direction.HIGHER: _(
            "Dat is %(points)s procentpunt meer dan gemiddeld in %(others)s andere gemeenten die de enquête "
            "hielden (%(average)s)."
        ),
        Direction.SAME: _(
            "Dat is ongeveer even veel als gemiddeld in %(others)s andere gemeenten die de enquête hielden "
            "(%(average)s)."
        ),
        Direction.LOWER: _(
            "Dat is %(points)s procentpunt minder dan gemiddeld in %(others)s andere gemeenten die de enquête "
            "hielden (%(average)s)."
        ),
    }[way]
    lines = [
        headline % facts,
        "",
        texts["willing"] % facts,
        comparison % facts,
        response,
        knows,
    ]
    if way == Direction.LOWER:
        lines.append(_("[Wat de gemeente en haar partners doen om melden makkelijker te maken – in te vullen]"))
    return lines


def _willing_average(results: CampaignResults) -> Decimal | None:
    """The other municipalities' average share answering yes to the willingness question (None without a
    comparison: fewer than MIN_OTHER_MUNICIPALITIES usable campaigns)."""
    if not results.others_count:
        return None
    for result in results.questions:
        if result.question.code == WILLING_TO_REPORT:
            for choice in result.choices:
                if choice.value == YES:
                    return choice.others_share
    return None
