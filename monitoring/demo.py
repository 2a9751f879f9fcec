"""Demo progress: a plausible stand per municipality and module, with a short history. Idempotent."""

import datetime
import random

from django.db import transaction

from stakeholders.models import Module, Municipality

from .models import Participation, ParticipationChange

Status = Participation.Status
# Per module the chances of each status in the demo (module 4, the platform, runs everywhere).
CHANCES = {
    1: [(Status.DONE, 5), (Status.STARTED, 2), (Status.IN_TALKS, 1), (Status.NOT_STARTED, 1)],
    2: [(Status.DONE, 3), (Status.STARTED, 3), (Status.IN_TALKS, 2), (Status.NOT_STARTED, 2)],
    3: [(Status.DONE, 2), (Status.STARTED, 3), (Status.IN_TALKS, 2), (Status.NOT_STARTED, 2)],
    4: [(Status.STARTED, 8), (Status.DONE, 1)],
    5: [(Status.STARTED, 3), (Status.IN_TALKS, 3), (Status.NOT_STARTED, 3), (Status.NOT_APPLICABLE, 1)],
}


@transaction.atomic
def progress_demo_load(*, seed: int = 2021) -> dict[str, int]:
    if Participation.objects.exists():
        return {}
    rng = random.Random(seed)
    modules = list(Module.objects.order_by("number"))
    rows, changes = [], []
    for municipality in Municipality.objects.order_by("cbs_code"):
        latest = municipality.valid_until or datetime.date(2026, 6, 30)
        first = municipality.valid_from or datetime.date(2021, 3, 1)
        for module in modules:
            statuses, weights = zip(*CHANCES.get(module.number, [(Status.NOT_STARTED, 1)]), strict=True)
            status = rng.choices(statuses, weights)[0]
            started = None
            finished = None
            if status in (Status.STARTED, Status.DONE):
                started = first + datetime.timedelta(days=rng.randint(0, max(1, (latest - first).days // 2)))
            if status == Status.DONE:
                finished = min(latest, started + datetime.timedelta(days=rng.randint(60, 400)))
            rows.append(
                Participation(
                    municipality=municipality, module=module, status=status, started_on=started, finished_on=finished
                )
            )
    Participation.objects.bulk_create(rows)
    for participation in Participation.objects.all():
        if participation.status != Status.NOT_STARTED:
            changes.append(
                ParticipationChange(
                    participation=participation,
                    status_from=Status.NOT_STARTED,
                    status_to=participation.status,
                    started_on=participation.started_on,
                    finished_on=participation.finished_on,
                    note="Demo: stand overgenomen uit de spreadsheet van het secretariaat.",
                )
            )
    ParticipationChange.objects.bulk_create(changes)
    return {"deelnames": len(rows), "wijzigingen": len(changes)}
