"""Figures without people: counts per municipality and status (or outcome), with small cells hidden.

A count under 5 shows as "<5". The table is protected together with its totals (each row's total and a
totals row): every row and column, the totals included, that has a hidden cell gets a second one (the
smallest visible count, possibly a total), so a total minus the visible cells never gives a single count; and
where the hidden cells of a line add up to little (less than 5 for each of them), a further cell is hidden,
so a total cannot pin them (two hidden cells beside a total of 8 could only be 4 and 4). This is the
statistics offices' secondary suppression, applied until nothing changes."""

from collections import defaultdict

from django.db.models import Count

from .models import Referral

THRESHOLD = 5
HIDDEN = "<5"
TOTAL = "total"
ALL_ROWS = object()  # the key of the totals row inside the algorithm


def suppress_table(
    matrix: dict[str, dict[str, int]], columns: list[str]
) -> tuple[dict[str, dict[str, int | str]], dict[str, int | str]]:
    """(rows with their "total", the totals row with its grand "total"), hidden cells as "<5"."""
    rows = list(matrix)
    all_rows = [*rows, ALL_ROWS]
    all_columns = [*columns, TOTAL]
    value: dict[tuple, int] = {}
    for r in rows:
        for c in columns:
            value[(r, c)] = matrix[r].get(c, 0)
        value[(r, TOTAL)] = sum(value[(r, c)] for c in columns)
    for c in all_columns:
        value[(ALL_ROWS, c)] = sum(value[(r, c)] for r in rows)
    hidden = {cell for cell, v in value.items() if 0 < v < THRESHOLD}
    # Each line is its cells plus the total they add up to (the last cell).
    lines = [[(r, c) for c in all_columns] for r in all_rows] + [[(r, c) for r in all_rows] for c in all_columns]

    def exposed(line) -> bool:
        cells = [cell for cell in line if cell in hidden]
        if not cells:
            return False
        if len(cells) == 1:
            return True
        total_hidden = line[-1] in hidden
        return not total_hidden and sum(value[cell] for cell in cells) < THRESHOLD * len(cells)

    changed = True
    while changed:
        changed = False
        for line in lines:
            if exposed(line):
                candidates = [cell for cell in line if cell not in hidden and value[cell] > 0]
                if not candidates:
                    candidates = [cell for cell in line if cell not in hidden]
                if candidates:
                    hidden.add(min(candidates, key=lambda cell: (value[cell], cell[1] == TOTAL)))
                    changed = True

    def shown(cell):
        return HIDDEN if cell in hidden else value[cell]

    table = {r: {c: shown((r, c)) for c in all_columns} for r in rows}
    totals = {c: shown((ALL_ROWS, c)) for c in all_columns}
    return table, totals


def suppress(matrix: dict[str, dict[str, int]], columns: list[str]) -> dict[str, dict[str, int | str]]:
    """The rows only (pages that show no totals row still protect as if they did)."""
    return suppress_table(matrix, columns)[0]


def counts_by_municipality(*, by: str = "status") -> tuple[list[str], dict[str, dict[str, int | str]]]:
    """by: "status" or "outcome". Returns the columns and the suppressed rows keyed by municipality name."""
    choices = Referral.Status if by == "status" else Referral.Outcome
    queryset = Referral.objects.all()
    if by == "outcome":
        queryset = queryset.exclude(outcome="")
    matrix: dict[str, dict[str, int]] = defaultdict(dict)
    for row in queryset.values("municipality__name", by).annotate(n=Count("pk")).order_by():
        matrix[row["municipality__name"]][row[by]] = row["n"]
    columns = list(choices.values)
    return columns, suppress(dict(sorted(matrix.items())), columns)


def paid_first_conversations(*, year: int) -> list[dict]:
    """Per coach, for NHSV's payments: numbers only, no owner."""
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


def figure_tables() -> dict:
    """Everything the figures page shows, suppressed, in a form that can be stored as a snapshot."""
    status_columns, by_status = counts_by_municipality(by="status")
    outcome_columns, by_outcome = counts_by_municipality(by="outcome")
    return {
        "status": {
            "columns": [str(Referral.Status(c).label) for c in status_columns],
            "rows": [[name, [row[c] for c in status_columns], row["total"]] for name, row in by_status.items()],
        },
        "outcome": {
            "columns": [str(Referral.Outcome(c).label) for c in outcome_columns],
            "rows": [[name, [row[c] for c in outcome_columns], row["total"]] for name, row in by_outcome.items()],
        },
    }


def snapshot_publish(*, user, label: str):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from .models import FigureSnapshot
    from .permissions import user_can_see_referral_counts

    if not user_can_see_referral_counts(user):
        raise PermissionDenied
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise ValidationError(_("Geef de publicatie een korte omschrijving, bijvoorbeeld 'Stuurgroep 2026'."))
    return FigureSnapshot.objects.create(published_by_id=user.pk, label=label, tables=figure_tables())
