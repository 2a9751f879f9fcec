"""Figures without people: counts per municipality and status (or outcome), with small cells hidden.

A count under 5 shows as "<5". So that a hidden cell cannot be worked out from a row or column total, each
row and column with a hidden cell gets a second hidden cell (the smallest visible one): secondary
suppression, as statistics offices do. Totals under 5 are hidden too."""

from collections import defaultdict

from django.db.models import Count

from .models import Referral

THRESHOLD = 5
HIDDEN = "<5"


def suppress(matrix: dict[str, dict[str, int]], columns: list[str]) -> dict[str, dict[str, int | str]]:
    rows = list(matrix)
    hidden = {(r, c) for r in rows for c in columns if 0 < matrix[r].get(c, 0) < THRESHOLD}

    def _second(cells):
        candidates = [cell for cell in cells if cell not in hidden and matrix[cell[0]].get(cell[1], 0) > 0]
        return min(candidates, key=lambda cell: matrix[cell[0]].get(cell[1], 0), default=None)

    changed = True
    while changed:
        changed = False
        for line in [[(r, c) for c in columns] for r in rows] + [[(r, c) for r in rows] for c in columns]:
            if sum(1 for cell in line if cell in hidden) == 1:
                extra = _second(line)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
    shown: dict[str, dict[str, int | str]] = {}
    for r in rows:
        shown[r] = {c: (HIDDEN if (r, c) in hidden else matrix[r].get(c, 0)) for c in columns}
        total = sum(matrix[r].get(c, 0) for c in columns)
        shown[r]["total"] = HIDDEN if 0 < total < THRESHOLD else total
    return shown


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
