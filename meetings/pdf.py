"""Agenda and minutes as PDF in the house style of core.pdf."""

from django.utils import formats
from django.utils.translation import gettext as _

from core.pdf import BLUE, GREEN, MUTED, RED, HouseStylePDF, pdf_date

from .models import Minutes


def _when(meeting) -> str:
    return f"{pdf_date(meeting.starts_at, 'l j F Y, H:i')} – {pdf_date(meeting.ends_at, 'H:i')}"


class MeetingPDF(HouseStylePDF):
    """The house style plus a meeting item's decisions and action items."""

    def decisions_and_actions(self, decisions, actions) -> None:
        for decision in decisions:
            self.labelled(_("Besluit:"), decision.text, colour=BLUE)
        for action in actions:
            self.labelled(_("Actie:"), f"{action.description} ({_action_owner(action)})", colour=BLUE)


def _action_owner(action) -> str:
    parts = [str(action.owner_contact or action.owner_organisation or "-")]
    if action.due_date:
        parts.append(_("klaar op %(date)s") % {"date": formats.date_format(action.due_date, "j F Y")})
    parts.append(action.get_status_display().lower())
    return ", ".join(parts)


def _meeting_facts(meeting) -> list[tuple[str, str]]:
    return [
        (_("Wanneer"), _when(meeting)),
        (_("Waar"), meeting.location),
        (_("Online"), meeting.online_link),
        (_("Voorzitter"), str(meeting.chair) if meeting.chair_id else ""),
        (_("Secretaris"), str(meeting.secretary) if meeting.secretary_id else ""),
    ]


def _district_line(meeting) -> str:
    platform = meeting.get_parent().specific
    return _("Platform %(district)s") % {"district": platform.district.name}


def agenda_pdf(*, meeting, agenda, previous_actions, unlinked_decisions=(), unlinked_actions=()) -> bytes:
    pdf = MeetingPDF(district=_district_line(meeting), title=f"{_('Agenda')} {meeting.title}")
    pdf.title_block(meeting.title, _("Agenda"))
    pdf.facts(_meeting_facts(meeting))
    if not agenda:
        pdf.paragraph(_("De agenda volgt."), indent=0)
    for number, item in enumerate(agenda, start=1):
        pdf.item_heading(number, item.title)
        meta = [item.get_kind_display(), _("%(n)s min.") % {"n": item.duration_minutes}]
        presenters = ", ".join(str(p) for p in (item.presenter_contact, item.presenter_organisation) if p)
        if presenters:
            meta.append(_("Inleiding: %(who)s") % {"who": presenters})
        pdf.meta(" · ".join(meta))
        if item.description:
            pdf.paragraph(item.description)
        if item.is_previous_actions:
            if previous_actions:
                for action in previous_actions:
                    pdf.bullet(f"{action.description} ({_action_owner(action)})")
            else:
                pdf.paragraph(_("Er staan geen open actiepunten."))
        documents = [block.value.title for block in item.documents if block.value is not None]
        if documents:
            pdf.labelled(_("Stukken:"), "; ".join(documents), colour=MUTED)
        pdf.decisions_and_actions(item.decisions.all(), item.action_items.all())
    if unlinked_decisions or unlinked_actions:
        pdf.ln(2)
        pdf.section_heading(_("Overige besluiten en actiepunten"))
        pdf.decisions_and_actions(unlinked_decisions, unlinked_actions)
    pdf.ln(3)
    pdf.meta(_("Totaal %(n)s minuten.") % {"n": sum(item.duration_minutes for item in agenda)}, indent=0)
    return pdf.render()


def minutes_pdf(*, minutes, items, present) -> bytes:
    meeting = minutes.meeting
    adopted = minutes.status == Minutes.Status.ADOPTED
    pdf = MeetingPDF(
        district=_district_line(meeting),
        title=f"{_('Notulen')} {meeting.title}",
        watermark="" if adopted else _("CONCEPT"),
    )
    pdf.title_block(meeting.title, _("Notulen") if adopted else _("Concept-notulen"))
    if adopted:
        where = minutes.adopted_at_meeting
        text = (
            _("Vastgesteld in het overleg van %(date)s.") % {"date": pdf_date(where.starts_at, "j F Y")}
            if where
            else _("Vastgesteld op %(date)s.") % {"date": pdf_date(minutes.adopted_at, "j F Y")}
        )
        pdf.status_line(text, colour=GREEN)
    else:
        line = _("CONCEPT – nog niet vastgesteld.")
        if minutes.status == Minutes.Status.PUBLISHED and minutes.comments_until:
            line += " " + _("Reageren kan tot %(date)s.") % {"date": pdf_date(minutes.comments_until, "j F Y, H:i")}
        pdf.status_line(line, colour=RED)
    facts = _meeting_facts(meeting)
    facts.append(
        (
            _("Aanwezig"),
            ", ".join(f"{a.contact} ({a.organisation})" if a.organisation_id else str(a.contact) for a in present),
        )
    )
    pdf.facts(facts)
    for number, item in enumerate(items, start=1):
        pdf.item_heading(number, item.title)
        if item.text:
            pdf.rich_text(item.text)
        else:
            pdf.meta(_("Geen verslag bij dit punt."))
        pdf.decisions_and_actions(item.decision_list, item.action_list)
    return pdf.render()
