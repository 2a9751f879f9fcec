"""Reads for the knowledge base. Every page list starts from `knowledge_pages_visible_to`; the query
count of each screen is fixed, whatever the amount of content."""

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _
from wagtail.models import TaskState, WorkflowState, get_default_page_content_type

from core import page_cache
from core.listing import facet_group
from notifications.selectors import followed_scopes
from stakeholders.models import District, Module, Municipality, PartnerType, Theme
from stakeholders.permissions import contacts_visible_to, organisations_visible_to

from .models import FINDING_FIELDS, HelpfulVote, JointAction, KnowledgePage
from .permissions import (
    contributions_in_review_visible_to,
    contributions_of,
    joint_actions_visible_to,
    knowledge_pages_visible_to,
    municipality_ids_user_can_record_for,
    user_can_contribute,
    user_can_give_feedback,
    user_can_review_contributions,
)

INDEX_PAGE_SIZE = 20
RELATED_LIMIT = 4
# How many related pages are ranked ahead for every reader.
RELATED_CANDIDATES = 40
# What a page card needs (PageCard, with its URL): the body and the search fields stay in the database.
CARD_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "content_type_id",
    "first_published_at",
    "intro",
    "live",
)


@dataclass(frozen=True)
class KnowledgeFilters:
    theme: str = ""
    module: str = ""
    district: str = ""
    municipality: str = ""
    partner_type: str = ""
    kind: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return any(vars(self).values())


KIND_MODELS = {"best-practice": "bestpracticepage", "les": "lessonpage", "materiaal": "materialpage"}


def knowledge_pages_filtered(*, user, filters: KnowledgeFilters, parent=None):
    pages = knowledge_pages_visible_to(user)
    if parent is not None:
        pages = pages.child_of(parent)
    if filters.theme:
        pages = pages.filter(themes__code=filters.theme)
    if filters.module:
        pages = pages.filter(modules__number=filters.module)
    if filters.district:
        pages = pages.filter(districts__code=filters.district)
    if filters.municipality:
        pages = pages.filter(municipalities__cbs_code=filters.municipality)
    if filters.partner_type:
        pages = pages.filter(partner_types__code=filters.partner_type)
    if filters.kind in KIND_MODELS:
        pages = pages.filter(content_type__model=KIND_MODELS[filters.kind])
    if filters.q:
        pages = pages.filter(Q(title__icontains=filters.q) | Q(intro__icontains=filters.q))
    return (
        pages.only(*CARD_FIELDS)  # a list shows cards: the bodies stay in the database
        .prefetch_related("themes")
        .order_by("-first_published_at", "-pk")
        .distinct()
    )


def latest_pages(*, user, limit: int = 5) -> list[KnowledgePage]:
    """'Nieuw in de kennisbank' on the home page."""
    return list(
        knowledge_pages_visible_to(user).select_related("content_type").order_by("-first_published_at", "-pk")[:limit]
    )


def filter_choices() -> dict:
    return {
        "themes": list(Theme.objects.values_list("code", "name")),
        "modules": [(str(n), f"{n}. {name}") for n, name in Module.objects.values_list("number", "name")],
        "districts": list(District.objects.values_list("code", "name")),
        "municipalities": list(Municipality.objects.current().values_list("cbs_code", "name").order_by("name")),
        "partner_types": list(PartnerType.objects.values_list("code", "name")),
    }


def index_context(*, index_page, request) -> dict:
    from .forms import KnowledgeFilterForm  # here: the forms import the selectors

    choices = filter_choices()
    form = KnowledgeFilterForm(request.GET or None, choices=choices, with_kind=index_page.subpage_types)
    filters = form.filters()
    pages = knowledge_pages_filtered(user=request.user, filters=filters, parent=index_page)
    listing = Paginator(pages, INDEX_PAGE_SIZE).get_page(request.GET.get("pagina"))
    listing.object_list = [page_card(page, request) for page in listing]  # one card template for every list
    return {
        "filter_form": form,
        "filters": filters,
        "facet_groups": index_facets(user=request.user, filters=filters, parent=index_page, query=request.GET),
        "pages": listing,
        "can_contribute": user_can_contribute(request.user),
    }


def index_facets(*, user, filters: KnowledgeFilters, parent, query) -> list:
    """Themes and modules with the number of pages the reader may see under the other filters chosen: links
    that choose one (the form's "thema" and "module"). Counted over knowledge_pages_visible_to, so a number
    never includes a page the reader may not open."""
    groups = []
    for name, field, key, label, title in (
        ("thema", "theme", "themes__code", "themes__name", _("Thema")),
        ("module", "module", "modules__number", "modules__name", _("Module")),
    ):
        others = knowledge_pages_filtered(user=user, filters=replace(filters, **{field: ""}), parent=parent)
        rows = (
            KnowledgePage.objects.filter(pk__in=others.values("pk"))
            .exclude(**{key: None})
            .values(key, label)
            .annotate(n=Count("pk", distinct=True))
            .order_by(key)
        )
        values = [
            (row[key], f"{row[key]}. {row[label]}" if field == "module" else row[label], row["n"]) for row in rows
        ]
        if field == "theme":
            values.sort(key=lambda v: (-v[2], v[1]))
        groups.append(facet_group(query, name=name, title=title, values=values))
    return groups


def _shared_count(through_model, field: str, ids: list[int]):
    subquery = (
        through_model.objects.filter(knowledgepage_id=OuterRef("pk"), **{f"{field}__in": ids})
        .values("knowledgepage_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class PageCard:
    """A related page as its card shows it: content only, the same for every reader who may see the page,
    so that the cards of related candidates can be kept (knowledgebase/_card_list.html shows every list)."""

    pk: int
    title: str
    url: str
    intro: str
    kind_label: str
    first_published_at: datetime | None
    theme_names: tuple[str, ...]


def page_card(page: KnowledgePage, request=None) -> PageCard:
    """The card of a page read with CARD_FIELDS and its themes prefetched."""
    return PageCard(
        pk=page.pk,
        title=page.title,
        url=page.get_url(request),
        intro=page.intro,
        kind_label=page.kind_label,
        first_published_at=page.first_published_at,
        theme_names=tuple(theme.name for theme in page.themes.all()),
    )


def _cards(pages) -> dict[int, PageCard]:
    return {page.pk: page_card(page) for page in pages.only(*CARD_FIELDS).prefetch_related("themes")}


def _related_candidates(*, page: KnowledgePage, theme_ids, module_ids, municipality_ids) -> list[PageCard]:
    """The cards of the pages sharing most with this one, best first, whoever reads."""
    if not (theme_ids or module_ids or municipality_ids):
        return []
    ranking = list(
        _scored_related(KnowledgePage.objects.all(), page, theme_ids, module_ids, municipality_ids).values_list(
            "pk", flat=True
        )[:RELATED_CANDIDATES]
    )
    cards = _cards(KnowledgePage.objects.filter(pk__in=ranking))
    return [cards[pk] for pk in ranking if pk in cards]


@dataclass(frozen=True)
class ArticleFacts:
    """What an article shows beside its body that is the same for every reader who may open it: its
    themes, modules, municipalities and partner types, and the cards of the related candidates. Content
    only: who may see a candidate is asked of the database on every view."""

    themes: list[Theme]
    modules: list[Module]
    municipalities: list[Municipality]
    partner_types: list[PartnerType]
    related_candidates: list[PageCard]


def _article_facts_read(page: KnowledgePage) -> ArticleFacts:
    themes, modules = list(page.themes.all()), list(page.modules.all())
    municipalities = list(page.municipalities.all())
    return ArticleFacts(
        themes=themes,
        modules=modules,
        municipalities=municipalities,
        partner_types=list(page.partner_types.all()),
        related_candidates=_related_candidates(
            page=page,
            theme_ids=[t.pk for t in themes],
            module_ids=[m.pk for m in modules],
            municipality_ids=[m.pk for m in municipalities],
        ),
    )


def article_facts(page: KnowledgePage, *, preview: bool = False) -> ArticleFacts:
    """Kept per page (core.page_cache.kept_content). A preview shows the draft's own taxonomy and is never
    kept: it would show unpublished choices on the live page."""
    if preview:
        return _article_facts_read(page)
    return page_cache.kept_content(f"knowledge:facts:{page.pk}", lambda: _article_facts_read(page))


def _scored_related(pages, page, theme_ids, module_ids, municipality_ids):
    return (
        pages.exclude(pk=page.pk)
        .annotate(
            shared=_shared_count(KnowledgePage.themes.through, "theme_id", theme_ids) * 3
            + _shared_count(KnowledgePage.municipalities.through, "municipality_id", municipality_ids) * 2
            + _shared_count(KnowledgePage.modules.through, "module_id", module_ids)
        )
        .filter(shared__gt=0)
        .order_by("-shared", "-first_published_at", "pk")
    )


def related_pages(*, page: KnowledgePage, user, limit: int = RELATED_LIMIT, facts: ArticleFacts | None = None):
    """The pages sharing the most themes, modules and municipalities with this one that the reader may see
    (pass the page's facts when the caller has them already)."""
    facts = facts or article_facts(page)
    candidates = facts.related_candidates
    if not candidates:
        return []
    # Who may see each candidate: the database decides on every view (one query for all of them), never a
    # cached answer, so a missed cache bump can make a card's text stale but never show it to the wrong reader.
    visible = set(
        knowledge_pages_visible_to(user).filter(pk__in=[card.pk for card in candidates]).values_list("pk", flat=True)
    )
    chosen = [card for card in candidates if card.pk in visible][:limit]
    if len(chosen) < limit and len(candidates) == RELATED_CANDIDATES:
        # The reader may see too few of the top candidates (district pages of other platforms): rank
        # what they can see instead.
        ids = list(
            _scored_related(
                knowledge_pages_visible_to(user),
                page,
                [t.pk for t in facts.themes],
                [m.pk for m in facts.modules],
                [m.pk for m in facts.municipalities],
            ).values_list("pk", flat=True)[:limit]
        )
        cards = _cards(KnowledgePage.objects.filter(pk__in=ids))
        chosen = [cards[pk] for pk in ids if pk in cards]
    return chosen


def helpful_summary(*, page: KnowledgePage, user) -> dict:
    counts, own = {True: 0, False: 0}, None
    rows = (
        HelpfulVote.objects.filter(page_id=page.pk)
        .values_list("helpful")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=user.pk if user.is_authenticated else None)))
    )
    for helpful, number, mine in rows.order_by():
        counts[helpful] = number
        if mine:
            own = helpful
    return {"helpful_yes": counts[True], "helpful_no": counts[False], "own_vote": own}


def article_context(*, page: KnowledgePage, user, preview: bool = False) -> dict:
    facts = article_facts(page, preview=preview)
    context = {
        "related_pages": related_pages(page=page, user=user, facts=facts),
        "can_give_feedback": user_can_give_feedback(user, page),
        "themes": facts.themes,
        "modules": facts.modules,
        "municipalities": facts.municipalities,
        "partner_types": facts.partner_types,
        **helpful_summary(page=page, user=user),
    }
    joint_action_id = getattr(page.specific, "joint_action_id", None)
    if joint_action_id:
        context["joint_action"] = joint_actions_visible_to(user).with_related().filter(pk=joint_action_id).first()
    return context


def visible_contact_card(*, user, contact=None, organisation=None) -> dict:
    """What a contact card block may show this reader: nothing they could not see in the directory."""
    card = {}
    if contact is not None and contacts_visible_to(user).filter(pk=contact.pk).exists():
        card["contact"] = contact
    if organisation is not None and organisations_visible_to(user).filter(pk=organisation.pk).exists():
        card["organisation"] = organisation
    return card


# --- Integrale acties ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JointActionFilters:
    district: str = ""
    municipality: str = ""
    year: int | None = None


def joint_actions_filtered(*, user, filters: JointActionFilters):
    actions = joint_actions_visible_to(user)
    if filters.district:
        actions = actions.filter(district__code=filters.district)
    if filters.municipality:
        actions = actions.filter(municipality__cbs_code=filters.municipality)
    if filters.year:
        actions = actions.filter(date__year=filters.year)
    return actions.with_related()


def joint_action_facets(*, user, filters: JointActionFilters, query) -> list:
    """District and year with the number of integrale acties the reader may see under the other filters:
    links that choose one (the form's "district" and "jaar")."""
    by_district = (
        joint_actions_filtered(user=user, filters=replace(filters, district=""))
        .order_by()
        .values("district__code", "district__name")
        .annotate(n=Count("pk"))
        .order_by("district__name")
    )
    by_year = (
        joint_actions_filtered(user=user, filters=replace(filters, year=None))
        .order_by()
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    return [
        facet_group(
            query,
            name="district",
            title=_("District"),
            values=[(r["district__code"], r["district__name"], r["n"]) for r in by_district],
        ),
        facet_group(query, name="jaar", title=_("Jaar"), values=[(r["year"], r["year"], r["n"]) for r in by_year]),
    ]


def with_visible_organisations(actions, *, user) -> list[JointAction]:
    """Participating organisations the reader may see by name; the others only as a number."""
    actions = list(actions)
    visible_ids = set(organisations_visible_to(user).values_list("pk", flat=True))
    for action in actions:
        organisations = list(action.organisations.all())
        action.visible_organisations = [o for o in organisations if o.pk in visible_ids]
        action.other_organisation_count = len(organisations) - len(action.visible_organisations)
    return actions


def joint_action_totals(*, user, filters: JointActionFilters) -> list[dict]:
    """Totals per district and year, for the filtered selection."""
    sums = {field: Sum(field) for field, _label in FINDING_FIELDS}
    rows = (
        joint_actions_filtered(user=user, filters=filters)
        .order_by()
        .annotate(year=ExtractYear("date"))
        .values("district__name", "year")
        .annotate(actions=Count("pk"), premises=Sum("premises_visited"), **sums)
        .order_by("-year", "district__name")
    )
    return [
        {
            "district": row["district__name"],
            "year": row["year"],
            "actions": row["actions"],
            "premises": row["premises"],
            "findings": [(label, row[field]) for field, label in FINDING_FIELDS],
        }
        for row in rows
    ]


def joint_action_years(*, user) -> list[int]:
    return sorted(
        {d.year for d in joint_actions_visible_to(user).dates("date", "year")},
        reverse=True,
    )


# --- The start page ("Mijn overzicht") ------------------------------------------------------------------------

START_LIMIT = 5


@dataclass(frozen=True)
class ContributionRow:
    page: KnowledgePage
    state: str  # "returned", "waiting", "published" or "draft"
    comment: str = ""  # the secretariat's comment when returned
    can_edit: bool = False


CONTRIBUTION_ORDER = {"returned": 0, "draft": 1, "waiting": 2, "published": 3}


def contribution_rows(*, user, limit: int = START_LIMIT * 2) -> list[ContributionRow]:
    """The author's own contributions, returned ones first: three queries whatever their number (states and
    the secretariat's comments are read for all pages at once, not per page)."""
    pages = list(contributions_of(user).only(*CARD_FIELDS, "owner").order_by("-latest_revision_created_at")[:limit])
    if not pages:
        return []
    states = {
        int(state.object_id): state
        for state in WorkflowState.objects.active().filter(
            base_content_type=get_default_page_content_type(), object_id__in=[str(page.pk) for page in pages]
        )
    }
    returned = [s.pk for s in states.values() if s.status == WorkflowState.STATUS_NEEDS_CHANGES]
    comments: dict[int, str] = {}
    for task_state in (
        TaskState.objects.filter(workflow_state_id__in=returned).exclude(comment="").order_by("finished_at", "pk")
    ):
        comments[task_state.workflow_state_id] = task_state.comment  # the latest wins
    rows = []
    for page in pages:
        state = states.get(page.pk)
        if page.live:
            kind = "published"
        elif state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            kind = "returned"
        elif state is not None:
            kind = "waiting"
        else:
            kind = "draft"
        rows.append(
            ContributionRow(
                page=page,
                state=kind,
                comment=comments.get(state.pk, "") if kind == "returned" else "",
                # The rule of permissions.user_can_edit_contribution, with the state already read.
                can_edit=page.first_published_at is None and kind in ("returned", "draft"),
            )
        )
    return sorted(rows, key=lambda row: CONTRIBUTION_ORDER[row.state])


NEW_PAGE_EVENT = "knowledge.new_page"


def new_pages_for(*, user, limit: int = START_LIMIT) -> tuple[list[KnowledgePage], bool]:
    """The newest pages the reader may see in the themes and districts they follow (their notification
    preferences for new pages), and whether they follow any; following nothing gives the newest pages."""
    themes, districts = followed_scopes(user, NEW_PAGE_EVENT)
    pages = knowledge_pages_visible_to(user)
    if themes or districts:
        pages = pages.filter(Q(themes__in=themes) | Q(districts__in=districts) | Q(visible_districts__in=districts))
    ids = list(pages.order_by("-first_published_at", "-pk").values_list("pk", flat=True).distinct()[: limit * 3])
    found = {page.pk: page for page in KnowledgePage.objects.filter(pk__in=ids).only(*CARD_FIELDS)}
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found][:limit], bool(themes or districts)


def contributions_to_review(*, user, limit: int = START_LIMIT * 2) -> list[KnowledgePage]:
    return list(
        contributions_in_review_visible_to(user).only(*CARD_FIELDS).order_by("latest_revision_created_at")[:limit]
    )


def pages_past_review_date(*, user, limit: int = START_LIMIT * 2) -> list[KnowledgePage]:
    """Live pages whose review date has passed, longest overdue first (the secretariat keeps them current)."""
    if not user_can_review_contributions(user):
        return []
    return list(
        knowledge_pages_visible_to(user)
        .filter(review_by__lt=date.today())
        .only(*CARD_FIELDS, "review_by")
        .order_by("review_by", "pk")[:limit]
    )


def own_municipality_joint_actions(*, user, limit: int = START_LIMIT) -> list[JointAction]:
    """The integrale acties of the AOV's own municipalities, newest first."""
    municipalities = municipality_ids_user_can_record_for(user)
    if not municipalities:
        return []
    return list(
        joint_actions_visible_to(user)
        .filter(municipality_id__in=municipalities)
        .select_related("municipality")
        .order_by("-date", "-pk")[:limit]
    )
