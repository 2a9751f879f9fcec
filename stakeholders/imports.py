"""Import of organisations and contacts from CSV or XLSX (tablib), in two steps.

1. `import_batch_create` reads the file and stores its rows; `import_preview` checks every row with
   a Django form (Dutch messages) and looks for duplicates in the CRM and within the file.
2. The secretariat fixes broken cells in the preview (`import_batch_edit`), chooses merge or
   skip for each duplicate, and `import_batch_confirm` writes everything in one transaction, or
   nothing when any row is still wrong.

The stored rows are personal data kept only for the preview: confirm and cancel clear them, and
`import_batches_purge` (a periodic job) deletes previews nobody finished.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import tablib
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz.fuzz import ratio
from wagtail.log_actions import log

from core.scanning import check_upload

from .models import Affiliation, Contact, District, ImportBatch, Membership, Municipality, Organisation, PartnerType
from .permissions import user_can_manage_crm
from .validators import normalise_postal_code, validate_dutch_phone, validate_kvk_number, validate_postal_code

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
NEAR_NAME_RATIO = 88  # rapidfuzz's ratio, 0-100: the share of characters two names have in common, in order
MERGE, SKIP, NEW = "merge", "skip", "new"
# What may become of a possible duplicate. An organisation found by its name may still be another one (a
# branch, a namesake elsewhere); a contact found by their e-mail address is that person.
DECISIONS = {ImportBatch.Kind.ORGANISATIONS: (MERGE, SKIP, NEW), ImportBatch.Kind.CONTACTS: (MERGE, SKIP)}
CANCELLED_ACTION = "vbg.crm.import_cancelled"

# Column headings people actually use, mapped to one key per field.
COLUMNS = {
    ImportBatch.Kind.ORGANISATIONS: {
        "naam": ["naam", "organisatie", "organisatienaam", "name"],
        "partnertype": ["partnertype", "type", "soort", "soort organisatie"],
        "kvk": ["kvk", "kvk-nummer", "kvknummer", "kvk nummer"],
        "email": ["email", "e-mail", "e-mailadres", "emailadres"],
        "telefoon": ["telefoon", "telefoonnummer", "tel", "phone"],
        "website": ["website", "www", "url"],
        "straat": ["straat", "adres", "bezoekadres", "straat en huisnummer"],
        "postcode": ["postcode"],
        "plaats": ["plaats", "woonplaats", "vestigingsplaats"],
        "gemeente": ["gemeente", "cbs-code", "cbs code"],
        "districten": ["districten", "district", "platform", "platforms"],
    },
    ImportBatch.Kind.CONTACTS: {
        "voornaam": ["voornaam", "first name", "roepnaam"],
        "achternaam": ["achternaam", "last name", "naam"],
        "functie": ["functie", "function"],
        "email": ["email", "e-mail", "e-mailadres", "emailadres"],
        "telefoon": ["telefoon", "telefoonnummer", "tel", "mobiel", "phone"],
        "organisatie": ["organisatie", "werkgever", "organisation"],
        "platformrol": ["platformrol", "rol", "rol in het platform"],
        "wie_is_wie": ["toestemming wie is wie", "wie is wie", "smoelenboek"],
        "uitnodigingen": ["toestemming uitnodigingen", "uitnodigingen"],
    },
}
REQUIRED_COLUMNS = {
    ImportBatch.Kind.ORGANISATIONS: ["naam", "partnertype"],
    ImportBatch.Kind.CONTACTS: ["voornaam", "achternaam"],
}
YES = {"ja", "j", "yes", "y", "1", "x", "waar", "true"}
NO = {"nee", "n", "no", "0", "", "onwaar", "false"}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; nothing is stored."""


# --- Reading the file ---------------------------------------------------------------------------


def _heading_key(heading: str) -> str:
    return re.sub(r"\s+", " ", str(heading or "").strip().lower().replace("_", " "))


def _decode_csv(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Dit CSV-bestand kan niet worden gelezen. Sla het op als CSV UTF-8 en probeer opnieuw."))


def load_table_file(name: str, raw: bytes) -> tablib.Dataset:
    """A .csv (UTF-8 or Windows-1252, ; , or tab) or a real .xlsx as a dataset; anything else a Dutch error.
    Every importer reads its upload here, so the virus scanner sees each one before a row is stored."""
    try:
        check_upload(io.BytesIO(raw), name=name)
    except ValidationError as exc:
        raise ImportFileError(exc.messages[0], code=exc.code) from exc
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        if not raw.startswith(b"PK\x03\x04"):
            raise ImportFileError(_("Dit is geen echt Excel-bestand (.xlsx). Kies een .xlsx- of .csv-bestand."))
        try:
            return tablib.Dataset().load(io.BytesIO(raw), format="xlsx")
        except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable file
            raise ImportFileError(_("Dit Excel-bestand kan niet worden gelezen. Is het beschadigd?")) from exc
    if lowered.endswith(".csv"):
        if b"\x00" in raw[:4096]:
            raise ImportFileError(_("Dit is geen tekstbestand. Kies een .csv- of .xlsx-bestand."))
        text = _decode_csv(raw)
        try:
            delimiter = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,\t").delimiter
        except csv.Error:
            delimiter = ","
        try:
            return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
        except Exception as exc:  # noqa: BLE001
            raise ImportFileError(_("Dit CSV-bestand kan niet worden gelezen: controleer de kolommen.")) from exc
    raise ImportFileError(_("Kies een .csv- of .xlsx-bestand. Andere bestandssoorten worden niet ingelezen."))


def import_file_rows(*, kind: str, name: str, raw: bytes) -> tuple[list[dict], list[str]]:
    """Rows as {field key: text}, and the headings that were not recognised."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden."))
    if not raw.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    dataset = load_table_file(name, raw)
    aliases = {alias: key for key, names in COLUMNS[kind].items() for alias in names}
    headings = [_heading_key(h) for h in (dataset.headers or [])]
    mapping = {index: aliases[h] for index, h in enumerate(headings) if h in aliases}
    missing = [key for key in REQUIRED_COLUMNS[kind] if key not in mapping.values()]
    if missing:
        raise ImportFileError(
            _("De kolom(men) %(missing)s ontbreken. Gebruik de kolomnamen uit het voorbeeldbestand.")
            % {"missing": ", ".join(missing)}
        )
    if len(dataset) > MAX_IMPORT_ROWS:
        raise ImportFileError(_("Het bestand heeft meer dan %(n)d rijen.") % {"n": MAX_IMPORT_ROWS})
    rows = []
    for values in dataset:
        row = {key: "" if values[index] is None else str(values[index]).strip() for index, key in mapping.items()}
        if any(row.values()):
            rows.append(row)
    if not rows:
        raise ImportFileError(_("Het bestand bevat geen rijen met gegevens."))
    ignored = [h for index, h in enumerate(dataset.headers or []) if index not in mapping and h]
    return rows, ignored


@transaction.atomic
def import_batch_create(*, actor, kind: str, uploaded_file) -> ImportBatch:
    if not user_can_manage_crm(actor):
        raise PermissionDenied
    if kind not in ImportBatch.Kind.values:
        raise ImportFileError(_("Kies wat u wilt importeren: organisaties of contactpersonen."))
    if uploaded_file.size > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden."))
    rows, ignored = import_file_rows(kind=kind, name=uploaded_file.name, raw=uploaded_file.read())
    return ImportBatch.objects.create(
        kind=kind, filename=uploaded_file.name[:255], rows=rows, ignored_columns=ignored, created_by=actor
    )


# --- Checking rows ------------------------------------------------------------------------------


def _normalised_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", ascii_name).strip()


def _yes_no(value: str, label: str) -> bool:
    lowered = (value or "").strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise forms.ValidationError(_("%(label)s: vul ja of nee in.") % {"label": label})


class OrganisationRowForm(forms.Form):
    naam = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    partnertype = forms.CharField(label=gettext_lazy("Partnertype"), max_length=150)
    kvk = forms.CharField(label=gettext_lazy("KvK-nummer"), required=False, validators=[validate_kvk_number])
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    telefoon = forms.CharField(label=gettext_lazy("Telefoon"), required=False, validators=[validate_dutch_phone])
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    straat = forms.CharField(label=gettext_lazy("Straat"), required=False, max_length=200)
    postcode = forms.CharField(label=gettext_lazy("Postcode"), required=False, validators=[validate_postal_code])
    plaats = forms.CharField(label=gettext_lazy("Plaats"), required=False, max_length=100)
    gemeente = forms.CharField(label=gettext_lazy("Gemeente"), required=False)
    districten = forms.CharField(label=gettext_lazy("Districten"), required=False)

    def __init__(self, *args, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups

    def clean_partnertype(self):
        value = self.cleaned_data["partnertype"].strip().lower()
        partner_type = self.lookups.partner_types.get(value)
        if partner_type is None:
            raise forms.ValidationError(
                _("Onbekend partnertype '%(value)s'. Kies er een uit de lijst (in het bestand mag de naam of de code).")
                % {"value": self.cleaned_data["partnertype"]}
            )
        return partner_type

    def clean_postcode(self):
        return normalise_postal_code(self.cleaned_data["postcode"]) if self.cleaned_data["postcode"] else ""

    def clean_gemeente(self):
        value = self.cleaned_data["gemeente"].strip()
        if not value:
            return None
        municipality = self.lookups.municipalities.get(value.lower())
        if municipality is None:
            raise forms.ValidationError(_("Onbekende gemeente '%(value)s'.") % {"value": value})
        return municipality

    def clean_districten(self):
        names = [part.strip().lower() for part in re.split(r"[,;/]", self.cleaned_data["districten"]) if part.strip()]
        unknown = [name for name in names if name not in self.lookups.districts]
        if unknown:
            raise forms.ValidationError(
                _("Onbekend district '%(value)s'. Kies uit NHN, ZW of KEN.") % {"value": ", ".join(unknown)}
            )
        return [self.lookups.districts[name] for name in names]


class ContactRowForm(forms.Form):
    voornaam = forms.CharField(label=gettext_lazy("Voornaam"), max_length=100)
    achternaam = forms.CharField(label=gettext_lazy("Achternaam"), max_length=150)
    functie = forms.CharField(label=gettext_lazy("Functie"), required=False, max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    telefoon = forms.CharField(label=gettext_lazy("Telefoon"), required=False, validators=[validate_dutch_phone])
    organisatie = forms.CharField(label=gettext_lazy("Organisatie"), required=False)
    platformrol = forms.CharField(label=gettext_lazy("Platformrol"), required=False)
    wie_is_wie = forms.CharField(label=gettext_lazy("Toestemming Wie is wie"), required=False)
    uitnodigingen = forms.CharField(label=gettext_lazy("Toestemming uitnodigingen"), required=False)

    def __init__(self, *args, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_organisatie(self):
        value = self.cleaned_data["organisatie"].strip()
        if not value:
            return None
        organisation = self.lookups.organisations.get(value.lower())
        if organisation is None:
            raise forms.ValidationError(
                _("Onbekende organisatie '%(value)s'. Controleer de naam of importeer eerst de organisatie.")
                % {"value": value}
            )
        return organisation

    def clean_platformrol(self):
        value = self.cleaned_data["platformrol"].strip().lower()
        if value and value not in Contact.PlatformRole.values:
            raise forms.ValidationError(_("Kies vertegenwoordiger, plaatsvervanger of laat leeg."))
        return value

    def clean_wie_is_wie(self):
        return _yes_no(self.cleaned_data["wie_is_wie"], str(self.fields["wie_is_wie"].label))

    def clean_uitnodigingen(self):
        return _yes_no(self.cleaned_data["uitnodigingen"], str(self.fields["uitnodigingen"].label))


@dataclass
class _Lookups:
    """Reference data and existing records, read once per preview instead of once per row."""

    partner_types: dict = field(default_factory=dict)
    municipalities: dict = field(default_factory=dict)
    districts: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "_Lookups":
        lookups = cls()
        for partner_type in PartnerType.objects.all():
            lookups.partner_types[partner_type.code.lower()] = partner_type
            lookups.partner_types[partner_type.name.lower()] = partner_type
        for municipality in Municipality.objects.current():
            lookups.municipalities[municipality.name.lower()] = municipality
            lookups.municipalities[municipality.cbs_code.lower()] = municipality
        for district in District.objects.all():
            lookups.districts[district.code.lower()] = district
            lookups.districts[district.name.lower()] = district
        for organisation in Organisation.objects.filter(is_active=True):
            lookups.organisations[organisation.name.lower()] = organisation
            if organisation.kvk_number:
                lookups.organisations[organisation.kvk_number] = organisation
        return lookups


@dataclass
class PreviewRow:
    number: int  # 1-based, as in the spreadsheet below its heading row
    values: dict
    errors: dict = field(default_factory=dict)
    duplicate_of: object = None
    duplicate_reason: str = ""
    decision: str = ""
    cleaned: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        return "duplicate" if self.duplicate_of is not None else "new"

    def cells(self, columns: list[tuple[str, str]], inputs: dict | None = None) -> list[dict]:
        """One cell per column of the import, also for columns the file did not have; with the list to choose
        from (or the suggestions) where the preview offers one to fix the cell."""
        inputs = inputs or {}
        cells = []
        for key, label in columns:
            value = self.values.get(key, "")
            cell = {"key": key, "label": label, "value": value, "errors": self.errors.get(key, [])}
            cell["shown"] = _shown(value, self.cleaned.get(key))
            if key in inputs:
                cell.update(inputs[key].for_value(value))
            cells.append(cell)
        return cells


def _shown(value: str, cleaned) -> str:
    """A checked cell as the CRM will know it: the partner type's name for its code, the districts' names."""
    if isinstance(cleaned, models.Model):
        return str(cleaned)
    if isinstance(cleaned, list) and cleaned and all(isinstance(item, models.Model) for item in cleaned):
        return ", ".join(str(item) for item in cleaned)
    return value


@dataclass(frozen=True)
class CellInput:
    """How the preview offers a column for fixing: a list to choose from (`choices`, (value, label) pairs,
    chosen by value, label or an alias) or suggestions while typing (`suggestions`, for a datalist)."""

    choices: tuple = ()
    aliases: tuple = ()  # (typed value, choice value)
    suggestions: tuple = ()

    def for_value(self, value: str) -> dict:
        if self.suggestions:
            return {"suggestions": True}
        typed = (value or "").strip().lower()
        aliases = dict(self.aliases)
        chosen = next(
            (code for code, label in self.choices if typed in (code.lower(), str(label).lower())),
            aliases.get(typed),
        )
        options = [(code, label, code == chosen) for code, label in self.choices]
        if chosen is None:
            # What was typed stays visible and chosen, marked, until another option is picked.
            unknown = (value, _("%(value)s (onbekend)") % {"value": value}) if typed else ("", _("Kies..."))
            options.insert(0, (*unknown, True))
        return {"options": options}


def import_inputs(kind: str) -> dict[str, CellInput]:
    """The names behind the codes (partner types), and the known values of the other columns with a fixed set."""
    if kind == ImportBatch.Kind.ORGANISATIONS:
        return {
            "partnertype": CellInput(choices=tuple(PartnerType.objects.order_by("name").values_list("code", "name"))),
            "gemeente": CellInput(
                suggestions=tuple(Municipality.objects.current().order_by("name").values_list("name", flat=True))
            ),
        }
    yes_no = CellInput(
        choices=(("ja", _("ja")), ("nee", _("nee"))),
        aliases=(*((word, "ja") for word in YES), *((word, "nee") for word in NO)),
    )
    return {
        "organisatie": CellInput(
            suggestions=tuple(
                Organisation.objects.filter(is_active=True).order_by("name").values_list("name", flat=True)
            )
        ),
        "platformrol": CellInput(choices=(("", _("geen")), *Contact.PlatformRole.choices)),
        "wie_is_wie": yes_no,
        "uitnodigingen": yes_no,
    }


def import_columns(kind: str) -> list[tuple[str, str]]:
    """(key, Dutch label) of every column an import of this kind understands."""
    form_class = OrganisationRowForm if kind == ImportBatch.Kind.ORGANISATIONS else ContactRowForm
    return [(key, str(form_class.base_fields[key].label)) for key in COLUMNS[kind]]


@dataclass
class Preview:
    batch: ImportBatch
    rows: list[PreviewRow]

    @property
    def columns(self) -> list[tuple[str, str]]:
        return import_columns(self.batch.kind)

    @property
    def table(self) -> list[tuple[PreviewRow, list[dict]]]:
        return self.table_of(self.rows)

    @cached_property
    def inputs(self) -> dict[str, CellInput]:
        return import_inputs(self.batch.kind)

    @property
    def datalists(self) -> list[tuple[str, tuple]]:
        """(column key, suggestions) for the columns fixed by typing with suggestions."""
        return [(key, field.suggestions) for key, field in self.inputs.items() if field.suggestions]

    @property
    def decisions(self) -> tuple[str, ...]:
        return DECISIONS[self.batch.kind]

    def table_of(self, rows: list[PreviewRow]) -> list[tuple[PreviewRow, list[dict]]]:
        """Rows with their cells; only rows with errors are fixed in the preview, so only they get inputs."""
        columns = self.columns
        return [(row, row.cells(columns, self.inputs if row.errors else None)) for row in rows]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "error")

    @property
    def duplicate_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "duplicate")

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "new")

    @property
    def can_confirm(self) -> bool:
        return self.error_count == 0


def _near_name_matcher(name: str):
    """A test `near(other)` for one name: nearly the same characters in the same order."""

    def near(other: str) -> bool:
        return ratio(name, other, score_cutoff=NEAR_NAME_RATIO) > 0

    return near


# Legal forms and kinds of body that say nothing about which organisation it is ("Stichting Het Hof" is
# "Het Hof"), and small words an abbreviation leaves out ("Land- en Tuinbouw Organisatie" is "LTO").
LEGAL_FORMS = {"bv", "nv", "vof", "cv", "ua", "stichting", "vereniging", "cooperatie"}
SMALL_WORDS = {"en", "van", "de", "het", "der", "den", "voor", "in", "op", "te", "t", "s"}


def _core_tokens(normalised: str) -> tuple[str, ...]:
    """The words of a normalised name without legal forms; single letters in a row ("b v" from "B.V.") are
    one word."""
    tokens: list[str] = []
    previous_single = False
    for token in normalised.split():
        single = len(token) == 1
        if single and previous_single:
            tokens[-1] += token
        else:
            tokens.append(token)
        previous_single = single
    core = tuple(token for token in tokens if token not in LEGAL_FORMS)
    return core or tuple(tokens)


def _initials(tokens: tuple[str, ...]) -> str:
    """ "lto" for "land en tuinbouw organisatie"; nothing for fewer than three words, too easily shared."""
    words = [token for token in tokens if token not in SMALL_WORDS]
    return "".join(word[0] for word in words) if len(words) >= 3 else ""


@dataclass(frozen=True)
class _KnownOrganisation:
    organisation: Organisation
    name: str  # normalised
    places: frozenset


@dataclass
class _KnownOrganisations:
    """Every organisation, indexed for the checks of `_find_duplicate_organisation`: each row looks up a few
    keys instead of comparing itself with every organisation."""

    by_kvk: dict = field(default_factory=dict)
    by_name: dict = field(default_factory=dict)
    by_core: dict = field(default_factory=dict)  # core words -> organisation
    by_start: dict = field(default_factory=dict)  # the first words of a longer name -> organisation
    by_initials: dict = field(default_factory=dict)
    by_place: dict = field(default_factory=dict)  # place -> [_KnownOrganisation]

    def add(self, known: _KnownOrganisation) -> None:
        organisation = known.organisation
        if organisation.kvk_number:
            self.by_kvk.setdefault(organisation.kvk_number, organisation)
        self.by_name.setdefault(known.name, organisation)
        core = _core_tokens(known.name)
        self.by_core.setdefault(core, organisation)
        for length in range(1, len(core)):
            self.by_start.setdefault(core[:length], organisation)
        if initials := _initials(core):
            self.by_initials.setdefault(initials, organisation)
        for place in known.places:
            self.by_place.setdefault(place, []).append(known)


def _organisation_candidates() -> _KnownOrganisations:
    """Every organisation with the places it is in or works in (its own municipality and `municipalities`)."""
    known = _KnownOrganisations()
    for organisation in Organisation.objects.prefetch_related("municipalities"):
        known.add(
            _KnownOrganisation(
                organisation=organisation,
                name=_normalised_name(organisation.name),
                places=_places(
                    municipality_ids=[organisation.municipality_id, *(m.pk for m in organisation.municipalities.all())],
                    city=organisation.city,
                ),
            )
        )
    return known


def _places(*, municipality_ids, city: str) -> frozenset:
    """Where an organisation is or works: municipalities by id, and its city by (lowercased) name."""
    keys = {("municipality", pk) for pk in municipality_ids if pk is not None}
    if city and city.strip():
        keys.add(("city", city.strip().lower()))
    return frozenset(keys)


def _row_places(cleaned: dict) -> frozenset:
    municipality = cleaned.get("gemeente")
    return _places(municipality_ids=[municipality.pk] if municipality else [], city=cleaned.get("plaats") or "")


def _find_duplicate_organisation(cleaned: dict, known: _KnownOrganisations) -> tuple[object, str]:
    """The organisation a row may be, with the reason, strongest evidence first. A possible duplicate is only
    a question to the secretariat (merge, skip or add as new), so a short name that starts a longer one
    ("PWN" and "PWN Waterleidingbedrijf Noord-Holland") or is its abbreviation counts too."""
    if cleaned.get("kvk") and (organisation := known.by_kvk.get(cleaned["kvk"])):
        return organisation, _("zelfde KvK-nummer")
    name = _normalised_name(cleaned["naam"])
    core = _core_tokens(name)
    if organisation := known.by_name.get(name) or known.by_core.get(core):
        return organisation, _("zelfde naam")
    near = _near_name_matcher(name)
    for place in _row_places(cleaned):
        for candidate in known.by_place.get(place, []):
            if near(candidate.name):
                return candidate.organisation, _("(bijna) dezelfde naam in dezelfde plaats")
    shorter_known = next(
        (known.by_core[core[:length]] for length in range(len(core) - 1, 0, -1) if core[:length] in known.by_core),
        None,
    )
    if organisation := shorter_known or known.by_start.get(core):
        if len(" ".join(min(core, _core_tokens(_normalised_name(organisation.name)), key=len))) >= 3:
            return organisation, _("de ene naam begint met de andere")
    initials = _initials(core)
    if organisation := (known.by_initials.get(core[0]) if len(core) == 1 else None) or known.by_core.get((initials,)):
        return organisation, _("afkorting van de naam")
    return None, ""


def import_preview(*, batch: ImportBatch) -> Preview:
    """Check every stored row. Runs a fixed number of queries, whatever the number of rows."""
    lookups = _Lookups.load()
    form_class = OrganisationRowForm if batch.kind == ImportBatch.Kind.ORGANISATIONS else ContactRowForm
    rows = []
    for index, values in enumerate(batch.rows, start=1):
        form = form_class(data=values, lookups=lookups)
        row = PreviewRow(number=index, values=values, decision=batch.decisions.get(str(index), SKIP))
        if form.is_valid():
            row.cleaned = form.cleaned_data
        else:
            row.errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        rows.append(row)
    if batch.kind == ImportBatch.Kind.ORGANISATIONS:
        _mark_organisation_duplicates(rows)
    else:
        _mark_contact_duplicates(rows)
    return Preview(batch=batch, rows=rows)


def _mark_organisation_duplicates(rows: list[PreviewRow]) -> None:
    candidates = _organisation_candidates()
    seen_kvk: dict[str, int] = {}
    # Earlier rows of the file, by exact normalised name and by place, as (name, row number, KvK number).
    by_name: dict[str, list[tuple[str, int, str]]] = {}
    by_place: dict[tuple, list[tuple[str, int, str]]] = {}
    for row in rows:
        if row.errors:
            continue
        kvk = row.cleaned.get("kvk")
        if kvk and kvk in seen_kvk:
            row.errors["kvk"] = [_("Dit KvK-nummer staat ook in rij %(n)d.") % {"n": seen_kvk[kvk]}]
            continue
        name = _normalised_name(row.cleaned["naam"])
        places = _row_places(row.cleaned)
        earlier = _same_organisation_in_file(name=name, kvk=kvk, places=places, by_name=by_name, by_place=by_place)
        if earlier is not None:
            row.errors["naam"] = [
                _(
                    "Deze organisatie staat ook in rij %(n)d ((bijna) dezelfde naam). Haal een van beide rijen "
                    "weg, of geef beide rijen hun eigen KvK-nummer als het verschillende organisaties zijn."
                )
                % {"n": earlier}
            ]
            continue
        if kvk:
            seen_kvk[kvk] = row.number
        entry = (name, row.number, kvk)
        by_name.setdefault(name, []).append(entry)
        for place in places:
            by_place.setdefault(place, []).append(entry)
        row.duplicate_of, row.duplicate_reason = _find_duplicate_organisation(row.cleaned, candidates)


def _same_organisation_in_file(*, name, kvk, places, by_name, by_place) -> int | None:
    """The earlier row with the same name, or a near name in the same place, unless both rows carry a
    (different) KvK number: without one, the confirm would create the same organisation twice."""
    for _name, number, other_kvk in by_name.get(name, []):
        if not (kvk and other_kvk):
            return number
    near = _near_name_matcher(name)
    for place in places:
        for other_name, number, other_kvk in by_place.get(place, []):
            if not (kvk and other_kvk) and near(other_name):
                return number
    return None


def _mark_contact_duplicates(rows: list[PreviewRow]) -> None:
    emails = [row.cleaned["email"] for row in rows if not row.errors and row.cleaned.get("email")]
    existing = {
        contact.email_lower: contact
        for contact in Contact.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails, anonymised_at__isnull=True
        )
    }
    seen: dict[str, int] = {}
    for row in rows:
        if row.errors or not row.cleaned.get("email"):
            continue
        email = row.cleaned["email"]
        if email in seen:
            row.errors["email"] = [_("Dit e-mailadres staat ook in rij %(n)d.") % {"n": seen[email]}]
            continue
        seen[email] = row.number
        if email in existing:
            row.duplicate_of, row.duplicate_reason = existing[email], _("zelfde e-mailadres")


# --- Fixing and confirming ----------------------------------------------------------------------


@transaction.atomic
def import_batch_edit(
    *, actor, batch: ImportBatch, edits: dict[int, dict], decisions: dict[int, str], decide_all: str = ""
) -> ImportBatch:
    """Store corrected cells and merge/skip choices from the preview; nothing reaches the CRM yet.

    `decide_all` (merge or skip) overrides the per-row choices, so a long preview is decided in one step
    instead of page by page."""
    if not user_can_manage_crm(actor) or batch.status != ImportBatch.Status.PREVIEW:
        raise PermissionDenied
    allowed = COLUMNS[batch.kind].keys()
    rows = list(batch.rows)
    for number, values in edits.items():
        if 1 <= number <= len(rows):
            rows[number - 1] = {**rows[number - 1], **{k: str(v).strip() for k, v in values.items() if k in allowed}}
    batch.rows = rows
    batch.decisions = {
        **batch.decisions,
        **{str(n): d for n, d in decisions.items() if d in DECISIONS[batch.kind] and 1 <= n <= len(rows)},
    }
    if decide_all in (MERGE, SKIP):
        batch.decisions = {str(n): decide_all for n in range(1, len(rows) + 1)}
    batch.save(update_fields=["rows", "decisions"])
    return batch


@transaction.atomic
def import_batch_confirm(*, actor, batch: ImportBatch) -> dict[str, int]:
    """Write every row or none: a single broken row stops the whole import."""
    if not user_can_manage_crm(actor):
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("Deze import is al afgerond."))
    preview = import_preview(batch=batch)
    if not preview.can_confirm:
        raise ValidationError(
            _("Er zijn nog %(n)d rijen met fouten. Herstel ze eerst; er is niets geïmporteerd.")
            % {"n": preview.error_count}
        )
    save_row = _save_organisation_row if batch.kind == ImportBatch.Kind.ORGANISATIONS else _save_contact_row
    summary = {"created": 0, "merged": 0, "skipped": 0}
    for row in preview.rows:
        existing = row.duplicate_of if row.decision != NEW else None
        if existing is not None and row.decision != MERGE:
            summary["skipped"] += 1
            continue
        save_row(row.cleaned, existing=existing)
        summary["merged" if existing is not None else "created"] += 1
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = timezone.now()
    batch.summary = summary
    _clear_rows(batch)
    batch.save(update_fields=["status", "imported_at", "summary", "rows", "decisions"])
    log(instance=batch, action="vbg.crm.imported", user=actor, data=summary)
    return summary


def _clear_rows(batch: ImportBatch) -> None:
    """The uploaded rows (names, e-mail addresses, phone numbers) were only kept for the preview."""
    batch.rows = []
    batch.decisions = {}


@transaction.atomic
def import_batch_cancel(*, actor, batch: ImportBatch) -> ImportBatch:
    """Nothing reaches the CRM, and the uploaded rows are dropped at once; the counts stay."""
    if not user_can_manage_crm(actor):
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("Deze import is al afgerond."))
    batch.status = ImportBatch.Status.CANCELLED
    batch.summary = {"rows": len(batch.rows)}
    _clear_rows(batch)
    batch.save(update_fields=["status", "summary", "rows", "decisions"])
    log(instance=batch, action=CANCELLED_ACTION, user=actor, data=batch.summary)
    return batch


@transaction.atomic
def import_batches_purge(*, now=None) -> int:
    """Delete previews nobody confirmed or cancelled within RETENTION["import_preview_hours"]: their rows are
    personal data kept for nothing. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.RETENTION["import_preview_hours"])
    deleted, _counts = ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEW, created_at__lt=cutoff).delete()
    # Batches finished before confirm and cancel cleared their rows.
    ImportBatch.objects.exclude(status=ImportBatch.Status.PREVIEW).exclude(rows=[]).update(rows=[], decisions={})
    return deleted


def _fill(instance, values: dict) -> None:
    """Set the row's non-empty values: an empty cell never wipes what the CRM already knows."""
    for attribute, value in values.items():
        if value not in ("", None):
            setattr(instance, attribute, value)


def _save_organisation_row(cleaned: dict, *, existing: Organisation | None) -> Organisation:
    organisation = existing or Organisation(name=cleaned["naam"], partner_type=cleaned["partnertype"])
    _fill(
        organisation,
        {
            "kvk_number": cleaned["kvk"],
            "email": cleaned["email"],
            "phone": cleaned["telefoon"],
            "website": cleaned["website"],
            "street": cleaned["straat"],
            "postal_code": cleaned["postcode"],
            "city": cleaned["plaats"],
        },
    )
    if cleaned["gemeente"] is not None and cleaned["partnertype"].code == "gemeente":
        organisation.municipality = cleaned["gemeente"]
    organisation.full_clean(exclude=["municipalities"])
    organisation.save()
    if cleaned["gemeente"] is not None:
        organisation.municipalities.add(cleaned["gemeente"])
    current = set(Membership.objects.current().filter(organisation=organisation).values_list("district_id", flat=True))
    for district in cleaned["districten"]:
        if district.pk not in current:
            Membership.objects.create(organisation=organisation, district=district)
    return organisation


def _save_contact_row(cleaned: dict, *, existing: Contact | None) -> Contact:
    contact = existing or Contact(first_name=cleaned["voornaam"], last_name=cleaned["achternaam"])
    _fill(
        contact,
        {
            "first_name": cleaned["voornaam"],
            "last_name": cleaned["achternaam"],
            "function": cleaned["functie"],
            "email": cleaned["email"],
            "phone": cleaned["telefoon"],
            "platform_role": cleaned["platformrol"],
        },
    )
    now = timezone.now()
    for consent, key in (("directory_consent", "wie_is_wie"), ("invitation_consent", "uitnodigingen")):
        if cleaned[key] and not getattr(contact, consent):
            setattr(contact, consent, True)
            setattr(contact, f"{consent}_at", now)
    contact.full_clean()
    contact.save()
    organisation = cleaned["organisatie"]
    if (
        organisation is not None
        and not Affiliation.objects.current().filter(contact=contact, organisation=organisation).exists()
    ):
        Affiliation.objects.create(contact=contact, organisation=organisation)
    return contact
