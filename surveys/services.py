"""Writing surveys: campaigns, letters with codes, opening and closing, and the respondent's answers.

Anonymity rules kept here: the address file is read in memory and dropped; only the number of addresses and
the keyed hashes of the codes are stored; a response is stored without any link to its code and with the day
only; the letters PDF is deleted (and the deletion logged) the moment the campaign opens."""

import datetime
import json
import logging
import re
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from monitoring.models import SurveyResult
from stakeholders.imports import MAX_IMPORT_BYTES, ImportFileError, load_table_file

from . import codes
from .letters import letters_pdf
from .models import Campaign, CampaignLogEntry, InvitationCode, OpenAnswer, Question, Response
from .permissions import user_can_manage_campaign, user_can_manage_municipality, user_can_read_open_answers
from .questions import KNOWS_SIGNALS, RESPONDENT_TYPE, WILLING_TO_REPORT, YES, standard_questions
from .selectors import (
    campaign_tally,
    comparison_snapshot,
    letters_downloaded_since_made,
    replaced_hand_figures,
    tally,
)

logger = logging.getLogger(__name__)
DAY_FORMAT = "j F Y"  # the portal's date format (templates use |date:"j F Y")
MAX_ADDRESSES = 20000
POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\s*$")
DEFAULT_LETTER = (
    "Geachte heer, mevrouw,\n\n"
    "In het buitengebied van onze gemeente zoeken criminelen lege schuren en loodsen voor hennepkwekerijen en "
    "drugslabs. Samen met de politie en onze partners willen we dat voorkomen. Daarvoor willen we graag weten "
    "wat u ziet, wat u weet en wat u nodig heeft.\n\n"
    "Wilt u daarom de korte vragenlijst invullen? Uw antwoorden zijn anoniem: niemand kan zien wat u heeft "
    "ingevuld. Met de uitkomsten kunnen we u en uw buren beter helpen."
)
DEFAULT_LETTER_BUSINESS_PARK = (
    "Geachte ondernemer, pandeigenaar of verhuurder,\n\n"
    "Op bedrijventerreinen zoeken criminelen bedrijfspanden voor hennepkwekerijen, drugslabs en opslag. Vaak "
    "huren zij een pand onder een dekmantel en betalen zij contant of ruim boven de markt. Samen met de politie "
    "en onze partners willen we dat voorkomen. Daarvoor willen we graag weten wat u ziet, wat u weet en wat u "
    "nodig heeft.\n\n"
    "Wilt u daarom namens uw bedrijf de korte vragenlijst invullen? Uw antwoorden zijn anoniem: niemand kan zien "
    "wat u heeft ingevuld. Met de uitkomsten kunnen we ondernemers op het bedrijventerrein beter helpen."
)


def default_letter(area: str) -> str:
    return DEFAULT_LETTER_BUSINESS_PARK if area == Campaign.Area.BUSINESS_PARK else DEFAULT_LETTER


def _letter_for(area: str, letter_text: str) -> str:
    """The form starts with the rural letter; left unchanged for a business park, it becomes that area's letter."""
    typed = (letter_text or "").replace("\r\n", "\n").strip()
    return default_letter(area) if typed in ("", DEFAULT_LETTER) else letter_text


def _log(campaign, action, actor=None, detail: str = "") -> None:
    CampaignLogEntry.objects.create(campaign=campaign, action=action, actor=actor, detail=detail[:300])


# --- Campaigns -----------------------------------------------------------------------------------------------


def campaign_validate(*, opens_on, closes_on, existing: Campaign | None = None) -> None:
    errors = {}
    today = timezone.localdate()
    if opens_on and (existing is None or existing.status == Campaign.Status.DRAFT) and opens_on < today:
        errors["opens_on"] = _("Kies een openingsdatum van vandaag of later.")
    if opens_on and closes_on and closes_on <= opens_on:
        errors["closes_on"] = _("De sluitingsdatum moet na de openingsdatum liggen.")
    elif opens_on and closes_on and (closes_on - opens_on).days > 180:
        errors["closes_on"] = _("Een enquête loopt hoogstens een half jaar.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(*, user, municipality, title: str, opens_on, closes_on, mayor_name: str,
                    letter_text: str = "", area: str = Campaign.Area.RURAL) -> Campaign:  # fmt: skip
    if not user_can_manage_municipality(user, municipality):
        raise PermissionDenied
    campaign_validate(opens_on=opens_on, closes_on=closes_on)
    if area not in Campaign.Area.values:
        raise ValidationError({"area": _("Kies buitengebied of bedrijventerrein.")})
    campaign = Campaign.objects.create(
        municipality=municipality,
        area=area,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        mayor_name=mayor_name,
        letter_text=_letter_for(area, letter_text),
        created_by=user,
    )
    standard_questions_add(campaign)
    _log(campaign, CampaignLogEntry.Action.CREATED, user)
    return campaign


def standard_questions_add(campaign: Campaign) -> None:
    """Every campaign starts with a copy of its area's standard questions (comparable across municipalities)."""
    Question.objects.bulk_create(
        Question(
            campaign=campaign,
            position=(index + 1) * 10,
            code=q["code"],
            kind=q["kind"],
            text_nl=q["nl"],
            text_en=q["en"],
            choices=q["choices"],
            required=q["required"],
            standard=True,
        )
        for index, q in enumerate(standard_questions(campaign.area))
    )


def _require_draft(campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("Deze enquête is al geopend; vragen en brieven liggen vast."))


@transaction.atomic
def campaign_update(*, user, campaign: Campaign, title: str, opens_on, closes_on, mayor_name: str,
                    letter_text: str) -> Campaign:  # fmt: skip
    if not user_can_manage_campaign(user, campaign):
        raise PermissionDenied
    _require_draft(campaign)
    printed = (letter_text, closes_on, title, mayor_name)
    if campaign.letters_file and printed != (
        campaign.letter_text,
        campaign.closes_on,
        campaign.title,
        campaign.mayor_name,
    ):
        raise ValidationError(
            _("De brieven zijn al gemaakt. Maak ze opnieuw als de tekst of de sluitingsdatum verandert.")
        )
    campaign_validate(opens_on=opens_on, closes_on=closes_on, existing=campaign)
    campaign.title, campaign.opens_on, campaign.closes_on = title, opens_on, closes_on
    campaign.mayor_name, campaign.letter_text = mayor_name, letter_text
    campaign.save()
    return campaign


@transaction.atomic
def question_add(*, user, campaign: Campaign, text_nl: str, text_en: str, kind: str, choices_text: str,
                 required: bool) -> Question:  # fmt: skip
    if not user_can_manage_campaign(user, campaign):
        raise PermissionDenied
    _require_draft(campaign)
    lines = [line.strip() for line in (choices_text or "").splitlines() if line.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(lines) < 2:
        raise ValidationError({"choices_text": _("Geef minstens twee antwoorden, elk op een eigen regel.")})
    if kind == Question.Kind.TEXT and lines:
        raise ValidationError({"choices_text": _("Een open vraag heeft geen antwoorden om uit te kiezen.")})
    if len(lines) > 12:
        raise ValidationError({"choices_text": _("Geef hoogstens 12 antwoorden.")})
    last = campaign.questions.order_by("-position").values_list("position", flat=True).first() or 0
    own = campaign.questions.filter(standard=False).values_list("code", flat=True)
    number = max((int(code.rsplit("-", 1)[1]) for code in own if code.rsplit("-", 1)[-1].isdigit()), default=0) + 1
    return Question.objects.create(
        campaign=campaign,
        position=last + 10,
        code=f"eigen-{number}",
        kind=kind,
        text_nl=text_nl.strip(),
        text_en=text_en.strip(),
        choices=[{"value": str(i + 1), "nl": line, "en": ""} for i, line in enumerate(lines)],
        required=required,
    )


@transaction.atomic
def question_delete(*, user, question: Question) -> None:
    if not user_can_manage_campaign(user, question.campaign):
        raise PermissionDenied
    _require_draft(question.campaign)
    if question.standard:
        raise ValidationError(
            _("Vragen uit de standaardvragenlijst blijven staan, zodat gemeenten vergelijkbaar zijn.")
        )
    question.delete()


# --- Letters -------------------------------------------------------------------------------------------------

ADDRESS_COLUMNS = {
    "bedrijf": ("bedrijf", "bedrijfsnaam", "onderneming", "handelsnaam", "firma"),
    "naam": ("naam", "t.a.v.", "tav", "aan"),
    "straat": ("straat", "straatnaam"),
    "huisnummer": ("huisnummer", "nummer", "nr"),
    "adres": ("adres",),
    "postcode": ("postcode",),
    "plaats": ("plaats", "woonplaats"),
}


def read_addresses(*, name: str, raw: bytes) -> list[dict]:
    """Every row checked before anything is made; the messages name the rows. Nothing is stored."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden."))
    if not raw.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    dataset = load_table_file(name, raw)
    if dataset.height > MAX_ADDRESSES:
        raise ImportFileError(_("Hoogstens %(max)s adressen per enquête.") % {"max": MAX_ADDRESSES})
    aliases = {alias: key for key, names in ADDRESS_COLUMNS.items() for alias in names}
    headings = [" ".join(str(h or "").strip().lower().replace("_", " ").split()) for h in (dataset.headers or [])]
    mapping = {index: aliases[h] for index, h in enumerate(headings) if h in aliases}
    found = set(mapping.values())
    if not ({"postcode", "plaats"} <= found and ("adres" in found or {"straat", "huisnummer"} <= found)):
        raise ImportFileError(
            _(
                "Verwacht de kolommen straat, huisnummer, postcode en plaats (of adres, postcode en plaats); "
                "naam en bedrijf mogen erbij."
            )
        )
    addresses, errors, seen = [], [], set()
    for number, values in enumerate(dataset, start=2):
        row = {
            key: str(values[i] if i < len(values) and values[i] is not None else "").strip()
            for i, key in mapping.items()
        }
        if not any(row.values()):
            continue
        street = row.get("adres") or f"{row.get('straat', '')} {row.get('huisnummer', '')}".strip()
        postcode = POSTCODE.match(row.get("postcode", ""))
        problems = []
        if not street or ("adres" not in row and not row.get("huisnummer")):
            problems.append(_("straat en huisnummer ontbreken"))
        if not postcode:
            problems.append(
                _("postcode ‘%(value)s’ is geen Nederlandse postcode (1234 AB)") % {"value": row.get("postcode", "")}
            )
        if not row.get("plaats"):
            problems.append(_("plaats ontbreekt"))
        if problems:
            errors.append(_("Rij %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
            continue
        normalised = f"{postcode.group(1)} {postcode.group(2).upper()}"
        key = (street.lower(), normalised)
        if key in seen:
            errors.append(_("Rij %(row)s: dit adres staat er al eerder in.") % {"row": number})
            continue
        seen.add(key)
        addresses.append(
            {
                "bedrijf": row.get("bedrijf", ""),
                "naam": row.get("naam", ""),
                "adres": street,
                "postcode": normalised,
                "plaats": row["plaats"],
            }
        )
    if errors:
        more = [_("En nog %(n)s rijen met fouten.") % {"n": len(errors) - 50}] if len(errors) > 50 else []
        raise ValidationError(errors[:50] + more)
    if not addresses:
        raise ImportFileError(_("Het bestand bevat geen adressen."))
    if len(addresses) > MAX_ADDRESSES:
        raise ImportFileError(_("Hoogstens %(max)s adressen per enquête.") % {"max": MAX_ADDRESSES})
    return addresses


def letters_make(*, user, campaign: Campaign, name: str, raw: bytes) -> int:
    """New codes for every address and the letters PDF; earlier codes of this campaign are replaced."""
    if not user_can_manage_campaign(user, campaign):
        raise PermissionDenied
    _require_draft(campaign)
    addresses = read_addresses(name=name, raw=raw)
    new_codes = [codes.new_code() for _ in addresses]
    content = letters_pdf(campaign=campaign, addresses=addresses, codes=new_codes)
    del addresses  # the addresses go no further than this function
    secrets.SystemRandom().shuffle(new_codes)  # row ids must not follow the order of the address file
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_draft(campaign)
        InvitationCode.objects.filter(campaign=campaign).delete()
        InvitationCode.objects.bulk_create(
            InvitationCode(campaign=campaign, code_hash=codes.code_hash(code)) for code in new_codes
        )
        old = campaign.letters_file.name if campaign.letters_file else None
        campaign.letters_file.save(f"{campaign.pk}.pdf", ContentFile(content), save=False)
        campaign.addresses_count = len(new_codes)
        campaign.save(update_fields=["letters_file", "addresses_count"])
        _log(campaign, CampaignLogEntry.Action.LETTERS_MADE, user, _("%(n)s brieven") % {"n": len(new_codes)})
        if old and old != campaign.letters_file.name:
            transaction.on_commit(lambda: campaign.letters_file.storage.delete(old))
    return len(new_codes)


def letters_downloaded(*, user, campaign: Campaign) -> None:
    _log(campaign, CampaignLogEntry.Action.LETTERS_DOWNLOADED, user)


def _delete_letters(campaign: Campaign, actor) -> None:
    if campaign.letters_file:
        name = campaign.letters_file.name
        campaign.letters_file.storage.delete(name)
        campaign.letters_file = ""
        campaign.save(update_fields=["letters_file"])
        _log(campaign, CampaignLogEntry.Action.LETTERS_DELETED, actor, _("bij het openen van de enquête"))


@transaction.atomic
def campaign_open(*, user=None, campaign: Campaign) -> Campaign:
    """From the opening date on: answers are accepted and the letters (codes beside addresses) are deleted."""
    if user is not None and not user_can_manage_campaign(user, campaign):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_draft(campaign)
    if not campaign.addresses_count:
        raise ValidationError(_("Maak eerst de brieven: zonder codes kan niemand de vragenlijst invullen."))
    if campaign.opens_on > timezone.localdate():
        raise ValidationError(_("Deze enquête opent pas op %(date)s.") % {"date": day(campaign.opens_on)})
    campaign.status, campaign.opened_at = Campaign.Status.OPEN, timezone.now()
    campaign.save(update_fields=["status", "opened_at"])
    _delete_letters(campaign, user)
    late = (
        _("later geopend dan gepland; gepland vanaf %(date)s") % {"date": day(campaign.opens_on)}
        if campaign.opened_late
        else ""
    )
    _log(campaign, CampaignLogEntry.Action.OPENED, user, late)
    return campaign


def campaign_figures(campaign: Campaign) -> dict:
    """The numbers that go into the module 1 figures, counted as on the results page."""
    counted = campaign_tally(campaign)
    total = counted["responses"]

    def share(code):
        chosen = counted["all"].get(code, {}).get(YES, 0)
        return (Decimal(chosen) * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0.0")

    return {
        "addresses_mailed": campaign.addresses_count,
        "responses": total,
        "willing_to_report_pct": share(WILLING_TO_REPORT),
        "knows_signals_pct": share(KNOWS_SIGNALS),
    }


@transaction.atomic
def campaign_close(*, user=None, campaign: Campaign) -> Campaign:
    """No more answers; the module 1 figures of the municipality for the closing year are filled in."""
    if user is not None and not user_can_manage_campaign(user, campaign):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("Alleen een open enquête kan worden gesloten."))

    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.tallies = tally(campaign.responses.values_list("answers", flat=True).iterator(chunk_size=2000))
    campaign.tallies["others"] = comparison_snapshot(campaign)  # kept as it is today (selectors._comparison)
    campaign.save(update_fields=["status", "closed_at", "tallies"])
    InvitationCode.objects.filter(campaign=campaign).update(draft="")
    if campaign.is_business_park:
        # Kept apart from module 1 (the rural area): its results are its own page and report.
        _log(campaign, CampaignLogEntry.Action.CLOSED, user, _early_close_text(campaign))
        return campaign
    figures = campaign_figures(campaign)
    year = min(campaign.closes_on, timezone.localdate()).year
    # Figures typed in by hand for that year (a survey held outside the portal) are replaced, as the confirmation
    # page said; the log keeps them, so nothing entered is lost.
    replaced = replaced_hand_figures(campaign.municipality, year)
    SurveyResult.objects.update_or_create(
        municipality=campaign.municipality,
        year=year,
        defaults={**figures, "source": SurveyResult.Source.PORTAL, "updated_by": user},
    )
    early = _early_close_text(campaign)
    if replaced is not None:
        early = "; ".join(filter(None, [early, hand_figures_text(replaced)]))
    _log(campaign, CampaignLogEntry.Action.CLOSED, user, early)
    return campaign


def _early_close_text(campaign: Campaign) -> str:
    """closed_at is the real end; closes_on stays the planned one, and the log says both."""
    if not campaign.closed_early:
        return ""
    return _("eerder gesloten; gepland t/m %(date)s") % {"date": day(campaign.closes_on)}


def hand_figures_text(result: SurveyResult) -> str:
    """The replaced hand-entered module 1 figures in one line of the campaign log."""
    return _(
        "vervangt de handmatig ingevoerde cijfers voor %(year)s: %(mailed)s aangeschreven, %(responses)s ingevuld, "
        "meldingsbereidheid %(willing)s%%, kent de signalen %(knows)s%%"
    ) % {
        "year": result.year,
        "mailed": result.addresses_mailed,
        "responses": result.responses,
        "willing": formats.number_format(result.willing_to_report_pct, 1),
        "knows": formats.number_format(result.knows_signals_pct, 1),
    }


def campaigns_advance(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: open campaigns whose day has come (letters made), close those past their last day."""
    today = today or timezone.localdate()
    opened = closed = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.DRAFT, opens_on__lte=today, addresses_count__gt=0):
        if not letters_downloaded_since_made(campaign):
            # Opening deletes the only copy of the codes: letters nobody downloaded were never printed. The
            # campaign page says it waits; the secretariat downloads them (it then opens within the hour) or
            # opens it by hand after the confirmation page's warning.
            logger.warning("Survey campaign %s not opened: its letters were not downloaded", campaign.pk)
            continue
        campaign_open(campaign=campaign)
        opened += 1
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN, closes_on__lt=today):
        campaign_close(campaign=campaign)
        closed += 1
    return {"opened": opened, "closed": closed}


# --- Answering -------------------------------------------------------------------------------------------------


def unusable_code_message() -> str:  # noqa: N802 - a message, translated when it is shown
    return _(
        "Met deze code kunt u de vragenlijst niet (meer) invullen. Controleer de code in de brief: met elke code "
        "kan de vragenlijst één keer worden ingevuld."
    )


class CodeRefused(ValidationError):
    """A code that cannot be used; the message says why in plain Dutch (and never whether a code exists
    elsewhere)."""


def code_lookup(typed: str) -> tuple[str, InvitationCode]:
    code = codes.normalise(typed)
    if code is None:
        raise CodeRefused(_("Deze code klopt niet. Een code heeft 12 tekens, zoals ABCD-EFGH-JKMN."))
    invitation = (
        InvitationCode.objects.select_related("campaign__municipality")
        .filter(code_hash__in=codes.code_hashes(code))
        .first()
    )
    if invitation is None:
        # Used and unknown codes get the same answer: nobody can test whether an address has responded.
        raise CodeRefused(unusable_code_message())
    campaign = invitation.campaign
    today = timezone.localdate()
    if campaign.status == Campaign.Status.CLOSED or today > campaign.closes_on:
        raise CodeRefused(_("Deze enquête is gesloten. Dank u voor uw belangstelling."))
    if campaign.status == Campaign.Status.DRAFT and campaign.opens_on <= today:
        campaign = _open_on_its_day(campaign)
        invitation.campaign = campaign
    if campaign.status != Campaign.Status.OPEN or today < campaign.opens_on:
        raise CodeRefused(
            _("Deze enquête opent op %(date)s. U kunt dan uw code gebruiken.") % {"date": day(campaign.opens_on)}
        )
    return code, invitation


def day(value: datetime.date) -> str:
    """A date as the portal writes it everywhere (pages, PDFs, mails): "7 december 2026"."""
    return formats.date_format(value, DAY_FORMAT)


def _open_on_its_day(campaign: Campaign) -> Campaign:
    """A campaign is open on its opening day (Amsterdam time) from midnight, not from when the hourly job next
    runs: the first resident with a code opens it as the job would (the letters are deleted then too)."""
    try:
        return campaign_open(campaign=campaign)
    except ValidationError:
        return Campaign.objects.get(pk=campaign.pk)  # opened meanwhile by the job or another resident


def draft_load(code: str, invitation: InvitationCode) -> dict:
    payload = codes.draft_decrypt(code, invitation.draft)
    try:
        return json.loads(payload) if payload else {}
    except ValueError:
        return {}


def draft_clean(questions: list[Question], posted: dict) -> dict:
    """What may be kept halfway: only values the questions allow, one for a single choice, text bounded."""
    kept = {}
    for question in questions:
        values = [v for v in posted.get(question.code, []) if v]
        if question.kind == Question.Kind.TEXT:
            if values and values[0].strip():
                kept[question.code] = [values[0][:4000]]
            continue
        allowed = {value for value, _label in question.choice_list()}
        values = [v for v in dict.fromkeys(values) if v in allowed]
        if question.kind == Question.Kind.SINGLE:
            values = values[:1]
        if values:
            kept[question.code] = values
    return kept


def draft_save(*, code: str, invitation: InvitationCode, questions: list[Question], posted: dict) -> None:
    answers = draft_clean(questions, posted)
    InvitationCode.objects.filter(pk=invitation.pk).update(draft=codes.draft_encrypt(code, json.dumps(answers)))


def answers_validate(questions: list[Question], data: dict) -> dict:
    """Checks the posted answers against the questions; returns {code: value or list or text}."""
    answers, errors = {}, {}
    for question in questions:
        allowed = {value for value, _label in question.choice_list()}
        if question.kind == Question.Kind.MULTIPLE:
            values = [v for v in data.get(question.code, []) if v]
            if any(v not in allowed for v in values):
                errors[question.code] = _("Kies uit de antwoorden die er staan.")
            elif values:
                answers[question.code] = sorted(set(values))
        else:
            value = (data.get(question.code) or [""])[0].strip()
            if question.kind == Question.Kind.SINGLE and value and value not in allowed:
                errors[question.code] = _("Kies uit de antwoorden die er staan.")
            elif question.kind == Question.Kind.TEXT and len(value) > 4000:
                errors[question.code] = _("Schrijf hoogstens 4000 tekens.")
            elif value:
                answers[question.code] = value
        if question.required and question.code not in answers and question.code not in errors:
            errors[question.code] = _("Beantwoord deze vraag.")
    if errors:
        raise ValidationError(errors)
    return answers


def response_submit(*, code: str, answers: dict) -> Response:
    """One response per code. The code row is deleted first, in a transaction of its own (the one that deletes
    it wins a double submit); the response is stored in a second one, so no single transaction holds both.
    Should storing fail, the code is given back so the resident can try again."""
    with transaction.atomic():
        invitation = (
            InvitationCode.objects.select_for_update()
            .select_related("campaign")
            .filter(code_hash__in=codes.code_hashes(code))
            .first()
        )
        if invitation is None:
            raise CodeRefused(unusable_code_message())
        campaign = invitation.campaign
        if campaign.status != Campaign.Status.OPEN or not (
            campaign.opens_on <= timezone.localdate() <= campaign.closes_on
        ):
            raise CodeRefused(_("Deze enquête is gesloten. Dank u voor uw belangstelling."))
        if InvitationCode.objects.filter(pk=invitation.pk).delete()[0] != 1:
            raise CodeRefused(unusable_code_message())
    try:
        with transaction.atomic():
            return _response_store(campaign, answers)
    except Exception:
        InvitationCode.objects.create(campaign=campaign, code_hash=codes.code_hash(code))
        raise


def _response_store(campaign: Campaign, answers: dict) -> Response:
    questions = {q.code: q for q in campaign.questions.all()}
    closed = {k: v for k, v in answers.items() if k in questions and questions[k].kind != Question.Kind.TEXT}
    response = Response.objects.create(
        campaign=campaign,
        submitted_on=timezone.localdate(),
        respondent_type=closed.get(RESPONDENT_TYPE, ""),
        answers=closed,
    )
    OpenAnswer.objects.bulk_create(
        OpenAnswer(response=response, question=questions[k], text=v)
        for k, v in answers.items()
        if k in questions and questions[k].kind == Question.Kind.TEXT
    )
    return response


@transaction.atomic
def open_answer_mark(*, user, answer: OpenAnswer, quotable: bool) -> None:
    if not user_can_read_open_answers(user):
        raise PermissionDenied
    answer.quotable = quotable
    answer.save(update_fields=["quotable"])


@transaction.atomic
def report_texts_save(*, user, campaign: Campaign, action_perspective: str, press_release: str) -> None:
    if not user_can_manage_campaign(user, campaign):
        raise PermissionDenied
    campaign.action_perspective, campaign.press_release = action_perspective, press_release
    campaign.save(update_fields=["action_perspective", "press_release"])
