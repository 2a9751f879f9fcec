"""Reading survey results: per question the counts and shares, per respondent type, and the average of the
other municipalities. Another municipality's numbers never appear on their own, and a campaign with fewer than
MIN_RESPONSES responses does not count in that average (so no small group can be worked out)."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Campaign, OpenAnswer, Question, Response
from .questions import RESPONDENT_TYPE

MIN_RESPONSES = 10


@dataclass
class ChoiceResult:
    value: str
    label: str
    count: int
    share: Decimal | None
    others_share: Decimal | None = None  # average share over other municipalities' campaigns
    by_type: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    choices: list[ChoiceResult]


@dataclass
class CampaignResults:
    campaign: Campaign
    responses: int
    response_rate: Decimal | None
    questions: list[QuestionResult]
    types: list[tuple[str, str, int]]  # respondent type value, label, responses (types under MIN hidden)
    others_count: int  # how many other campaigns make up the comparison


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def _counts(answers: list[dict], code: str) -> Counter:
    counter: Counter = Counter()
    for answer in answers:
        value = answer.get(code)
        if isinstance(value, list):
            counter.update(value)
        elif value:
            counter[value] += 1
    return counter


def _others_average(campaign: Campaign, questions: list[Question]) -> tuple[dict[tuple[str, str], Decimal], int]:
    """Mean of the other municipalities' shares (each closed campaign with enough responses counts once)."""
    others = list(
        Campaign.objects.filter(status=Campaign.Status.CLOSED)
        .exclude(municipality=campaign.municipality)
        .values_list("pk", flat=True)
    )
    by_campaign: dict = {}
    for campaign_id, answers in Response.objects.filter(campaign_id__in=others).values_list("campaign_id", "answers"):
        by_campaign.setdefault(campaign_id, []).append(answers)
    usable = {pk: answers for pk, answers in by_campaign.items() if len(answers) >= MIN_RESPONSES}
    sums: dict[tuple[str, str], Decimal] = {}
    for answers in usable.values():
        for question in questions:
            if not question.standard or question.kind == Question.Kind.TEXT:
                continue
            counts = _counts(answers, question.code)
            for value, _label in question.choice_list():
                key = (question.code, value)
                sums[key] = sums.get(key, Decimal(0)) + Decimal(counts[value]) * 100 / len(answers)
    averages = {key: (total / len(usable)).quantize(Decimal("0.1")) for key, total in sums.items()} if usable else {}
    return averages, len(usable)


def campaign_results(campaign: Campaign) -> CampaignResults:
    questions = list(campaign.questions.all())
    answers = list(campaign.responses.values_list("answers", flat=True))
    total = len(answers)
    averages, others_count = _others_average(campaign, questions)
    type_question = next((q for q in questions if q.code == RESPONDENT_TYPE), None)
    type_counts = _counts(answers, RESPONDENT_TYPE)
    types = [
        (value, label, type_counts[value])
        for value, label in (type_question.choice_list() if type_question else [])
        if type_counts[value] >= MIN_RESPONSES
    ]
    by_type_answers = {value: [a for a in answers if a.get(RESPONDENT_TYPE) == value] for value, _l, _n in types}
    results = []
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            answered = OpenAnswer.objects.filter(response__campaign=campaign, question=question).count() if total else 0
            results.append(QuestionResult(question, answered, []))
            continue
        counts = _counts(answers, question.code)
        answered = sum(1 for a in answers if a.get(question.code))
        groups = {
            type_value: (_counts(group, question.code), sum(1 for a in group if a.get(question.code)))
            for type_value, group in by_type_answers.items()
        }
        choices = []
        for value, label in question.choice_list():
            by_type = {type_value: _share(c[value], n) for type_value, (c, n) in groups.items()}
            choices.append(
                ChoiceResult(
                    value=value,
                    label=label,
                    count=counts[value],
                    share=_share(counts[value], answered),
                    others_share=averages.get((question.code, value)),
                    by_type=by_type,
                )
            )
        results.append(QuestionResult(question, answered, choices))
    return CampaignResults(
        campaign=campaign,
        responses=total,
        response_rate=_share(total, campaign.addresses_count),
        questions=results,
        types=types,
        others_count=others_count,
    )


def open_answers(campaign: Campaign, *, quotable_only: bool):
    answers = (
        OpenAnswer.objects.filter(response__campaign=campaign)
        .select_related("question")
        .order_by("question__position", "id")
    )
    return answers.filter(quotable=True) if quotable_only else answers
