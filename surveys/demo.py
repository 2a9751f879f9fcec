"""Demo surveys: closed campaigns with answers in three municipalities (200 per campaign per scale step, so
2,000 at BENCH_SCALE=10), one open campaign whose first codes are printed, so the questionnaire can be tried, and
a business-park survey in preparation.
All fictitious; idempotent."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from monitoring.models import SurveyResult
from stakeholders.models import Municipality

from . import codes
from .models import Campaign, InvitationCode, OpenAnswer, Question, Response
from .questions import STANDARD_QUESTIONS
from .selectors import tally
from .services import campaign_figures, default_letter, standard_questions_add

CLOSED = ["GM0432", "GM0420", "GM0396"]  # Opmeer, Medemblik, Heemskerk
OPEN = "GM1911"  # Hollands Kroon
BUSINESS_PARK = "GM0479"  # Zaanstad: a draft of the business-park survey
REMARKS = [
    "Meer controle op lege schuren, graag.",
    "Ik wist niet dat je anoniem kon melden.",
    "De wijkagent zien we bijna nooit.",
    "Goed dat de gemeente dit vraagt.",
]


def _campaign(municipality, *, opens_on, closes_on, status, addresses, area=Campaign.Area.RURAL):
    where = "bedrijventerreinen" if area == Campaign.Area.BUSINESS_PARK else "buitengebied"
    campaign = Campaign.objects.create(
        municipality=municipality,
        area=area,
        title=f"Enquête veiligheid {where} {municipality.name}",
        opens_on=opens_on,
        closes_on=closes_on,
        mayor_name="burgemeester (demo)",
        letter_text=default_letter(area),
        status=status,
        addresses_count=addresses,
    )
    standard_questions_add(campaign)
    return campaign


def _answers(rng: random.Random) -> dict:
    answers = {}
    for question in STANDARD_QUESTIONS:
        values = [c["value"] for c in question["choices"]]
        if question["kind"] == "single":
            weights = [3 if v == "ja" else 1 for v in values]
            answers[question["code"]] = rng.choices(values, weights)[0]
        elif question["kind"] == "multiple":
            picked = sorted({rng.choice(values) for _ in range(rng.randint(0, 3))})
            if picked:
                answers[question["code"]] = picked
    return answers


@transaction.atomic
def survey_demo_load(*, scale: int = 1, seed: int = 2021) -> tuple[dict[str, int], list[str]]:
    if Campaign.objects.exists():
        return {}, []
    rng = random.Random(seed)
    today = timezone.localdate()
    per_campaign = 200 * scale
    responses = 0
    for cbs_code in CLOSED:
        municipality = Municipality.objects.get(cbs_code=cbs_code)
        closes = datetime.date(today.year - 1, 10, 15)
        campaign = _campaign(
            municipality,
            opens_on=closes - datetime.timedelta(days=42),
            closes_on=closes,
            status=Campaign.Status.CLOSED,
            addresses=int(per_campaign / rng.uniform(0.22, 0.35)),
        )
        remark = Question.objects.get(campaign=campaign, code="opmerking")
        made = Response.objects.bulk_create(
            Response(
                campaign=campaign,
                submitted_on=closes - datetime.timedelta(days=rng.randint(0, 40)),
                respondent_type=(a := _answers(rng)).get("respondent_type", ""),
                answers=a,
            )  # fmt: skip
            for _ in range(per_campaign)
        )
        OpenAnswer.objects.bulk_create(
            OpenAnswer(response=r, question=remark, text=rng.choice(REMARKS), quotable=rng.random() < 0.3)
            for r in made[: max(5, per_campaign // 20)]
        )
        campaign.tallies = tally(r.answers for r in made)
        campaign.save(update_fields=["tallies"])
        SurveyResult.objects.update_or_create(
            municipality=municipality, year=closes.year,
            defaults={**campaign_figures(campaign), "source": SurveyResult.Source.PORTAL},
        )  # fmt: skip
        responses += per_campaign
    campaign = _campaign(
        Municipality.objects.get(cbs_code=OPEN),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=42),
        status=Campaign.Status.OPEN,
        addresses=25,
    )
    _campaign(
        Municipality.objects.get(cbs_code=BUSINESS_PARK),
        opens_on=today + datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=56),
        status=Campaign.Status.DRAFT,
        addresses=0,
        area=Campaign.Area.BUSINESS_PARK,
    )
    demo_codes = [codes.new_code() for _ in range(25)]
    InvitationCode.objects.bulk_create(
        InvitationCode(campaign=campaign, code_hash=codes.code_hash(c)) for c in demo_codes
    )
    return {"enquêtes": len(CLOSED) + 2, "antwoorden": responses}, demo_codes[:3]
