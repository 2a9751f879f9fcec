"""Writing the figures of modules 1–3 and the police figures: validated in plain Dutch, one transaction each.

The rules live here once; forms call the same validators so a user sees every problem at the same time, and a
CSV import checks every row before it stores any (a rejected file stores nothing)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from evenings.selectors import first_record_year as evening_first_record_year
from stakeholders.imports import MAX_IMPORT_BYTES, ImportFileError, load_table_file
from stakeholders.models import Municipality
from trainings.selectors import first_record_year

from .models import InformationEvening, PoliceFigures, SurveyResult, Training, TrendThreshold
from .permissions import user_can_edit_all_figures, user_can_edit_municipality
from .services import PROGRAMME_START

# Police figures may start three years before the programme: the baseline the Stuurgroep compares with.
POLICE_FIRST_YEAR = PROGRAMME_START.year - 3


def _require_edit(user, municipality) -> None:
    if not user_can_edit_municipality(user, municipality):
        raise PermissionDenied


def year_errors(*, municipality, year, first_year: int = PROGRAMME_START.year) -> str | None:
    """A year the municipality existed in and the programme (or its baseline) covers."""
    this_year = timezone.localdate().year
    if year is None or not (first_year <= year <= this_year):
        return _("Kies een jaar van %(first)s tot en met %(last)s.") % {"first": first_year, "last": this_year}
    if municipality.valid_from and municipality.valid_from.year > year:
        return _("%(name)s bestond in %(year)s nog niet.") % {"name": municipality.name, "year": year}
    if municipality.valid_until and municipality.valid_until.year < year:
        successor = municipality.succeeded_by
        return _("%(name)s bestond in %(year)s niet meer; vul de cijfers in bij %(successor)s.") % {
            "name": municipality.name,
            "year": year,
            "successor": successor.name if successor else _("de nieuwe gemeente"),
        }
    return None


def date_errors(day: datetime.date | None, municipality=None) -> str | None:
    if day and not (PROGRAMME_START <= day <= timezone.localdate()):
        return _("Kies een datum tussen 1 januari 2021 (de start van het programma) en vandaag.")
    if day and municipality is not None:
        if municipality.valid_until and day > municipality.valid_until:
            successor = municipality.succeeded_by
            return _("%(name)s bestond op die dag niet meer; vul het in bij %(successor)s.") % {
                "name": municipality.name,
                "successor": successor.name if successor else _("de nieuwe gemeente"),
            }
        if municipality.valid_from and day < municipality.valid_from:
            return _("%(name)s bestond op die dag nog niet.") % {"name": municipality.name}
    return None


def family_ids(municipality) -> list[int]:
    """A municipality with the one it merged into and all that merged into that: one programme history."""
    root = municipality.succeeded_by or municipality
    return [root.pk, *root.predecessors.values_list("pk", flat=True)]


def _raise(errors: dict) -> None:
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise ValidationError(errors)


# --- Module 1: the survey ------------------------------------------------------------------------------------


def survey_result_validate(*, municipality, year, addresses_mailed, responses, willing_to_report_pct,
                           knows_signals_pct, report_on=None, press_release_on=None) -> None:  # fmt: skip
    errors = {"year": year_errors(municipality=municipality, year=year)}
    for field, value in (("addresses_mailed", addresses_mailed), ("responses", responses)):
        if value is not None and value < 0:
            errors[field] = _("Vul een aantal van 0 of meer in.")
    if addresses_mailed is not None and responses is not None and responses > addresses_mailed >= 0:
        errors.setdefault(
            "responses",
            _(
                "Er zijn meer vragenlijsten ingevuld (%(responses)s) dan adressen aangeschreven (%(mailed)s): "
                "de respons kan niet boven 100%% liggen."
            )
            % {"responses": responses, "mailed": addresses_mailed},
        )
    for field, value in (("willing_to_report_pct", willing_to_report_pct), ("knows_signals_pct", knows_signals_pct)):
        if value is not None and not (0 <= value <= 100):
            errors[field] = _("Een percentage ligt tussen 0 en 100.")
    errors["report_on"] = date_errors(report_on)
    errors["press_release_on"] = date_errors(press_release_on)
    _raise(errors)


@transaction.atomic
def survey_result_save(*, user, municipality, year: int, addresses_mailed: int, responses: int,
                       willing_to_report_pct: Decimal, knows_signals_pct: Decimal, report_on=None,
                       press_release_on=None) -> SurveyResult:  # fmt: skip
    _require_edit(user, municipality)
    fields = {
        "addresses_mailed": addresses_mailed,
        "responses": responses,
        "willing_to_report_pct": willing_to_report_pct,
        "knows_signals_pct": knows_signals_pct,
        "report_on": report_on,
        "press_release_on": press_release_on,
    }
    survey_result_validate(municipality=municipality, year=year, **fields)
    existing = SurveyResult.objects.select_for_update().filter(municipality=municipality, year=year).first()
    if existing and existing.source == SurveyResult.Source.PORTAL:
        raise ValidationError(
            _("De uitkomst van %(year)s komt uit de enquête in het portaal en kan hier niet worden gewijzigd.")
            % {"year": year}
        )
    result, _created = SurveyResult.objects.update_or_create(
        municipality=municipality,
        year=year,
        defaults={**fields, "updated_by": user, "source": SurveyResult.Source.HAND},
    )
    return result


# --- Police figures ------------------------------------------------------------------------------------------


def police_figures_validate(*, municipality, year, cannabis_farms, drug_labs, drug_dumpings) -> None:
    errors = {"year": year_errors(municipality=municipality, year=year, first_year=POLICE_FIRST_YEAR)}
    for field, value in (
        ("cannabis_farms", cannabis_farms),
        ("drug_labs", drug_labs),
        ("drug_dumpings", drug_dumpings),
    ):
        if value is None or value < 0:
            errors[field] = _("Vul een aantal van 0 of meer in.")
    _raise(errors)


@transaction.atomic
def police_figures_save(*, user, municipality, year: int, cannabis_farms: int, drug_labs: int,
                        drug_dumpings: int) -> PoliceFigures:  # fmt: skip
    _require_edit(user, municipality)
    counts = {"cannabis_farms": cannabis_farms, "drug_labs": drug_labs, "drug_dumpings": drug_dumpings}
    police_figures_validate(municipality=municipality, year=year, **counts)
    figures, _created = PoliceFigures.objects.update_or_create(
        municipality=municipality, year=year, defaults={**counts, "updated_by": user}
    )
    return figures


POLICE_COLUMNS = {
    "cbs_code": ("cbs-code", "cbs code", "gemeentecode", "code"),
    "year": ("jaar", "year"),
    "cannabis_farms": ("hennepkwekerijen", "hennep", "cannabis farms"),
    "drug_labs": ("drugslabs", "labs", "drug labs"),
    "drug_dumpings": ("drugsdumpingen", "dumpingen", "drug dumpings"),
}


@dataclass
class PoliceImportResult:
    created: int
    updated: int


MAX_COUNT = 1_000_000  # far above any real count, far below what the database column holds


def _whole_number(text) -> int | None:
    """A whole number as a person writes it; anything else (1e400, Infinity, NaN, 2.5, =1+1) is None. The
    exponent is checked before any conversion: "1e1000000" would otherwise cost minutes of CPU."""
    raw = str(text if text is not None else "").strip()
    if not raw or len(raw) > 12:
        return None
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value.adjusted() > 9:
        return None
    if value != value.to_integral_value():
        return None
    number = int(value)
    return number if abs(number) <= MAX_COUNT else None


def police_figures_import(*, user, name: str, raw: bytes) -> PoliceImportResult:
    """Reads every row first; one error anywhere and nothing is stored (the messages name the rows)."""
    if not user_can_edit_all_figures(user):
        raise PermissionDenied
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden."))
    if not raw.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    dataset = load_table_file(name, raw)
    aliases = {alias: key for key, names in POLICE_COLUMNS.items() for alias in (key, *names)}
    headings = [" ".join(str(h or "").strip().lower().replace("_", " ").split()) for h in (dataset.headers or [])]
    mapping = {index: aliases[h] for index, h in enumerate(headings) if h in aliases}
    missing = [POLICE_COLUMNS[key][0] for key in POLICE_COLUMNS if key not in mapping.values()]
    if missing:
        raise ImportFileError(
            _(
                "Deze kolommen ontbreken: %(columns)s. "
                "Verwacht: cbs-code, jaar, hennepkwekerijen, drugslabs, drugsdumpingen."
            )
            % {"columns": ", ".join(missing)}
        )
    municipalities = {m.cbs_code.upper(): m for m in Municipality.objects.select_related("succeeded_by")}
    errors: list[str] = []
    rows: dict[tuple[int, int], dict] = {}
    for number, values in enumerate(dataset, start=2):
        row = {key: (values[index] if index < len(values) else "") for index, key in mapping.items()}
        if not any(str(v or "").strip() for v in row.values()):
            continue
        problems = []
        municipality = municipalities.get(str(row["cbs_code"] or "").strip().upper())
        if municipality is None:
            problems.append(_("onbekende gemeentecode ‘%(code)s’") % {"code": str(row["cbs_code"] or "").strip()})
        year = _whole_number(row["year"])
        counts = {key: _whole_number(row[key]) for key in ("cannabis_farms", "drug_labs", "drug_dumpings")}
        if any(value is None or value < 0 for value in counts.values()):
            problems.append(_("de aantallen moeten hele getallen van 0 tot 1.000.000 zijn"))
        if municipality is not None:
            message = year_errors(municipality=municipality, year=year, first_year=POLICE_FIRST_YEAR)
            if message:
                problems.append(message[0].lower() + message[1:].rstrip("."))
            elif (municipality.pk, year) in rows:
                problems.append(_("deze gemeente en dit jaar staan al op een eerdere rij"))
        if problems:
            errors.append(_("Rij %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
        else:
            rows[(municipality.pk, year)] = {"municipality": municipality, "year": year, **counts}
    if errors:
        raise ValidationError(
            errors[:50] + ([_("En nog %(n)s rijen met fouten.") % {"n": len(errors) - 50}] if len(errors) > 50 else [])
        )
    if not rows:
        raise ImportFileError(_("Het bestand bevat geen rijen met cijfers."))
    created = updated = 0
    with transaction.atomic():
        for row in rows.values():
            _figures, was_created = PoliceFigures.objects.update_or_create(
                municipality=row["municipality"],
                year=row["year"],
                defaults={
                    "cannabis_farms": row["cannabis_farms"],
                    "drug_labs": row["drug_labs"],
                    "drug_dumpings": row["drug_dumpings"],
                    "updated_by": user,
                },
            )
            created += was_created
            updated += not was_created
    return PoliceImportResult(created=created, updated=updated)


# --- Module 2: information evenings --------------------------------------------------------------------------


def information_evening_validate(*, held_on, attendance, materials_handed_out, municipality=None) -> None:
    errors = {"held_on": date_errors(held_on, municipality) if held_on else _("Vul de datum in.")}
    first_recorded = evening_first_record_year()
    if held_on and not errors["held_on"] and first_recorded is not None and held_on.year >= first_recorded:
        # From then on the portal's own evenings (evenings app) give the figures: typed ones would be ignored.
        errors["held_on"] = _(
            "Vanaf %(year)s komen de cijfers van module 2 uit de informatieavonden in het portaal "
            "(menu Informatieavonden). Hier vult u alleen eerdere jaren in."
        ) % {"year": first_recorded}
    for field, value in (("attendance", attendance), ("materials_handed_out", materials_handed_out)):
        if value is None or value < 0:
            errors[field] = _("Vul een aantal van 0 of meer in.")
    _raise(errors)


@transaction.atomic
def information_evening_save(
    *,
    user,
    municipality,
    evening: InformationEvening | None = None,
    held_on,
    attendance: int,
    materials_handed_out: int = 0,
    notes: str = "",
) -> InformationEvening:
    _require_edit(user, municipality)
    if evening is not None and evening.municipality_id != municipality.pk:
        raise PermissionDenied
    information_evening_validate(
        held_on=held_on, attendance=attendance, materials_handed_out=materials_handed_out, municipality=municipality
    )
    evening = evening or InformationEvening(municipality=municipality)
    evening.held_on, evening.attendance = held_on, attendance
    evening.materials_handed_out, evening.notes, evening.updated_by = materials_handed_out, notes, user
    evening.save()
    return evening


# --- Module 3: e-learning and training -----------------------------------------------------------------------


def training_validate(*, municipality, kind, held_on, participants, certificates, training=None) -> None:
    errors = {"held_on": date_errors(held_on, municipality) if held_on else _("Vul de datum in.")}
    first_recorded = first_record_year()
    if held_on and not errors["held_on"] and first_recorded is not None and held_on.year >= first_recorded:
        # From then on the portal's own records (trainings app) give the figures: typed ones would be ignored.
        errors["held_on"] = _(
            "Vanaf %(year)s komen de cijfers van module 3 uit de trainingen en de e-learning in het portaal "
            "(menu Trainingen). Hier vult u alleen eerdere jaren in."
        ) % {"year": first_recorded}
    if participants is None or participants < 0:
        errors["participants"] = _("Vul een aantal van 0 of meer in.")
    if certificates is None or certificates < 0:
        errors["certificates"] = _("Vul een aantal van 0 of meer in.")
    elif certificates and kind != Training.Kind.ELEARNING:
        errors["certificates"] = _("Certificaten horen bij de e-learning, niet bij een training.")
    elif participants is not None and certificates > participants:
        errors["certificates"] = _("Er zijn meer certificaten dan deelnemers.")
    elif certificates:
        # The cap holds for the municipality with its merged predecessors (or successor) together.
        others = Training.objects.filter(municipality_id__in=family_ids(municipality)).exclude(
            pk=getattr(training, "pk", None)
        )
        issued = others.aggregate(n=Sum("certificates"))["n"] or 0
        if issued + certificates > Training.MAX_CERTIFICATES:
            errors["certificates"] = _(
                "Per gemeente zijn er hoogstens %(max)s certificaten. %(name)s heeft er al %(issued)s, "
                "er kunnen er nog %(left)s bij."
            ) % {
                "max": Training.MAX_CERTIFICATES,
                "name": municipality.name,
                "issued": issued,
                "left": max(0, Training.MAX_CERTIFICATES - issued),
            }
    _raise(errors)


@transaction.atomic
def training_save(*, user, municipality, training: Training | None = None, kind: str, held_on,
                  participants: int, certificates: int = 0) -> Training:  # fmt: skip
    _require_edit(user, municipality)
    if training is not None and training.municipality_id != municipality.pk:
        raise PermissionDenied
    # Lock the family's municipalities so two people cannot both issue the last certificates.
    list(Municipality.objects.select_for_update().filter(pk__in=family_ids(municipality)))
    training_validate(
        municipality=municipality,
        kind=kind,
        held_on=held_on,
        participants=participants,
        certificates=certificates,
        training=training,
    )
    training = training or Training(municipality=municipality)
    training.kind, training.held_on = kind, held_on
    training.participants, training.certificates, training.updated_by = participants, certificates, user
    training.save()
    return training


@transaction.atomic
def figure_entry_delete(*, user, entry: InformationEvening | Training) -> None:
    _require_edit(user, entry.municipality)
    entry.delete()


# --- The threshold for trends ----------------------------------------------------------------------------------

MAX_THRESHOLD_MUNICIPALITIES = 999
MAX_THRESHOLD_RESPONSES = 1_000_000


def trend_threshold_validate(*, min_municipalities, min_responses) -> None:
    """Whole numbers in a sensible range; a year needs at least one municipality to count at all."""
    _raise(
        {
            "min_municipalities": None
            if min_municipalities is not None and 1 <= min_municipalities <= MAX_THRESHOLD_MUNICIPALITIES
            else _("Vul een geheel aantal gemeenten in van 1 tot en met %(max)s.")
            % {"max": MAX_THRESHOLD_MUNICIPALITIES},
            "min_responses": None
            if min_responses is not None and 0 <= min_responses <= MAX_THRESHOLD_RESPONSES
            else _("Vul een geheel aantal ingevulde vragenlijsten in van 0 tot en met %(max)s.")
            % {"max": formats.number_format(MAX_THRESHOLD_RESPONSES, force_grouping=True)},
        }
    )


@transaction.atomic
def trend_threshold_save(*, user, min_municipalities: int, min_responses: int) -> TrendThreshold:
    """The secretariat's one threshold row, created on first save."""
    if not user_can_edit_all_figures(user):
        raise PermissionDenied
    trend_threshold_validate(min_municipalities=min_municipalities, min_responses=min_responses)
    threshold = TrendThreshold.objects.select_for_update().order_by("pk").first() or TrendThreshold()
    threshold.min_municipalities = min_municipalities
    threshold.min_responses = min_responses
    threshold.updated_by = user
    threshold.save()
    return threshold
