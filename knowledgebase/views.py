from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.sanitize import rich_text_to_markup

from . import selectors, services
from .forms import ContentFlagForm, ContributionForm, JointActionFilterForm, JointActionForm
from .models import KnowledgePage, LessonPage
from .permissions import (
    contributions_of,
    joint_actions_visible_to,
    knowledge_pages_visible_to,
    municipality_ids_user_can_record_for,
    user_can_contribute,
    user_can_edit_contribution,
    user_can_edit_joint_action,
    user_can_record_joint_actions,
    user_can_view_joint_actions,
)
from .returned_forms import keep_returned_content_flag

JOINT_ACTIONS_PAGE_SIZE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


# --- Integrale acties ------------------------------------------------------------------------------


@login_required
def joint_action_list(request):
    _require(user_can_view_joint_actions(request.user))
    form = JointActionFilterForm(request.GET or None, years=selectors.joint_action_years(user=request.user))
    filters = form.filters()
    actions = Paginator(
        selectors.joint_actions_filtered(user=request.user, filters=filters), JOINT_ACTIONS_PAGE_SIZE
    ).get_page(request.GET.get("pagina"))
    return render(
        request,
        "knowledgebase/joint_action_list.html",
        {
            "form": form,
            "actions": actions,
            "action_rows": selectors.with_visible_organisations(actions.object_list, user=request.user),
            "totals": selectors.joint_action_totals(user=request.user, filters=filters),
            "facet_groups": selectors.joint_action_facets(user=request.user, filters=filters, query=request.GET),
            "can_record": user_can_record_joint_actions(request.user),
        },
    )


def _visible_action(request, pk: int):
    return get_object_or_404(joint_actions_visible_to(request.user).with_related(), pk=pk)


@login_required
def joint_action_detail(request, pk: int):
    action = _visible_action(request, pk)
    (action,) = selectors.with_visible_organisations([action], user=request.user)
    lessons = knowledge_pages_visible_to(request.user).filter(pk__in=action.lessons.values("pk"))
    return render(
        request,
        "knowledgebase/joint_action_detail.html",
        {
            "action": action,
            "lessons": lessons,
            "can_edit": user_can_edit_joint_action(request.user, action),
            "can_make_lesson": user_can_edit_joint_action(request.user, action) and user_can_contribute(request.user),
        },
    )


@login_required
def joint_action_edit(request, pk: int | None = None):
    _require(user_can_record_joint_actions(request.user))
    action = None
    if pk is not None:
        action = _visible_action(request, pk)
        _require(user_can_edit_joint_action(request.user, action))
    form = JointActionForm(
        request.POST or None,
        instance=action,
        municipality_ids=municipality_ids_user_can_record_for(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        action = services.joint_action_save(user=request.user, form=form)
        messages.success(request, _("De integrale actie is opgeslagen."))
        return redirect("knowledgebase:joint_action", pk=action.pk)
    return render(request, "knowledgebase/joint_action_form.html", {"form": form, "action": action})


@login_required
@require_POST
def joint_action_lesson(request, pk: int):
    action = _visible_action(request, pk)
    _require(user_can_edit_joint_action(request.user, action) and user_can_contribute(request.user))
    page = services.lesson_draft_from_joint_action(user=request.user, action=action)
    if not user_can_edit_contribution(request.user, page):
        messages.info(request, _("Uw les over deze actie ligt al bij het secretariaat ter beoordeling."))
        return redirect("knowledgebase:contributions")
    messages.success(
        request, _("Er staat een concept-les klaar. Vul aan wat goed ging en wat beter kon, en dien hem in.")
    )
    return redirect("knowledgebase:contribution_edit", page_id=page.pk)


# --- Contributions ---------------------------------------------------------------------------------


def _taxonomy(cleaned: dict) -> dict:
    return {field: list(cleaned.get(field) or []) for field in services.TAXONOMY_FIELDS}


@login_required
def contribution_list(request):
    _require(user_can_contribute(request.user))
    pages = contributions_of(request.user).select_related("content_type").order_by("-latest_revision_created_at")
    rows = [
        {"page": page, "state": page.current_workflow_state, "can_edit": user_can_edit_contribution(request.user, page)}
        for page in pages
    ]
    return render(request, "knowledgebase/contribution_list.html", {"rows": rows})


@login_required
def contribution_create(request):
    _require(user_can_contribute(request.user))
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        page = services.contribution_create(
            user=request.user,
            kind=data["kind"],
            title=data["title"],
            intro=data["intro"],
            text=data["text"],
            taxonomy=_taxonomy(data),
        )
        if "submit" in request.POST:
            services.contribution_submit(user=request.user, page=page)
            messages.success(
                request, _("Dank u! Het secretariaat beoordeelt uw bijdrage. U hoort het als er iets verandert.")
            )
            return redirect("knowledgebase:contributions")
        messages.success(request, _("Uw concept is bewaard. U kunt het later indienen."))
        return redirect("knowledgebase:contribution_edit", page_id=page.pk)
    return render(request, "knowledgebase/contribution_form.html", {"form": form})


@login_required
def contribution_edit(request, page_id: int):
    page = get_object_or_404(contributions_of(request.user), pk=page_id).specific
    _require(user_can_edit_contribution(request.user, page))
    page = page.get_latest_revision_as_object()
    initial = {
        "kind": "lesson" if isinstance(page, LessonPage) else "best_practice",
        "title": page.title,
        "intro": page.intro,
        "text": rich_text_to_markup(services.contribution_text(page)),
        **{field: list(getattr(page, field).all()) for field in services.TAXONOMY_FIELDS},
    }
    form = ContributionForm(request.POST or None, initial=initial, kind_fixed=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.contribution_update(
            user=request.user,
            page=page,
            title=data["title"],
            intro=data["intro"],
            text=data["text"],
            taxonomy=_taxonomy(data),
        )
        if "submit" in request.POST:
            services.contribution_submit(user=request.user, page=KnowledgePage.objects.get(pk=page.pk))
            messages.success(
                request, _("Dank u! Het secretariaat beoordeelt uw bijdrage. U hoort het als er iets verandert.")
            )
            return redirect("knowledgebase:contributions")
        messages.success(request, _("Uw concept is bewaard."))
        return redirect("knowledgebase:contribution_edit", page_id=page.pk)
    state = page.current_workflow_state
    return render(
        request,
        "knowledgebase/contribution_form.html",
        {"form": form, "page": page, "review_comment": _latest_review_comment(state)},
    )


def _latest_review_comment(state) -> str:
    if state is None:
        return ""
    task_state = state.task_states.exclude(comment="").order_by("-finished_at").first()
    return task_state.comment if task_state else ""


# --- Feedback on a page ----------------------------------------------------------------------------


def _feedback_page(request, page_id: int) -> KnowledgePage:
    return get_object_or_404(knowledge_pages_visible_to(request.user), pk=page_id)


@login_required
@require_POST
def helpful_vote(request, page_id: int):
    page = _feedback_page(request, page_id)
    helpful = request.POST.get("helpful")
    if helpful not in ("ja", "nee"):
        messages.error(request, _("Kies ja of nee."))
    else:
        services.helpful_vote_set(user=request.user, page=page, helpful=helpful == "ja")
        messages.success(request, _("Dank u voor uw stem."))
    return redirect(page.get_url(request) + "#nuttig")


@login_required
@require_POST
def content_flag(request, page_id: int):
    page = _feedback_page(request, page_id)
    form = ContentFlagForm(request.POST)
    if form.is_valid():
        services.content_flag_create(user=request.user, page=page, comment=form.cleaned_data["comment"])
        messages.success(request, _("Dank u. Het secretariaat kijkt ernaar."))
    else:
        keep_returned_content_flag(
            request, page_id=page.pk, error=form.errors["comment"][0], comment=request.POST.get("comment", "")
        )
    return redirect(page.get_url(request) + "#bijwerken")
