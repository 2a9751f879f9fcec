"""Reading survey results: per question the counts and shares, per respondent type, and the average of the
other municipalities. Another municipality's numbers never appear on their own, and a campaign with fewer than
MIN_RESPONSES responses does not count in that average (so no small group can be worked out). The breakdown by
respondent type follows the same minimum: a group is shown only with MIN_RESPONSES answers or more, and when
the groups not shown would together be smaller than that (so total minus the shown groups gives them away),
the smallest shown group is hidden too."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from monitoring.models import SurveyResult

from .models import Campaign, CampaignLogEntry, OpenAnswer, Question
from .permissions import campaigns_visible_to
from .questions import RESPONDENT_TYPE, respondent_type_label

MIN_RESPONSES = 10
# An average of one municipality would be that municipality's own numbers under another name.
MIN_OTHER_MUNICIPALITIES = 2


@dataclass
class ChoiceResult:
    value: str
    label: str
    count: int
    share: Decimal | None
    others_share: Decimal | None = None  # average share over other municipalities' campaigns
    by_type: dict[str, Decimal | None] = field(default_factory=dict)
    type_cells: list["TypeCell"] = field(default_factory=list)  # one per CampaignResults.types, in that order


@dataclass
class TypeCell:
    share: Decimal | None
    hidden: bool = False  # too few in this group answered this question, or hidden to protect such a group


@dataclass
class QuestionResult:
    question: Question
    answered: int
    choices: list[ChoiceResult]
    by_type: bool = False  # whether the breakdown by respondent type applies (not to that question itself)

    @property
    def has_hidden_cells(self) -> bool:
        return any(cell.hidden for choice in self.choices for cell in choice.type_cells)


@dataclass
class CampaignResults:
    campaign: Campaign
    responses: int
    response_rate: Decimal | None
    questions: list[QuestionResult]
    types: list[tuple[str, str, int]]  # respondent type value, label, responses (types under MIN hidden)
    others_count: int  # how many other campaigns make up the comparison
    hidden_types: list[str] = field(default_factory=list)  # labels of the types not shown on their own


def shown_groups(sizes: dict[str, int], total: int, minimum: int = MIN_RESPONSES) -> set[str]:
    """The groups that may be shown on their own beside the total: each at least `minimum`, and the rest (total
    minus the shown groups: the hidden groups and anyone without a group) either nobody or at least `minimum`,
    so no small group can be worked out by subtraction. Smallest groups give way first."""
    shown = {key for key, size in sizes.items() if size >= minimum}
    while shown:
        rest = total - sum(sizes[key] for key in shown)
        if rest == 0 or rest >= minimum:
            break
        shown.remove(min(shown, key=lambda key: (sizes[key], key)))
    return shown


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def tally(answers) -> dict:
    """One pass over the answers: per question how many answered and how often each value was chosen, for
    everyone and per respondent type. Stored on a campaign when it closes (its answers no longer change)."""
    result = {"responses": 0, "all": {}, "by_type": {}}

    def add(bucket: dict, answer: dict) -> None:
        bucket["_n"] = bucket.get("_n", 0) + 1
        for code, value in answer.items():
            question = bucket.setdefault(code, {"_answered": 0})
            question["_answered"] += 1
            for chosen in value if isinstance(value, list) else [value]:
                question[chosen] = question.get(chosen, 0) + 1

    for answer in answers:
        result["responses"] += 1
        add(result["all"], answer)
        add(result["by_type"].setdefault(answer.get(RESPONDENT_TYPE, ""), {}), answer)
    return result


def campaign_tally(campaign: Campaign) -> dict:
    if campaign.status == Campaign.Status.CLOSED and campaign.tallies:
        return campaign.tallies
    return tally(campaign.responses.values_list("answers", flat=True).iterator(chunk_size=2000))


@dataclass(frozen=True)
class StatusChange:
    """What opening or closing a campaign now would do, for the confirmation page that says so first."""

    action: str  # "openen" or "sluiten"
    refusal: str  # why it cannot be done now; empty when it can
    letters_downloaded: bool  # opening: the letters were downloaded since they were last made
    days_early: int  # closing: days left before the planned last day (0 on that day, negative after it)
    responses: int
    figures_year: int  # closing: the year of the module 1 figures it fills in (as campaign_close does)
    replaces: object = None  # closing: the hand-entered SurveyResult of that year that the closing replaces


def letters_downloaded_since_made(campaign: Campaign) -> bool:
    made = (
        campaign.log.filter(action=CampaignLogEntry.Action.LETTERS_MADE).order_by("-pk").values_list("pk", flat=True)
    ).first()
    return (
        made is not None
        and campaign.log.filter(action=CampaignLogEntry.Action.LETTERS_DOWNLOADED, pk__gt=made).exists()
    )


def status_change(campaign: Campaign, action: str) -> StatusChange:
    """The refusals repeat the checks of services.campaign_open and campaign_close, which stay the ones that
    decide: here they only keep a confirmation page from promising what will not happen."""
    today = timezone.localdate()
    refusal = ""
    if action == "openen":
        if campaign.status != Campaign.Status.DRAFT:
            refusal = _("Deze enquête is al geopend; vragen en brieven liggen vast.")
        elif not campaign.addresses_count:
            refusal = _("Maak eerst de brieven: zonder codes kan niemand de vragenlijst invullen.")
        elif campaign.opens_on > today:
            refusal = _("Deze enquête opent pas op %(date)s.") % {
                "date": formats.date_format(campaign.opens_on, "j F Y")
            }
    elif campaign.status != Campaign.Status.OPEN:
        refusal = _("Alleen een open enquête kan worden gesloten.")
    return StatusChange(
        action=action,
        refusal=refusal,
        letters_downloaded=action == "openen" and letters_downloaded_since_made(campaign),
        days_early=(campaign.closes_on - today).days,
        responses=campaign.responses.count(),
        figures_year=min(campaign.closes_on, today).year,
        replaces=replaced_hand_figures(campaign.municipality, min(campaign.closes_on, today).year)
        if action == "sluiten" and not campaign.is_business_park
        else None,
    )


def replaced_hand_figures(municipality, year: int):
    """The module 1 figures typed in by hand for `year` (a survey outside the portal) that closing replaces."""
    return SurveyResult.objects.filter(municipality=municipality, year=year, source=SurveyResult.Source.HAND).first()


def _others_average(campaign: Campaign, questions: list[Question]) -> tuple[dict[tuple[str, str], Decimal], int]:
    """Mean over the other municipalities, each with its latest closed campaign of the same area (rural or
    business park) that had enough responses (a municipality counts once, however often it held the survey)."""
    others = (
        Campaign.objects.filter(status=Campaign.Status.CLOSED, area=campaign.area)  # never across areas
        .exclude(municipality=campaign.municipality)
        .order_by("municipality_id", "-closes_on")
        .values_list("municipality_id", "tallies")
    )
    latest: dict[int, dict] = {}
    for municipality_id, tallies in others:
        if tallies and tallies.get("responses", 0) >= MIN_RESPONSES:
            latest.setdefault(municipality_id, tallies)
    usable = list(latest.values()) if len(latest) >= MIN_OTHER_MUNICIPALITIES else []
    sums: dict[tuple[str, str], Decimal] = {}
    for other in usable:
        for question in questions:
            if not question.standard or question.kind == Question.Kind.TEXT:
                continue
            counts = other["all"].get(question.code, {})
            for value, _label in question.choice_list():
                key = (question.code, value)
                sums[key] = sums.get(key, Decimal(0)) + Decimal(counts.get(value, 0)) * 100 / other["responses"]
    averages = {key: (total / len(usable)).quantize(Decimal("0.1")) for key, total in sums.items()} if usable else {}
    return averages, len(usable)


def comparison_snapshot(campaign: Campaign, questions: list[Question] | None = None) -> dict:
    """The other municipalities' average as it stands now, in a form that keeps in JSON (made at closing)."""
    averages, count = _others_average(campaign, questions if questions is not None else list(campaign.questions.all()))
    return {"count": count, "averages": {f"{code}|{value}": str(share) for (code, value), share in averages.items()}}


def _comparison(campaign: Campaign, questions: list[Question]) -> tuple[dict[tuple[str, str], Decimal], int]:
    """The comparison as it stood when the campaign closed, and none while it is open. A live average would give
    one municipality away: whoever watches it change as another municipality closes its survey works out that
    municipality's numbers (new average x (n+1) - old average x n)."""
    if campaign.status != Campaign.Status.CLOSED:
        return {}, 0
    stored = (campaign.tallies or {}).get("others")
    if stored is None:  # closed before comparisons were kept: kept now, at its first reading
        stored = comparison_snapshot(campaign, questions)
        campaign.tallies = {**campaign_tally(campaign), "others": stored}
        Campaign.objects.filter(pk=campaign.pk).update(tallies=campaign.tallies)
    averages = {tuple(key.split("|", 1)): Decimal(share) for key, share in stored["averages"].items()}
    return averages, stored["count"]


def campaign_results(campaign: Campaign) -> CampaignResults:
    questions = list(campaign.questions.all())
    counted = campaign_tally(campaign)
    total = counted["responses"]
    everyone = counted["all"]
    averages, others_count = _comparison(campaign, questions)
    type_question = next((q for q in questions if q.code == RESPONDENT_TYPE), None)
    type_counts = everyone.get(RESPONDENT_TYPE, {})
    type_choices = [
        (value, respondent_type_label(value, label))
        for value, label in (type_question.choice_list() if type_question else [])
    ]
    visible = shown_groups({value: type_counts.get(value, 0) for value, _label in type_choices}, total)
    types = [(value, label, type_counts.get(value, 0)) for value, label in type_choices if value in visible]
    hidden_types = [label for value, label in type_choices if value not in visible and type_counts.get(value, 0)]
    open_counts = dict(
        OpenAnswer.objects.filter(response__campaign=campaign).values_list("question_id").annotate(n=Count("pk"))
    )
    results = []
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            results.append(QuestionResult(question, open_counts.get(question.pk, 0), []))
            continue
        counts = everyone.get(question.code, {})
        answered = counts.get("_answered", 0)
        groups = {value: counted["by_type"].get(value, {}).get(question.code, {}) for value, _l, _n in types}
        # Per question again: an optional question answered by few of a group would give that few away.
        answering = shown_groups({value: group.get("_answered", 0) for value, group in groups.items()}, answered)
        choices = []
        for value, label in question.choice_list():
            by_type = {t: _share(g.get(value, 0), g.get("_answered", 0)) for t, g in groups.items() if t in answering}
            choices.append(
                ChoiceResult(
                    value=value,
                    label=label,
                    count=counts.get(value, 0),
                    share=_share(counts.get(value, 0), answered),
                    others_share=averages.get((question.code, value)),
                    by_type=by_type,
                    type_cells=[TypeCell(by_type.get(t), hidden=t not in answering) for t, _l, _n in types],
                )
            )
        results.append(QuestionResult(question, answered, choices, by_type=question.code != RESPONDENT_TYPE))
    return CampaignResults(
        campaign=campaign,
        responses=total,
        response_rate=_share(total, campaign.addresses_count),
        questions=results,
        types=types,
        others_count=others_count,
        hidden_types=hidden_types,
    )


def open_answers(campaign: Campaign, *, quotable_only: bool):
    answers = (
        OpenAnswer.objects.filter(response__campaign=campaign)
        .select_related("question")
        .order_by("question__position", "id")
    )
    return answers.filter(quotable=True) if quotable_only else answers


def running_campaigns(*, user, limit: int = 10) -> list[Campaign]:
    """Open campaigns the reader may manage, the first to close first (the start page)."""
    return list(
        campaigns_visible_to(user)
        .filter(status=Campaign.Status.OPEN)
        .select_related("municipality")
        .order_by("closes_on", "pk")[:limit]
    )
