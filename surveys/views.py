"""Survey screens: campaigns for the secretariat and the AOV, and the public questionnaire reached by code.
Thin: permissions decide, services write, selectors read."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import errors_from
from core.net import client_ip

from . import letters, report, selectors, services
from .forms import AddressFileForm, CampaignForm, CodeForm, QuestionForm, ReportTextsForm, municipalities_for
from .models import Campaign, OpenAnswer, Question
from .permissions import (
    campaigns_visible_to,
    user_can_manage_campaign,
    user_can_manage_municipality,
    user_can_read_open_answers,
    user_can_use_surveys,
)

SESSION_CODE = "survey_code"
CODE_ATTEMPTS = 20  # wrong codes per client address per quarter of an hour
CODE_WINDOW = 15 * 60


def _campaign(request, pk) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("municipality"), pk=pk)
    if not user_can_manage_campaign(request.user, campaign):
        raise Http404
    return campaign


@login_required
def campaign_list(request):
    if not user_can_use_surveys(request.user):
        raise Http404
    campaigns = campaigns_visible_to(request.user).select_related("municipality").order_by("-opens_on")
    return render(request, "surveys/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_create(request):
    if not user_can_use_surveys(request.user):
        raise Http404
    municipalities = municipalities_for(request.user, user_can_manage_municipality)
    form = CampaignForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(user=request.user, **data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De enquête is aangemaakt met de standaardvragen."))
            return redirect("surveys:campaign", pk=campaign.pk)
    elif request.method == "GET":
        form.initial.setdefault("letter_text", services.DEFAULT_LETTER)
    return render(request, "surveys/campaign_form.html", {"form": form})


@login_required
def campaign_edit(request, pk):
    campaign = _campaign(request, pk)
    form = CampaignForm(request.POST or None, instance=campaign, municipalities=None)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De enquête is bijgewerkt."))
            return redirect("surveys:campaign", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request, pk):
    return _detail(request, _campaign(request, pk))


@login_required
def question_add(request, pk):
    campaign = _campaign(request, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("De vraag is toegevoegd."))
            return redirect("surveys:campaign", pk=campaign.pk)
    return render(request, "surveys/question_form.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    campaign = _campaign(request, pk)
    question = get_object_or_404(Question, pk=question_pk, campaign=campaign)
    try:
        services.question_delete(user=request.user, question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De vraag is verwijderd."))
    return redirect("surveys:campaign", pk=campaign.pk)


def _detail(request, campaign, **extra):
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "questions": campaign.questions.all(),
            "address_form": AddressFileForm(),
            "question_form": QuestionForm(),
            "log": campaign.log.select_related("actor")[:50],
            "responses": campaign.responses.count(),
            "letters_downloaded": campaign.status == Campaign.Status.DRAFT
            and selectors.letters_downloaded_since_made(campaign),
            # Exactly what the letters will carry, shown before they are made (letters.answer_url).
            "letter_url": letters.answer_url(),
            "sample_code": letters.SAMPLE_CODE,
            "letter_url_problems": letters.answer_url_problems(),
            **extra,
        },
    )


@login_required
@require_POST
def letters_make(request, pk):
    campaign = _campaign(request, pk)
    form = AddressFileForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = [message for errors in form.errors.values() for message in errors]
        return _detail(request, campaign, address_form=form, letter_problems=problems)
    upload = form.cleaned_data["file"]
    try:
        count = services.letters_make(
            user=request.user, campaign=campaign, name=upload.name, raw=upload.read(services.MAX_IMPORT_BYTES + 1)
        )
    except ValidationError as error:
        return _detail(request, campaign, address_form=form, letter_problems=error.messages)
    messages.success(request, _("%(n)s brieven met een eigen code zijn klaar om te downloaden.") % {"n": count})
    return redirect("surveys:campaign", pk=campaign.pk)


@login_required
def letters_download(request, pk):
    campaign = _campaign(request, pk)
    if not campaign.letters_file:
        raise Http404
    services.letters_downloaded(user=request.user, campaign=campaign)
    response = FileResponse(campaign.letters_file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brieven-{campaign.municipality.cbs_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def campaign_status(request, pk, action: str):
    """Opening deletes the letters and closing stops the answers for good: first a page that says what will
    happen (no script needed), then a POST with the box ticked does it. Anything else changes nothing."""
    campaign = _campaign(request, pk)
    change = {"openen": services.campaign_open, "sluiten": services.campaign_close}.get(action)
    if change is None:
        raise Http404
    what = selectors.status_change(campaign, action)
    if what.refusal:
        messages.error(request, what.refusal)
        return redirect("surveys:campaign", pk=campaign.pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "1":
            return _change_status(request, campaign, action, change)
        error = _("Er is niets veranderd. Vink eerst aan dat u begrijpt wat er gebeurt.")
    return render(
        request,
        "surveys/campaign_confirm.html",
        {"campaign": campaign, "change": what, "error": error},
    )


def _change_status(request, campaign, action, change):
    try:
        change(user=request.user, campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("De enquête is geopend. De brieven zijn uit het portaal verwijderd.")
            if action == "openen"
            else _("De enquête is gesloten. De cijfers staan bij module 1 van %(name)s.")
            % {"name": campaign.municipality.name},
        )
    return redirect("surveys:campaign", pk=campaign.pk)


def _closed_or_back(request, campaign):
    """Results only after closing: a page reloaded while answers come in would show each one on its own."""
    if campaign.status == Campaign.Status.CLOSED:
        return None
    messages.info(request, _("De resultaten komen beschikbaar zodra de enquête gesloten is."))
    return redirect("surveys:campaign", pk=campaign.pk)


@login_required
def results(request, pk):
    campaign = _campaign(request, pk)
    if (back := _closed_or_back(request, campaign)) is not None:
        return back
    secretariat = user_can_read_open_answers(request.user)
    return render(
        request,
        "surveys/results.html",
        {
            "campaign": campaign,
            "results": selectors.campaign_results(campaign),
            "open_answers": selectors.open_answers(campaign, quotable_only=not secretariat),
            "can_mark": secretariat,
            "minimum": selectors.MIN_RESPONSES,
        },
    )


@login_required
@require_POST
def open_answer_mark(request, pk, answer_pk):
    campaign = _campaign(request, pk)
    if not user_can_read_open_answers(request.user):
        raise Http404
    answer = get_object_or_404(OpenAnswer, pk=answer_pk, response__campaign=campaign)
    services.open_answer_mark(user=request.user, answer=answer, quotable=request.POST.get("quotable") == "1")
    return redirect(reverse("surveys:results", args=[campaign.pk]) + "#open-antwoorden")


@login_required
def report_texts(request, pk):
    campaign = _campaign(request, pk)
    initial = {} if campaign.press_release else {"press_release": report.press_release_draft(campaign)}
    form = ReportTextsForm(request.POST or None, instance=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.report_texts_save(user=request.user, campaign=campaign, **form.cleaned_data)
        messages.success(request, _("De teksten voor het rapport zijn opgeslagen."))
        return redirect("surveys:report_texts", pk=campaign.pk)
    return render(request, "surveys/report_texts.html", {"campaign": campaign, "form": form})


@login_required
def report_pdf(request, pk):
    campaign = _campaign(request, pk)
    if (back := _closed_or_back(request, campaign)) is not None:
        return back
    response = HttpResponse(report.compact_report_pdf(campaign, quotable_only=True), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="enquete-{campaign.municipality.cbs_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The public questionnaire -----------------------------------------------------------------------------------


def _attempts_key(request) -> str:
    return "survey-code-attempts:" + hashlib.sha256(client_ip(request).encode()).hexdigest()


def _too_many_attempts(request) -> bool:
    return cache.get(_attempts_key(request), 0) >= CODE_ATTEMPTS


def _count_attempt(request) -> None:
    key = _attempts_key(request)
    cache.add(key, 0, CODE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, CODE_WINDOW)


def _start_page(request, *, form=None, error: str | None = None, status: int = 200):
    """The code page, with a message when a code could not be used (never an exception: a bound-less form)."""
    return render(request, "surveys/start.html", {"form": form or CodeForm(), "error": error}, status=status)


@never_cache
def start(request):
    """Type the code from the letter (the QR code fills it in); wrong codes are counted per client address."""
    if request.method != "POST":
        return _start_page(request)
    form = CodeForm(request.POST)
    if _too_many_attempts(request):
        return _start_page(
            request, form=form, error=_("Te veel pogingen. Probeer het over een kwartier opnieuw."), status=429
        )
    if not form.is_valid() or form.cleaned_data["website"]:
        _count_attempt(request)
        return _start_page(
            request,
            form=form,
            error=form.errors["code"][0]
            if "code" in form.errors
            else _("Deze code klopt niet. Een code heeft 12 tekens, zoals ABCD-EFGH-JKMN."),
        )
    try:
        code, _invitation = services.code_lookup(form.cleaned_data["code"])
    except services.CodeRefused as refused:
        _count_attempt(request)
        return _start_page(request, form=form, error=refused.messages[0])
    request.session.cycle_key()
    request.session[SESSION_CODE] = code
    return redirect("questionnaire:answer")


def _leave(request, *, error: str | None = None, message: str | None = None):
    """Forget the code in this browser: the next person at the same computer starts from the code page."""
    request.session.pop(SESSION_CODE, None)
    request.session.cycle_key()
    if message:
        messages.success(request, message)
        return redirect("questionnaire:start")
    return _start_page(request, error=error)


@never_cache
def answer(request):
    code = request.session.get(SESSION_CODE)
    if not code:
        return redirect("questionnaire:start")
    try:
        code, invitation = services.code_lookup(code)
    except services.CodeRefused as refused:
        return _leave(request, error=refused.messages[0])
    campaign = invitation.campaign
    questions = list(campaign.questions.all())
    answers = services.draft_load(code, invitation)
    errors = {}
    if request.method == "POST":
        posted = {q.code: request.POST.getlist(q.code) for q in questions}
        if request.POST.get("action") == "opslaan":
            services.draft_save(code=code, invitation=invitation, questions=questions, posted=posted)
            return _leave(
                request,
                message=_("Uw antwoorden zijn bewaard. Vul later dezelfde code in om verder te gaan."),
            )
        try:
            valid = services.answers_validate(questions, posted)
            services.response_submit(code=code, answers=valid)
        except services.CodeRefused as refused:
            return _leave(request, error=refused.messages[0])
        except ValidationError as error:
            errors = error.message_dict
            answers = services.draft_clean(questions, posted)
        else:
            request.session.pop(SESSION_CODE, None)
            request.session.cycle_key()
            thanks_url = reverse("questionnaire:thanks")
            return redirect(f"{thanks_url}?soort={campaign.area}" if campaign.is_business_park else thanks_url)
    return render(
        request,
        "surveys/answer.html",
        {
            "campaign": campaign,
            "items": [(q, _selected(answers.get(q.code)), errors.get(q.code, [])) for q in questions],
            "errors": errors,
        },
    )


def _selected(value) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def thanks(request):
    # Only the closing sentence depends on it: a business-park respondent is not thanked for the rural area.
    return render(request, "surveys/thanks.html", {"business_park": request.GET.get("soort") == "bedrijventerrein"})
