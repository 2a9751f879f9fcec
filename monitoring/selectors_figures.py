"""Reading the figures per module for one view year: the dashboard, the municipality page and the Stuurgroep
report all call these functions, so their numbers are the same by construction.

Merged municipalities: figures of a municipality that no longer existed in the view year count for its
successor (an organisation of Beemster at a 2023 meeting counts for Purmerend). Module 5 counts are suppressed
over the whole programme, whatever the filter, so a filtered view cannot be subtracted from an unfiltered one,
and together with every other year and the referral register's own figures (referrals.figures), so no year and
no register total can be subtracted from another either."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from evenings.selectors import first_record_year as evening_first_record_year
from evenings.selectors import module2_counts
from meetings.models import Attendance, DistrictPlatformPage, MeetingPage
from referrals.figures import LOCATION_STATE_CHOICES, protected_figures
from stakeholders.models import Municipality
from stakeholders.selectors import counts_for, existed_on, view_day
from trainings.selectors import first_record_year, module3_counts

from .models import InformationEvening, PoliceFigures, SurveyResult, Training, TrendThreshold

LOCATION_STATES = [state for state, _label in LOCATION_STATE_CHOICES]
HELD_STATUSES = ("held", "draft_minutes", "minutes_adopted")


@dataclass
class Police:
    cannabis_farms: int = 0
    drug_labs: int = 0
    drug_dumpings: int = 0

    def add(self, other) -> None:
        self.cannabis_farms += other.cannabis_farms
        self.drug_labs += other.drug_labs
        self.drug_dumpings += other.drug_dumpings


@dataclass
class Survey:
    """One survey, or several added up (shares weighted by the number of responses)."""

    addresses_mailed: int = 0
    responses: int = 0
    willing_weighted: Decimal = Decimal(0)
    knows_weighted: Decimal = Decimal(0)
    report_on: object = None
    press_release_on: object = None
    from_portal: bool = False

    def add(self, result: SurveyResult) -> None:
        self.addresses_mailed += result.addresses_mailed
        self.responses += result.responses
        self.willing_weighted += result.willing_to_report_pct * result.responses
        self.knows_weighted += result.knows_signals_pct * result.responses

    @staticmethod
    def _share(part, whole) -> Decimal | None:
        return (Decimal(part) / whole).quantize(Decimal("0.1")) if whole else None

    @property
    def response_rate(self) -> Decimal | None:
        return self._share(Decimal(self.responses) * 100, self.addresses_mailed)

    @property
    def willing_to_report_pct(self) -> Decimal | None:
        return self._share(self.willing_weighted, self.responses)

    @property
    def knows_signals_pct(self) -> Decimal | None:
        return self._share(self.knows_weighted, self.responses)


@dataclass
class Figures:
    """Everything counted for one municipality (or a total) in the view year."""

    survey: Survey | None = None
    police: Police | None = None
    evenings: int = 0
    evening_attendance: int = 0
    materials_handed_out: int = 0
    elearning_participants: int = 0
    certificates: int = 0
    certificates_to_date: int = 0
    training_attendance: int = 0
    meetings_held: int = 0
    meetings_attended: int = 0
    locations: dict | None = None  # state -> count or a mark (referrals.figures), plus "total"; None: not for this user

    def add(self, other: "Figures") -> None:
        if other.survey:
            self.survey = self.survey or Survey()
            self.survey.addresses_mailed += other.survey.addresses_mailed
            self.survey.responses += other.survey.responses
            self.survey.willing_weighted += other.survey.willing_weighted
            self.survey.knows_weighted += other.survey.knows_weighted
        if other.police:
            self.police = self.police or Police()
            self.police.add(other.police)
        for name in (
            "evenings",
            "evening_attendance",
            "materials_handed_out",
            "elearning_participants",
            "certificates",
            "certificates_to_date",
            "training_attendance",
            "meetings_held",
            "meetings_attended",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class FigureRow:
    municipality: Municipality
    figures: Figures


@dataclass
class FigureBlock:
    district: object
    rows: list[FigureRow]
    total: Figures = field(default_factory=Figures)


@dataclass
class FigureTables:
    year: int
    blocks: list[FigureBlock]
    total: Figures
    location_columns: list[tuple[str, str]]
    location_totals: dict | None  # programme-wide, suppressed; None: not for this user


def _location_counts(
    year: int, municipalities: list[Municipality], row_ids: list[int]
) -> tuple[dict[int, dict[str, int | str]], dict[str, int | str]]:
    """The year's module 5 table as the joint protection shows it, with the register's figures and every other
    year, so no hidden count follows from reading them side by side."""
    table = protected_figures(municipalities=municipalities).locations_in(year, row_ids)
    return table.rows, table.totals


def _meeting_attendance(year: int, row_for: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    """Meetings held per district in the year, and per row how many of them the municipality attended."""
    platforms = list(DistrictPlatformPage.objects.values_list("path", "district_id"))
    held_per_district: dict[int, int] = defaultdict(int)
    for path in MeetingPage.objects.filter(live=True, starts_at__year=year, status__in=HELD_STATUSES).values_list(
        "path", flat=True
    ):
        for platform_path, district_id in platforms:
            if path.startswith(platform_path):
                held_per_district[district_id] += 1
    attended: dict[int, set[int]] = defaultdict(set)
    present = (
        Attendance.objects.filter(
            present=True,
            meeting__live=True,
            meeting__starts_at__year=year,
            meeting__status__in=HELD_STATUSES,
            organisation__municipality__isnull=False,
        )
        .values_list("organisation__municipality_id", "meeting_id")
        .distinct()
    )
    for municipality_id, meeting_id in present:
        row = row_for.get(municipality_id)
        if row is not None:
            attended[row].add(meeting_id)
    return held_per_district, {row: len(meetings) for row, meetings in attended.items()}


def figure_tables(*, year: int, district_code: str | None = None, locations_for=frozenset()) -> FigureTables:
    """locations_for: the municipality ids whose module 5 counts the user may see (None: all of them)."""
    day = view_day(year)
    everyone = list(Municipality.objects.select_related("district").order_by("district__name", "name"))
    in_year = [m for m in everyone if existed_on(m, day)]
    row_for = counts_for(everyone, day)
    figures = {m.pk: Figures() for m in in_year}

    for result in SurveyResult.objects.filter(year=year):
        row = row_for.get(result.municipality_id)
        if row is not None:
            survey = figures[row].survey = figures[row].survey or Survey()
            survey.add(result)
            survey.report_on, survey.press_release_on = result.report_on, result.press_release_on
            survey.from_portal = result.source == SurveyResult.Source.PORTAL
    for police in PoliceFigures.objects.filter(year=year):
        row = row_for.get(police.municipality_id)
        if row is not None:
            figures[row].police = figures[row].police or Police()
            figures[row].police.add(police)
    # Module 2: from the first year the portal holds information evenings, the figures come from them; the
    # figures entered by hand count for the years before.
    first_evening_year = evening_first_record_year()
    evenings = (
        InformationEvening.objects.filter(held_on__year=year)
        .filter(held_on__year__lt=first_evening_year or year + 1)
        .values("municipality_id")
        .annotate(n=Count("pk"), people=Sum("attendance"), materials=Sum("materials_handed_out"))
        .order_by()
    )
    for entry in evenings:
        row = row_for.get(entry["municipality_id"])
        if row is not None:
            figures[row].evenings += entry["n"]
            figures[row].evening_attendance += entry["people"] or 0
            figures[row].materials_handed_out += entry["materials"] or 0
    if first_evening_year is not None and year >= first_evening_year:
        for municipality_id, recorded in module2_counts(year=year).items():
            row = row_for.get(municipality_id)
            if row is not None:
                figures[row].evenings += recorded.evenings
                figures[row].evening_attendance += recorded.attendance
                figures[row].materials_handed_out += recorded.materials_handed_out
    # Module 3: from the first year the portal holds training records, the figures come from them; the figures
    # entered by hand count for the years before (their certificates still count towards the total to date).
    first_recorded = first_record_year()
    hand_until = year if first_recorded is None else min(year, first_recorded - 1)
    trainings = (
        Training.objects.filter(held_on__year__lte=hand_until)
        .values("municipality_id")
        .annotate(
            elearning=Sum("participants", filter=Q(kind=Training.Kind.ELEARNING, held_on__year=year)),
            issued=Sum("certificates", filter=Q(held_on__year=year)),
            to_date=Sum("certificates"),
            trained=Sum("participants", filter=Q(kind=Training.Kind.TRAINING, held_on__year=year)),
        )
        .order_by()
    )
    for entry in trainings:
        row = row_for.get(entry["municipality_id"])
        if row is not None:
            figures[row].elearning_participants += entry["elearning"] or 0
            figures[row].certificates += entry["issued"] or 0
            figures[row].certificates_to_date += entry["to_date"] or 0
            figures[row].training_attendance += entry["trained"] or 0
    if first_recorded is not None and year >= first_recorded:
        for municipality_id, recorded in module3_counts(year=year).items():
            row = row_for.get(municipality_id)
            if row is not None:
                figures[row].elearning_participants += recorded.elearning_participants
                figures[row].certificates += recorded.certificates
                figures[row].certificates_to_date += recorded.certificates_to_date
                figures[row].training_attendance += recorded.training_attendance
    held, attended = _meeting_attendance(year, row_for)
    for municipality in in_year:
        figures[municipality.pk].meetings_held = held.get(municipality.district_id, 0)
        figures[municipality.pk].meetings_attended = attended.get(municipality.pk, 0)

    location_totals = None
    if locations_for is None or locations_for:
        shown, totals = _location_counts(year, everyone, [m.pk for m in in_year])
        for pk, counts in shown.items():
            if locations_for is None or pk in locations_for:
                figures[pk].locations = counts
        location_totals = totals if locations_for is None else None

    blocks: dict[int, FigureBlock] = {}
    total = Figures()
    for municipality in in_year:
        if district_code and municipality.district.code != district_code:
            continue
        block = blocks.setdefault(municipality.district_id, FigureBlock(municipality.district, []))
        block.rows.append(FigureRow(municipality, figures[municipality.pk]))
        block.total.add(figures[municipality.pk])
        total.add(figures[municipality.pk])
    for block in blocks.values():
        # Meetings are held per district: the district's total is its number of meetings, not a sum.
        block.total.meetings_held = held.get(block.district.pk, 0)
    total.meetings_held = sum(held.get(b.district.pk, 0) for b in blocks.values())
    return FigureTables(
        year=year,
        blocks=list(blocks.values()),
        total=total,
        location_columns=[(state, str(label)) for state, label in LOCATION_STATE_CHOICES],
        location_totals=location_totals,
    )


def trend_threshold() -> TrendThreshold:
    """The secretariat's threshold for a year to count in a trend (defaults until they set one)."""
    return TrendThreshold.current()


@dataclass
class YearSeries:
    years: list[int]
    survey: dict[int, Survey]
    police: dict[int, Police]
    # The n of each year: how many municipalities the year's survey results and police figures come from.
    survey_municipalities: dict[int, int] = field(default_factory=dict)
    police_municipalities: dict[int, int] = field(default_factory=dict)


def year_series(*, municipality_ids: list[int] | None = None, district_code: str | None = None) -> YearSeries:
    """Survey results and police figures per year, for charts: a municipality with its predecessors, a district
    or (both None) the whole programme."""
    surveys = SurveyResult.objects.all()
    police = PoliceFigures.objects.all()
    if municipality_ids is not None:
        surveys, police = (
            surveys.filter(municipality_id__in=municipality_ids),
            police.filter(municipality_id__in=municipality_ids),
        )
    elif district_code:
        surveys = surveys.filter(municipality__district__code=district_code)
        police = police.filter(municipality__district__code=district_code)
    by_year_survey: dict[int, Survey] = defaultdict(Survey)
    surveyed: dict[int, set[int]] = defaultdict(set)
    for result in surveys:
        by_year_survey[result.year].add(result)
        surveyed[result.year].add(result.municipality_id)
    by_year_police: dict[int, Police] = defaultdict(Police)
    police_counts: dict[int, int] = {}
    for row in (
        police.values("year")
        .annotate(
            cannabis_farms=Sum("cannabis_farms"),
            drug_labs=Sum("drug_labs"),
            drug_dumpings=Sum("drug_dumpings"),
            municipalities=Count("municipality_id", distinct=True),
        )
        .order_by()
    ):
        by_year_police[row["year"]] = Police(row["cannabis_farms"], row["drug_labs"], row["drug_dumpings"])
        police_counts[row["year"]] = row["municipalities"]
    years = sorted(set(by_year_survey) | set(by_year_police))
    return YearSeries(
        years=years,
        survey=dict(by_year_survey),
        police=dict(by_year_police),
        survey_municipalities={year: len(ids) for year, ids in surveyed.items()},
        police_municipalities=police_counts,
    )
