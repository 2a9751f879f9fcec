"""Demo progress: a plausible stand per municipality and module, with a short history. Idempotent."""

import datetime
import random

from django.db import transaction

from stakeholders.models import Module, Municipality

from .models import InformationEvening, Participation, ParticipationChange, PoliceFigures, SurveyResult, Training

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


@transaction.atomic
def figures_demo_load(*, seed: int = 2022) -> dict[str, int]:
    """Survey rounds, police figures from the 2018 baseline, information evenings and training. Idempotent."""
    if SurveyResult.objects.exists() or PoliceFigures.objects.exists():
        return {}
    rng = random.Random(seed)
    this_year = datetime.date.today().year
    surveys, police, evenings, trainings = [], [], [], []
    for municipality in Municipality.objects.order_by("cbs_code"):
        first = (municipality.valid_from or datetime.date(2018, 1, 1)).year
        last = (municipality.valid_until or datetime.date(this_year, 12, 31)).year
        size = rng.randint(1500, 9000)
        for year in range(max(first, 2018), min(last, this_year - 1) + 1):
            police.append(
                PoliceFigures(
                    municipality=municipality,
                    year=year,
                    cannabis_farms=rng.randint(0, 12) + size // 1500,
                    drug_labs=rng.choice([0, 0, 0, 1, 1, 2]),
                    drug_dumpings=rng.randint(0, 5),
                )
            )
        survey_year = rng.choice([2021, 2022, 2023, 2024])
        if max(first, 2021) <= survey_year <= last and rng.random() < 0.7:
            mailed = size // 3
            surveys.append(
                SurveyResult(
                    municipality=municipality,
                    year=survey_year,
                    addresses_mailed=mailed,
                    responses=int(mailed * rng.uniform(0.12, 0.34)),
                    willing_to_report_pct=round(rng.uniform(48, 78), 1),
                    knows_signals_pct=round(rng.uniform(25, 60), 1),
                    report_on=datetime.date(survey_year, rng.randint(5, 11), rng.randint(1, 28)),
                )
            )
        if last >= 2022 and rng.random() < 0.6:
            day = datetime.date(rng.randint(2022, this_year - 1), rng.randint(1, 11), rng.randint(1, 28))
            evenings.append(
                InformationEvening(
                    municipality=municipality,
                    held_on=day,
                    attendance=rng.randint(25, 140),
                    materials_handed_out=rng.randint(20, 120),
                )
            )
        if last >= 2022 and rng.random() < 0.5:
            people = rng.randint(4, 14)
            trainings.append(
                Training(
                    municipality=municipality,
                    kind=Training.Kind.ELEARNING,
                    held_on=datetime.date(rng.randint(2022, this_year - 1), rng.randint(1, 12), 1),
                    participants=people,
                    certificates=min(people, Training.MAX_CERTIFICATES, rng.randint(2, 10)),
                )
            )
    SurveyResult.objects.bulk_create(surveys)
    PoliceFigures.objects.bulk_create(police)
    InformationEvening.objects.bulk_create(evenings)
    Training.objects.bulk_create(trainings)
    return {
        "enquêteresultaten": len(surveys),
        "politiecijfers": len(police),
        "informatieavonden": len(evenings),
        "trainingen": len(trainings),
    }
