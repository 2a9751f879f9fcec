"""Reading progress: the matrix per view year (mergers respected), a municipality's page and timeline.

A fixed number of queries whatever the number of municipalities (the dashboard bench asserts it)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from stakeholders.models import District, Module, Municipality
from stakeholders.selectors import view_day  # reference data: who existed in a view year

from .models import Participation, ParticipationChange
from .permissions import municipality_ids_user_can_edit
from .services import PROGRAMME_START

Status = Participation.Status
# From least to most advanced: a successor without its own row shows the furthest of its predecessors.
PROGRESS_ORDER = [Status.NOT_APPLICABLE, Status.NOT_STARTED, Status.IN_TALKS, Status.STARTED, Status.DONE]


@dataclass
class Cell:
    module: Module
    status: str
    label: str
    participation: Participation | None = None
    inherited: bool = False  # shown from the municipalities it merged from


@dataclass
class Row:
    municipality: Municipality
    cells: list[Cell]
    predecessors: list[Municipality] = field(default_factory=list)


@dataclass
class DistrictBlock:
    district: District
    rows: list[Row]


def view_years() -> list[int]:
    return list(range(PROGRAMME_START.year, timezone.localdate().year + 1))


def _cell(module, own: Participation | None, carried: list[Participation]) -> Cell:
    if own is not None or not carried:
        status = own.status if own else Status.NOT_STARTED
        return Cell(module, status, Status(status).label, own)
    furthest = max(carried, key=lambda p: PROGRESS_ORDER.index(p.status))
    return Cell(module, furthest.status, Status(furthest.status).label, furthest, inherited=True)


def progress_matrix(*, year: int, district_code: str | None = None) -> tuple[list[Module], list[DistrictBlock]]:
    modules = list(Module.objects.order_by("number"))
    municipalities = (
        Municipality.objects.valid_on(view_day(year))
        .select_related("district")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.all()),
            Prefetch(
                "predecessors",
                queryset=Municipality.objects.prefetch_related(
                    Prefetch("participations", queryset=Participation.objects.all())
                ),
            ),
        )
        .order_by("district__name", "name")
    )
    if district_code:
        municipalities = municipalities.filter(district__code=district_code)
    blocks: dict[int, DistrictBlock] = {}
    for municipality in municipalities:
        own = {p.module_id: p for p in municipality.participations.all()}
        predecessors = list(municipality.predecessors.all())
        cells = [
            _cell(
                module,
                own.get(module.pk),
                [p for pred in predecessors for p in pred.participations.all() if p.module_id == module.pk],
            )
            for module in modules
        ]
        block = blocks.setdefault(municipality.district_id, DistrictBlock(municipality.district, []))
        block.rows.append(Row(municipality, cells, predecessors))
    return modules, list(blocks.values())


def status_totals(blocks: list[DistrictBlock], modules: list[Module]) -> list[dict]:
    """Per module: how many municipalities are at each status (the line under the matrix)."""
    totals = []
    for index, module in enumerate(modules):
        counts = {status: 0 for status in Status.values}
        for block in blocks:
            for row in block.rows:
                counts[row.cells[index].status] += 1
        totals.append({"module": module, "counts": [(Status(s).label, n) for s, n in counts.items()]})
    return totals


def municipality_progress(municipality: Municipality):
    """Cells for today, and the timeline of its own changes and those of the municipalities it merged from."""
    modules = list(Module.objects.order_by("number"))
    family = [municipality, *municipality.predecessors.all()]
    participations = Participation.objects.filter(municipality__in=family).select_related(
        "responsible_aov__contact", "municipality"
    )
    own = {p.module_id: p for p in participations if p.municipality_id == municipality.pk}
    carried = [p for p in participations if p.municipality_id != municipality.pk]
    cells = [_cell(m, own.get(m.pk), [p for p in carried if p.module_id == m.pk]) for m in modules]
    timeline = (
        ParticipationChange.objects.filter(participation__municipality__in=family)
        .select_related("participation__module", "participation__municipality", "changed_by")
        .order_by("-changed_at", "-pk")[:200]
    )
    return cells, timeline


def own_municipality_progress(*, user) -> list[tuple[Municipality, list[Cell]]]:
    """The AOV's own current municipalities with today's cell per module (the start page): the municipalities
    they may edit, never all (the secretariat's None is not listed here)."""
    municipality_ids = municipality_ids_user_can_edit(user)
    if not municipality_ids:
        return []
    municipalities = Municipality.objects.current().filter(pk__in=municipality_ids).order_by("name")
    return [(municipality, municipality_progress(municipality)[0]) for municipality in municipalities]
