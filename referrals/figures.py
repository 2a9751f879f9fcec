"""Figures without people: counts per municipality and status (or outcome), and the vulnerable locations per
year that monitoring shows as module 5, with small cells hidden.

A count of 1 to 4 shows as "<5" (primary suppression); a count hidden only so that a small count elsewhere
cannot be worked out shows as "x" (secondary), never as "<5", which would state a range it does not have. Every
figure the secretariat can read side by side is
protected in one computation (`protected_figures`): the register's status and outcome tables (all time) and
monitoring's location table of every year, tied together by what the register guarantees (a referral is made
only for a location that was not referred yet and marks it referred, so a municipality's referrals are the
referred locations of all years; the outcome table is a breakdown of the closed column). So a cell hidden in one
table can never be worked out from another, and every screen and download reads its numbers from here.

`protect` is the algorithm over any set of additive lines (cells that add up to the line's last cell, its
total): a line with one hidden cell gets a second one (a body cell before a total, the smallest count, never a
zero); lines are checked from a worklist. Then an exact check: Gaussian elimination over the hidden cells of all
lines, a further cell hidden until no hidden count can be solved for. Then what the marks tell a reader ("<5" is
1 to 4, "x" is 5 or more: two "<5" beside a total of 8 are 4 and 4): every hidden count needs a proof that it
can have another value, a move of one up or down through hidden cells that keeps every line's sum and every
cell within its mark (`_Moves`); without one, the fewest visible counts that give it a move are hidden. A total
is hidden only that way, when it would give a count away. A small count that only the marks pin (three "<5"
that make up a "<5") shows as "x", which says nothing of its size."""

import datetime
import hashlib
import math
import threading
from collections import OrderedDict, defaultdict, deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from stakeholders.models import Municipality
from stakeholders.selectors import counts_for, existed_on, view_day

from .models import FigureSnapshot, Referral, VulnerableLocation
from .permissions import user_can_see_referral_counts

THRESHOLD = 5
SMALL = "<5"  # a count of 1 to 4 (primary suppression)
PROTECTED = "x"  # hidden so that a small count elsewhere cannot be worked out (secondary); never 1 to 4
MARKS = (SMALL, PROTECTED)
TOTAL = "total"
ALL = "all"  # the key of a totals row

STATUSES = list(Referral.Status.values)
OUTCOMES = list(Referral.Outcome.values)
LOCATION_STATES = list(VulnerableLocation.State.values)
# The location columns of module 5's figures, (state, label): what monitoring needs of the register's model.
LOCATION_STATE_CHOICES = list(VulnerableLocation.State.choices)

Cell = Hashable


# --- The algorithm ------------------------------------------------------------------------------------------


def protect(
    values: dict[Cell, int],
    lines: list[list[Cell]],
    *,
    unpublished: Iterable[Cell] = (),
    threshold: int = THRESHOLD,
) -> set[Cell]:
    """The cells to hide. `lines`: each a list of cells whose counts add up to its last cell. `unpublished`:
    cells in `values` that no table shows (a sum that only links lines); they count as hidden and are never
    returned (a `Hidden` set: its `demoted` small counts show as "x"). Zeros are never hidden."""
    unpublished = set(unpublished)
    hidden = {cell for cell, value in values.items() if 0 < value < threshold} | unpublished
    totals = {line[-1] for line in lines}
    lines_of: dict[Cell, list[int]] = defaultdict(list)
    for number, line in enumerate(lines):
        for cell in line:
            lines_of[cell].append(number)
    moves = _Moves(values, lines, lines_of, hidden, unpublished, threshold)

    def rank(cell):  # the partner to hide: a count rather than a zero, a body cell before a total, the smallest
        return (values[cell] <= 0, cell in totals, values[cell])

    def partner(line) -> Cell | None:
        # Never a zero: a reader who finds nothing else hidden in its lines could still pin it at 0.
        visible = [cell for cell in line if cell not in hidden and values[cell] > 0]
        return min(visible, key=rank) if visible else None

    def exposed(line) -> bool:
        cells = [cell for cell in line if cell in hidden]
        return len(cells) == 1 and cells[0] not in unpublished

    pending = deque(range(len(lines)))
    queued = set(pending)

    def hide(cell) -> None:
        hidden.add(cell)
        for number in lines_of[cell]:
            if number not in queued:
                queued.add(number)
                pending.append(number)

    exact_done = False
    while True:
        while pending:
            number = pending.popleft()
            queued.discard(number)
            if exposed(lines[number]) and (cell := partner(lines[number])) is not None:
                hide(cell)
        target = None
        if not exact_done:
            pinned = solvable(lines, hidden)
            target = next((c for c in values if c in pinned and values[c] and c not in unpublished), None)
            # Hiding more never pins a cell that was free; a newly hidden one that is pinned has no move either,
            # so from here the moves' check below (stronger, and cheaper per round) finds what is left.
            exact_done = target is None
        if target is None:
            # No count follows from the lines alone; now with what a reader knows of every hidden cell: "<5" is 1
            # to 4, a cell hidden for protection is 5 or more. A cell is safe once another value is possible.
            target = moves.uncertain(rank)
            if target is None:
                return Hidden(hidden - unpublished, moves.demoted)
            if extra := moves.partners_for(target, rank):
                for cell in extra:
                    hide(cell)
                continue
        cell = _nearest_partner(target, lines, lines_of, hidden, partner, rank)
        if cell is not None:
            hide(cell)
        elif small := _nearest_small(target, lines, lines_of, hidden, moves.demoted, values, threshold, totals):
            # Only the marks pin it: small counts that must each be 1 to 4 beside a small total that holds
            # them (three "<5" that make up a "<5" are 1 or more each and at most 4 together). Then the
            # nearest small count (a total first) shows as hidden ("x"), which says nothing of its size.
            moves.demoted.add(small)
        else:  # nothing left to hide; never loop
            return Hidden(hidden - unpublished, moves.demoted)


_KEPT_PROOFS: "OrderedDict[str, Hidden]" = OrderedDict()
_KEPT_PROOFS_SIZE = 32
_kept_proofs_lock = threading.Lock()


def protect_kept(
    values: dict[Cell, int],
    lines: list[list[Cell]],
    *,
    unpublished: Iterable[Cell] = (),
    threshold: int = THRESHOLD,
) -> set[Cell]:
    """`protect`, remembered per process by its input: the proof search costs up to a second on dense data and
    every dashboard view asks again while the counts rarely change. Keyed on a digest of the counts, the lines
    (in order, as `protect` reads them) and the threshold, so a changed count is a new key: nothing to
    invalidate and never a stale answer. Counts only, never who asked; kept in this process, never shared."""
    unpublished = list(unpublished)
    digest = hashlib.sha256(repr((list(values.items()), lines, unpublished, threshold)).encode()).hexdigest()
    with _kept_proofs_lock:
        kept = _KEPT_PROOFS.get(digest)
        if kept is not None:
            _KEPT_PROOFS.move_to_end(digest)
    if kept is None:
        kept = protect(values, lines, unpublished=unpublished, threshold=threshold)
        with _kept_proofs_lock:
            _KEPT_PROOFS[digest] = kept
            while len(_KEPT_PROOFS) > _KEPT_PROOFS_SIZE:
                _KEPT_PROOFS.popitem(last=False)
    # A copy: a caller that adds to its set never changes what the next caller is given.
    return Hidden(set(kept), set(kept.demoted))


class Hidden(set):
    """The cells to hide; `demoted`: the counts of 1 to 4 among them that show as "x" instead of "<5"."""

    def __init__(self, cells=(), demoted=()):
        super().__init__(cells)
        self.demoted = set(demoted)


class _Moves:
    """Proof that a hidden cell has another possible value: a change of one up or down to it and to other hidden
    cells that keeps every line's sum and every cell within what the reader knows of it (a move). A move proves
    all the cells it changes; more hidden cells only allow more, so a proof stays valid. The search is bounded:
    a cell without a proof found is treated as pinned and gets a partner, which never makes it less safe."""

    BUDGET = 2000  # search steps per cell and depth
    DEPTHS = (4, 6, 8, 12, 16, 24)

    def __init__(self, values, lines, lines_of, hidden, unpublished, threshold):
        self.values, self.hidden, self.unpublished, self.threshold = values, hidden, unpublished, threshold
        self.terms = [[(cell, -1 if i == len(line) - 1 else 1) for i, cell in enumerate(line)] for line in lines]
        self.terms_of = {
            cell: [(number, -1 if lines[number][-1] == cell else 1) for number in numbers]
            for cell, numbers in lines_of.items()
        }
        self.proven: set[Cell] = set()
        self.demoted: set[Cell] = set()
        self.reach = max((len(terms) for terms in self.terms_of.values()), default=1)

    def bounds(self, cell) -> tuple[int, float]:
        value = self.values[cell]
        if cell in self.unpublished or value <= 0:
            return 0, math.inf  # a sum no table shows
        if cell in self.demoted:
            # A small count shown as "x": at least 1, because zeros are always shown (a reader knows that).
            return 1, math.inf
        if 0 < value < self.threshold:
            return 1, self.threshold - 1
        # A count hidden to protect another is 5 or more: a reader who knows that has no other value from us.
        return self.threshold, math.inf

    def _can_hide(self, cell, step: int) -> bool:
        """Whether a visible count, once hidden, may change by `step`: it stays 5 or more (zeros stay shown)."""
        value = self.values[cell]
        return value > 0 and value + step >= self.threshold

    def _can(self, cell, step: int) -> bool:
        low, high = self.bounds(cell)
        return low <= self.values[cell] + step <= high

    def uncertain(self, rank) -> Cell | None:
        """The first hidden count (by rank, smallest first) without a proof, after looking for proofs."""
        for cell in sorted(self.hidden - self.unpublished - self.proven, key=lambda cell: (rank(cell), repr(cell))):
            if cell in self.proven or self.values[cell] <= 0:
                continue
            found = self.search(cell, allowed=0)
            if found is None:
                return cell
            self.proven.update(c for c in found if c in self.hidden)
        return None

    def partners_for(self, target, rank) -> list[Cell]:
        """The fewest visible cells (one, else two) that, hidden, give `target` a move: a partner where it helps."""
        for allowed in (1, 2):
            found = self.search(target, allowed=allowed, rank=rank)
            if found is not None:
                return [cell for cell in found if cell not in self.hidden]
        return []

    def search(self, start, *, allowed: int, rank=None) -> dict | None:
        """A move through `start` (cells -> +1 or -1), using at most `allowed` visible counts, or None."""
        change: dict[Cell, int] = {}
        imbalance: dict[int, int] = {}
        steps = [0]
        used = [0]

        def apply(cell, step, sign) -> None:
            if sign > 0:
                change[cell] = step
            else:
                del change[cell]
            for number, coefficient in self.terms_of[cell]:
                value = imbalance.get(number, 0) + sign * coefficient * step
                if value:
                    imbalance[number] = value
                else:
                    imbalance.pop(number, None)

        def options(number):
            need = -imbalance[number]
            found = []
            for cell, coefficient in self.terms[number]:
                if cell in change:
                    continue
                step = coefficient if need > 0 else -coefficient
                if cell in self.hidden:
                    if self._can(cell, step):
                        # Closing first: a change that also evens out another open line of the cell.
                        closes = sum(
                            1 for n, c in self.terms_of[cell] if n != number and imbalance.get(n, 0) * c * step < 0
                        )
                        found.append(((0, -closes, 0), cell, step))
                elif used[0] < allowed and self._can_hide(cell, step):
                    found.append(((1, 0, rank(cell) if rank else 0), cell, step))
            found.sort(key=lambda option: option[0])  # stable: ties keep the lines' own order
            return found

        def walk(depth: int) -> bool:
            if not imbalance:
                return True
            # One more change evens out at most `reach` lines by one each: prune what cannot close in time.
            if sum(abs(value) for value in imbalance.values()) > (depth - len(change)) * self.reach:
                return False
            steps[0] += 1
            if steps[0] > self.BUDGET:
                return False
            best = None  # the open line with the fewest ways to even it out; none at all ends this branch
            for number in imbalance:
                found = options(number)
                if best is None or len(found) < len(best):
                    best = found
                    if len(found) <= 1:
                        break
            for _key, cell, step in best:
                visible = cell not in self.hidden
                used[0] += visible
                apply(cell, step, 1)
                if walk(depth):
                    return True
                apply(cell, step, -1)
                used[0] -= visible
                if steps[0] > self.BUDGET:
                    return False
            return False

        # Short moves first (four cells close a rectangle of a table): iterative deepening on the cells changed.
        for depth in self.DEPTHS:
            steps[0] = 0
            for step in (1, -1):
                if self._can(start, step):
                    apply(start, step, 1)
                    if walk(depth):
                        return dict(change)
                    apply(start, step, -1)
        return None


def _nearest_small(target, lines, lines_of, hidden, demoted, values, threshold, totals) -> Cell | None:
    """The small count still shown as "<5" nearest to `target` (itself first, a total before a body cell)."""
    seen_lines: set[int] = set()
    seen_cells = {target}
    frontier = [target]
    while frontier:
        found = [c for c in frontier if c not in demoted and 0 < values[c] < threshold]
        if found:
            return min(found, key=lambda cell: (cell not in totals, repr(cell)))
        reached = []
        for cell in frontier:
            for number in lines_of[cell]:
                if number in seen_lines:
                    continue
                seen_lines.add(number)
                for other in lines[number]:
                    if other in hidden and other not in seen_cells:
                        seen_cells.add(other)
                        reached.append(other)
        frontier = reached
    return None


def _nearest_partner(target, lines, lines_of, hidden, partner, rank) -> Cell | None:
    """The best partner in the lines of `target`, else in the lines of the hidden cells it shares lines with."""
    seen_lines: set[int] = set()
    seen_cells = {target}
    frontier = [target]
    while frontier:
        candidates, reached = [], []
        for cell in frontier:
            for number in lines_of[cell]:
                if number in seen_lines:
                    continue
                seen_lines.add(number)
                if (found := partner(lines[number])) is not None:
                    candidates.append(found)
                for other in lines[number]:
                    if other in hidden and other not in seen_cells:
                        seen_cells.add(other)
                        reached.append(other)
        if candidates:
            return min(candidates, key=rank)
        frontier = reached
    return None


def solvable(lines: list[list[Cell]], hidden: set[Cell]) -> set[Cell]:
    """The hidden cells whose count follows exactly from the visible ones: reduced row echelon form of the lines
    restricted to the hidden cells (the visible counts only move the right-hand side). A hidden cell is pinned
    when its row holds no free cell. Integer rows kept small by their gcd: exact, and faster than fractions."""
    pivots: dict[Cell, dict[Cell, int]] = {}
    holders: dict[Cell, set[Cell]] = defaultdict(set)  # free cell -> pivots whose row holds it
    for line in lines:
        row: dict[Cell, int] = {}
        last = len(line) - 1
        for position, cell in enumerate(line):
            if cell in hidden:
                row[cell] = row.get(cell, 0) + (-1 if position == last else 1)
        for cell in [cell for cell in row if cell in pivots]:
            row = _eliminate(row, pivots[cell], cell)
        row = _reduced({cell: c for cell, c in row.items() if c})
        if not row:
            continue
        pivot = next(iter(row))
        for holder in holders.pop(pivot, set()):
            before = pivots[holder]
            after = _reduced(_eliminate(before, row, pivot))
            for other in before.keys() - after.keys():
                holders[other].discard(holder)
            for other in after.keys() - before.keys():
                holders[other].add(holder)
            pivots[holder] = after
        pivots[pivot] = row
        for other in row:
            if other != pivot:
                holders[other].add(pivot)
    return {cell for cell, row in pivots.items() if len(row) == 1}


def _eliminate(row: dict, by: dict, cell) -> dict:
    """`row` times by[cell] minus `by` times row[cell]: `cell` drops out."""
    a, b = by[cell], row[cell]
    result = {other: c * a for other, c in row.items() if other != cell}
    for other, c in by.items():
        if other != cell:
            value = result.get(other, 0) - c * b
            if value:
                result[other] = value
            else:
                result.pop(other, None)
    return result


def _reduced(row: dict) -> dict:
    divisor = math.gcd(*row.values()) if row else 1
    return row if divisor == 1 else {cell: c // divisor for cell, c in row.items()}


# --- One table on its own -----------------------------------------------------------------------------------


def table_cells(rows: list, columns: list, prefix: tuple = ()) -> tuple[list[list[Cell]], list[tuple]]:
    """The lines of a table with a total per row and a totals row (`ALL`), its cells prefixed by `prefix`:
    (lines, every cell)."""
    all_rows = [*rows, ALL]
    all_columns = [*columns, TOTAL]
    lines = [[(*prefix, r, c) for c in all_columns] for r in all_rows]
    lines += [[(*prefix, r, c) for r in all_rows] for c in all_columns]
    return lines, [(*prefix, r, c) for r in all_rows for c in all_columns]


def add_totals(values: dict, matrix: dict, rows: list, columns: list, prefix: tuple = ()) -> None:
    """Fill `values` with a table's counts, its row totals and its totals row."""
    for r in rows:
        for c in columns:
            values[(*prefix, r, c)] = matrix.get(r, {}).get(c, 0)
        values[(*prefix, r, TOTAL)] = sum(values[(*prefix, r, c)] for c in columns)
    for c in [*columns, TOTAL]:
        values[(*prefix, ALL, c)] = sum(values[(*prefix, r, c)] for r in rows)


def mark(cell: Cell, values: dict, hidden: set, threshold: int = THRESHOLD) -> int | str:
    """How a cell reads: its count, "<5" for a count of 1 to 4, "x" for a count hidden to protect another."""
    if cell not in hidden:
        return values[cell]
    small = 0 < values[cell] < threshold and cell not in getattr(hidden, "demoted", ())
    return SMALL if small else PROTECTED


def footnotes(cells: Iterable, totals: Iterable = ()) -> list[str]:
    """What the marks in a table mean, in plain Dutch, for the marks it holds (`totals`: its total cells)."""
    cells, totals = list(cells), list(totals)
    notes = []
    if SMALL in cells or SMALL in totals:
        notes.append(_("%(small)s: een klein aantal, 1 tot en met 4.") % {"small": SMALL})
    if PROTECTED in cells or PROTECTED in totals:
        notes.append(
            _(
                "%(mark)s: verborgen ter bescherming, zodat een klein aantal niet uit de andere getallen te "
                "herleiden is."
            )
            % {"mark": PROTECTED}
        )
    if PROTECTED in totals:
        notes.append(_("Een totaal is alleen verborgen als het anders een klein aantal zou verraden."))
    return notes


def mark_html(value) -> SafeString | None:
    """A mark for the screen: the sign for the eye, its meaning in words for a screen reader; None for a count."""
    if value == SMALL:
        meaning = _("een klein aantal, 1 tot en met 4")
    elif value == PROTECTED:
        meaning = _("verborgen ter bescherming")
    else:
        return None
    # A symbol with a name (role img) is read by its name; its text stays the mark, for copying and parsing.
    return format_html(
        '<span class="figure-mark" role="img" aria-label="{}" title="{}">{}</span>', meaning, meaning, value
    )


def suppress_table(
    matrix: dict[str, dict[str, int]], columns: list[str]
) -> tuple[dict[str, dict[str, int | str]], dict[str, int | str]]:
    """One table protected on its own: (rows with their "total", the totals row), hidden cells marked."""
    rows = list(matrix)
    values: dict = {}
    add_totals(values, matrix, rows, columns)
    lines, _cells = table_cells(rows, columns)
    hidden = protect(values, lines)

    def shown(cell):
        return mark(cell, values, hidden)

    table = {r: {c: shown((r, c)) for c in [*columns, TOTAL]} for r in rows}
    return table, {c: shown((ALL, c)) for c in [*columns, TOTAL]}


def suppress(matrix: dict[str, dict[str, int]], columns: list[str]) -> dict[str, dict[str, int | str]]:
    """The rows only (pages that show no totals row still protect as if they did)."""
    return suppress_table(matrix, columns)[0]


# --- Everything side by side --------------------------------------------------------------------------------


@dataclass
class ProtectedTable:
    """Rows keyed by municipality id, each {column: count or a mark, "total": ...}, and the totals row."""

    rows: dict[int, dict[str, int | str]]
    totals: dict[str, int | str]


@dataclass
class ProtectedFigures:
    """The register's tables (rows: municipalities as they are today, a merged one under its successor) and the
    location tables per year (rows: the municipalities of that year), all from one protection."""

    status: ProtectedTable
    outcome: ProtectedTable
    locations: dict[int, ProtectedTable]
    municipalities: dict[int, Municipality]

    def locations_in(self, year: int, row_ids: list[int]) -> ProtectedTable:
        """A year's table; a year without locations is all zeros (nothing to protect)."""
        if year in self.locations:
            return self.locations[year]
        zeros = {c: 0 for c in [*LOCATION_STATES, TOTAL]}
        return ProtectedTable({pk: dict(zeros) for pk in row_ids}, dict(zeros))


def _register_rows(municipalities: list[Municipality], today: datetime.date) -> dict[int, int]:
    """Municipality id -> its row in the register's figures: itself, or the municipality it merged into."""
    current = counts_for(municipalities, today)
    return {m.pk: current.get(m.pk, m.pk) for m in municipalities}


class _Groups:
    """Register rows whose referrals sit in the same location cells (union-find); one group per row normally."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, pk: int) -> int:
        self.parent.setdefault(pk, pk)
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def protected_figures(*, municipalities: list[Municipality] | None = None) -> ProtectedFigures:
    """Three queries (two when `municipalities`, every municipality, is passed in) whatever the data."""
    if municipalities is None:
        municipalities = list(Municipality.objects.all())
    register_row = _register_rows(municipalities, timezone.localdate())
    closed, referred = Referral.Status.CLOSED, VulnerableLocation.State.REFERRED

    status: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outcome: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in Referral.objects.values("municipality_id", "status", "outcome").annotate(n=Count("pk")).order_by():
        row = register_row.get(entry["municipality_id"], entry["municipality_id"])
        status[row][entry["status"]] += entry["n"]
        if entry["status"] == closed and entry["outcome"] in OUTCOMES:
            outcome[row][entry["outcome"]] += entry["n"]

    year_rows: dict[int, list[int]] = {}  # the municipalities that existed in each year with locations
    year_row_for: dict[int, dict[int, int]] = {}
    located: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    groups = _Groups()
    counts = (
        VulnerableLocation.objects.annotate(year=ExtractYear("created_at"))
        .values("year", "municipality_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for entry in counts:
        year, municipality_id = entry["year"], entry["municipality_id"]
        if year not in year_rows:
            day = view_day(year)
            year_rows[year] = [m.pk for m in municipalities if existed_on(m, day)]
            year_row_for[year] = counts_for(municipalities, day)
        row = year_row_for[year].get(municipality_id)
        if row is None:  # a municipality that did not exist that year, nor a successor: not shown
            continue
        located[year][row][entry["state"]] += entry["n"]
        if entry["state"] == referred:
            # These referrals count in the register under their own municipality's row, here under `row`'s.
            groups.union(register_row.get(municipality_id, municipality_id), register_row.get(row, row))

    register_ids = sorted(set(register_row.values()) | set(status))
    values: dict[Cell, int] = {}
    lines: list[list[Cell]] = []
    add_totals(values, status, register_ids, STATUSES, ("status",))
    lines += table_cells(register_ids, STATUSES, ("status",))[0]
    add_totals(values, outcome, register_ids, OUTCOMES, ("outcome",))
    # The outcome table's total column is the status table's closed column: one cell, hidden in both or neither.
    for r in [*register_ids, ALL]:
        del values[("outcome", r, TOTAL)]
        lines.append([*(("outcome", r, o) for o in OUTCOMES), ("status", r, closed)])
    for o in OUTCOMES:
        lines.append([*(("outcome", r, o) for r in register_ids), ("outcome", ALL, o)])
    for year, rows in sorted(year_rows.items()):
        add_totals(values, located[year], rows, LOCATION_STATES, ("locations", year))
        lines += table_cells(rows, LOCATION_STATES, ("locations", year))[0]

    # A referral is one referred location: the referrals of a register row are the referred locations of all
    # years in the rows that count for it. (Rows that share locations through odd mergers are added up first,
    # in a cell that no table shows.) A link the data does not satisfy (a location set back by hand before
    # location_state_set refused it) is left out: a reader who relies on it computes a wrong number.
    members: dict[int, list[int]] = defaultdict(list)
    for r in register_ids:
        members[groups.find(r)].append(r)
    referred_cells: dict[int, list[Cell]] = defaultdict(list)
    for year, rows in sorted(year_rows.items()):
        for r in rows:
            referred_cells[groups.find(register_row.get(r, r))].append(("locations", year, r, referred))
    unpublished = []

    def link(parts: list[Cell], total: Cell) -> None:
        if sum(values[cell] for cell in parts) == values[total]:
            lines.append([*parts, total])

    for group, rows in members.items():
        if not referred_cells[group]:
            continue  # no year shows these referrals' locations
        if len(rows) == 1:
            link(referred_cells[group], ("status", rows[0], TOTAL))
        else:
            joined = ("link", group)
            values[joined] = sum(values[("status", r, TOTAL)] for r in rows)
            unpublished.append(joined)
            lines.append([*(("status", r, TOTAL) for r in rows), joined])
            link(referred_cells[group], joined)
    link([("locations", year, ALL, referred) for year in sorted(year_rows)], ("status", ALL, TOTAL))

    hidden = protect_kept(values, lines, unpublished=unpublished)

    def table(prefix: tuple, rows: list, columns: list) -> ProtectedTable:
        def shown(r, c):
            cell = ("status", r, closed) if prefix == ("outcome",) and c == TOTAL else (*prefix, r, c)
            return mark(cell, values, hidden)

        every = [*columns, TOTAL]
        return ProtectedTable({r: {c: shown(r, c) for c in every} for r in rows}, {c: shown(ALL, c) for c in every})

    return ProtectedFigures(
        status=table(("status",), register_ids, STATUSES),
        outcome=table(("outcome",), register_ids, OUTCOMES),
        locations={year: table(("locations", year), rows, LOCATION_STATES) for year, rows in year_rows.items()},
        municipalities={m.pk: m for m in municipalities},
    )


# --- The register's figures page ----------------------------------------------------------------------------


def paid_first_conversations(*, year: int) -> list[dict]:
    """Per coach, for NHSV's payments: numbers only, no owner. Exact by design (each is paid); no municipality."""
    rows = (
        Referral.objects.filter(first_conversation_paid=True, first_conversation_on__year=year)
        .values("coach__first_name", "coach__last_name", "coach__email")
        .annotate(n=Count("pk"))
        .order_by("coach__last_name")
    )
    return [
        {"coach": f"{r['coach__first_name']} {r['coach__last_name']}".strip() or r["coach__email"], "count": r["n"]}
        for r in rows
    ]


def _rows(table: ProtectedTable, columns: list[str], municipalities: dict[int, Municipality]) -> list:
    """Municipalities with something to count (a zero total reads as no row), by name."""
    rows = [
        [municipalities[pk].name, [row[c] for c in columns], row[TOTAL]]
        for pk, row in table.rows.items()
        if row[TOTAL] != 0
    ]
    return sorted(rows, key=lambda row: row[0])


def table_footnotes(table: dict) -> list[str]:
    """The footnotes of a figures page table ({"rows": [[name, cells, total], ...]}, also a stored snapshot)."""
    rows = table.get("rows", [])
    return footnotes([cell for _name, cells, _total in rows for cell in cells], [total for *_r, total in rows])


def figure_tables() -> dict:
    """Everything the figures page shows, protected together with monitoring's module 5 counts, in a form that can
    be stored as a snapshot."""
    figures = protected_figures()
    return {
        "status": {
            "columns": [str(Referral.Status(c).label) for c in STATUSES],
            "rows": _rows(figures.status, STATUSES, figures.municipalities),
        },
        "outcome": {
            "columns": [str(Referral.Outcome(c).label) for c in OUTCOMES],
            "rows": _rows(figures.outcome, OUTCOMES, figures.municipalities),
        },
    }


def snapshot_publish(*, user, label: str):
    from django.core.exceptions import PermissionDenied, ValidationError

    if not user_can_see_referral_counts(user):
        raise PermissionDenied
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise ValidationError(_("Geef de publicatie een korte omschrijving, bijvoorbeeld 'Stuurgroep 2026'."))
    return FigureSnapshot.objects.create(published_by_id=user.pk, label=label, tables=figure_tables())
