"""The minutes cycle in the front end: the secretariat writes and publishes, the chair reviews, those
present comment, and every version can be compared. Whoever may not read the minutes gets 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.sanitize import rich_text_to_markup

from .. import pdf
from ..models import MeetingPage, MinutesComment
from ..permissions import (
    meetings_visible_to,
    user_can_manage_meetings,
    user_can_read_minutes,
    user_can_review_minutes_as_chair,
)
from ..selectors import meeting_context
from ..selectors_minutes import (
    EVENT_LABELS,
    amend_items,
    can_amend,
    minutes_of,
    minutes_page_context,
    minutes_pdf_data,
    version_compare,
    version_status_label,
    versions_visible_to,
)
from ..services import minutes as services

# --- Forms ----------------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Uw reactie"), max_length=services.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChairDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Uw oordeel"),
        choices=[
            ("approve", gettext_lazy("Goedkeuren")),
            ("changes", gettext_lazy("Aanpassing vragen")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Kies: goedkeuren of aanpassing vragen.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Opmerking"), required=False, max_length=services.COMMENT_MAX, widget=forms.Textarea
    )


class PublishForm(forms.Form):
    comment_days = forms.IntegerField(
        label=gettext_lazy("Reactietermijn in dagen"),
        min_value=1,
        max_value=services.COMMENT_DAYS_MAX,
        initial=services.COMMENT_DAYS_DEFAULT,
        error_messages={
            "required": gettext_lazy("Vul het aantal dagen in."),
            "invalid": gettext_lazy("Vul een heel aantal dagen in."),
            "min_value": gettext_lazy("Kies minstens 1 dag."),
            "max_value": gettext_lazy("Kies hoogstens %(limit_value)s dagen."),
        },
    )
    nobody_present_ok = forms.BooleanField(
        label=gettext_lazy("Toch publiceren, ook al kan niemand reageren"), required=False
    )


ANSWER_CHOICES = [(value, label) for value, label in MinutesComment.Resolution.choices if value]


class AmendForm(forms.Form):
    """The texts of every item and an answer to every comment not answered before."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"text-{item.pk}"] = forms.CharField(
                required=False, initial=item.markup, strip=False, widget=forms.Textarea
            )
            for comment in item.comment_list:
                if comment.resolution:
                    continue
                self.fields[f"answer-{comment.pk}"] = forms.ChoiceField(
                    choices=ANSWER_CHOICES,
                    widget=forms.RadioSelect,
                    error_messages={"required": gettext_lazy("Kies wat er met deze reactie is gedaan.")},
                )
                self.fields[f"note-{comment.pk}"] = forms.CharField(
                    required=False, max_length=services.ANSWER_NOTE_MAX, widget=forms.Textarea
                )

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if name.startswith("answer-") and cleaned.get(name):
                comment_id = name.removeprefix("answer-")
                answer = services.CommentAnswer(cleaned[name], cleaned.get(f"note-{comment_id}") or "")
                problem = services.answer_problem(answer)
                if problem:
                    self.add_error(f"note-{comment_id}", problem)
        return cleaned

    def texts(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"text-{item.pk}"] for item in self.items}

    def answers(self) -> dict[int, services.CommentAnswer]:
        return {
            int(name.removeprefix("answer-")): services.CommentAnswer(
                value, self.cleaned_data.get(f"note-{name.removeprefix('answer-')}") or ""
            )
            for name, value in self.cleaned_data.items()
            if name.startswith("answer-")
        }


class AdoptForm(forms.Form):
    adopted_at_meeting = forms.ModelChoiceField(
        label=gettext_lazy("Vastgesteld in het overleg van"),
        queryset=MeetingPage.objects.none(),
        error_messages={
            "required": gettext_lazy("Kies het overleg waarin de notulen zijn vastgesteld."),
            "invalid_choice": gettext_lazy("Kies een later overleg van hetzelfde platform dat al is gehouden."),
        },
    )

    def __init__(self, *args, meeting, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_at_meeting"].queryset = services.later_meetings(meeting, user=user)


# --- Loading with the permission checks -------------------------------------------------------------------


def _meeting(request, meeting_id: int) -> MeetingPage:
    return get_object_or_404(meetings_visible_to(request.user), pk=meeting_id)


def _readable_minutes(request, meeting_id: int):
    minutes = minutes_of(_meeting(request, meeting_id))
    if minutes is None or not user_can_read_minutes(request.user, minutes):
        raise Http404
    return minutes


def _managed_minutes(request, meeting_id: int):
    if not user_can_manage_meetings(request.user):
        raise Http404
    return _readable_minutes(request, meeting_id)


def _first_error(error: ValidationError) -> str:
    return error.messages[0]


def _page(request, minutes, *, status: int = 200, **extra):
    context = minutes_page_context(minutes=minutes, user=request.user)
    context.setdefault("publish_form", PublishForm())
    context.setdefault("review_form", ChairDecisionForm())
    context.update(extra)
    if "comment_item_id" in extra and all(item.pk != extra["comment_item_id"] for item in context["items"]):
        context["comment_error_elsewhere"] = True
    return render(request, "meetings/minutes_page.html", context, status=status)


# --- Pages ----------------------------------------------------------------------------------------------


@login_required
def minutes_page(request, meeting_id: int):
    return _page(request, _readable_minutes(request, meeting_id))


@login_required
@require_POST
def minutes_start(request, meeting_id: int):
    if not user_can_manage_meetings(request.user):
        raise Http404
    meeting = _meeting(request, meeting_id)
    try:
        services.minutes_start(user=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, _first_error(error))
        return redirect(meeting.url)
    messages.success(request, _("De notulen zijn aangemaakt, met een kopje per agendapunt."))
    return redirect("meetings:minutes_edit", meeting_id=meeting.pk)


@login_required
def minutes_edit(request, meeting_id: int):
    minutes = _managed_minutes(request, meeting_id)
    items = list(minutes.items.all())
    error = ""
    if request.method == "POST":
        # Only the fields sent: a missing field never wipes an item's text.
        texts = {item.pk: request.POST[f"text-{item.pk}"] for item in items if f"text-{item.pk}" in request.POST}
        try:
            version = services.minutes_save(user=request.user, minutes=minutes, texts=texts)
        except ValidationError as exc:
            error = _first_error(exc)
            for item in items:
                item.markup = texts.get(item.pk, rich_text_to_markup(item.text))
        else:
            if version is None:
                messages.info(request, _("Er was niets gewijzigd."))
            else:
                messages.success(request, _("Opgeslagen als versie %(n)s.") % {"n": version.number})
            if request.POST.get("next") == "submit":
                _submit(request, minutes)
            return redirect("meetings:minutes", meeting_id=meeting_id)
    else:
        for item in items:
            item.markup = rich_text_to_markup(item.text)
    return render(
        request,
        "meetings/minutes_edit.html",
        {
            "meeting": minutes.meeting,
            "minutes": minutes,
            "items": items,
            "error": error,
            "editable": minutes.status in (minutes.Status.CONCEPT, minutes.Status.CHANGES_REQUESTED),
            "chair_approved": services.chair_has_approved(minutes),
            "has_chair_user": bool(services.chair_users(minutes.meeting)),
        },
        status=400 if error else 200,
    )


def _submit(request, minutes) -> None:
    try:
        services.minutes_submit_to_chair(user=request.user, minutes=minutes)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("De notulen liggen nu bij de voorzitter."))


@login_required
@require_POST
def minutes_submit(request, meeting_id: int):
    _submit(request, _managed_minutes(request, meeting_id))
    return redirect("meetings:minutes", meeting_id=meeting_id)


@login_required
@require_POST
def minutes_review(request, meeting_id: int):
    minutes = _readable_minutes(request, meeting_id)
    if not user_can_review_minutes_as_chair(request.user, minutes):
        raise Http404
    form = ChairDecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, minutes, status=400, review_form=form)
    try:
        services.minutes_chair_decide(
            user=request.user,
            minutes=minutes,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        form.add_error("comment", error)
        return _page(request, minutes, status=400, review_form=form)
    messages.success(request, _("Dank u, uw oordeel is doorgegeven aan het secretariaat."))
    return redirect("meetings:minutes", meeting_id=meeting_id)


@login_required
@require_POST
def minutes_publish(request, meeting_id: int):
    minutes = _managed_minutes(request, meeting_id)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            published = services.minutes_publish(
                user=request.user,
                minutes=minutes,
                comment_days=form.cleaned_data["comment_days"],
                nobody_present_confirmed=form.cleaned_data["nobody_present_ok"],
            )
        except ValidationError as error:
            form.add_error("nobody_present_ok" if error.code == "nobody_present" else "comment_days", error)
    if form.errors:
        return _page(request, minutes, status=400, publish_form=form)
    messages.success(request, _published_message(published))
    return redirect("meetings:minutes", meeting_id=meeting_id)


def _published_message(published: services.Published) -> str:
    """Says who was told: the secretariat should not read 'the members are informed' when nobody was."""
    until = services.moment_text(published.minutes.comments_until)
    parts = [_("De concept-notulen zijn gepubliceerd.")]
    if published.present_told:
        parts.append(
            ngettext(
                "%(n)s aanwezige is ingelicht en kan reageren tot %(until)s.",
                "%(n)s aanwezigen zijn ingelicht en kunnen reageren tot %(until)s.",
                published.present_told,
            )
            % {"n": published.present_told, "until": until}
        )
    else:
        parts.append(_("Niemand kan reageren: geen van de aanwezigen is ingelicht."))
    if published.present_without_account:
        parts.append(
            ngettext(
                "%(n)s aanwezige heeft geen account op het portaal en kon niet worden ingelicht.",
                "%(n)s aanwezigen hebben geen account op het portaal en konden niet worden ingelicht.",
                published.present_without_account,
            )
            % {"n": published.present_without_account}
        )
    parts.append(
        ngettext(
            "%(n)s ander lid van het platform of het secretariaat heeft een melding gekregen.",
            "%(n)s andere leden van het platform en het secretariaat hebben een melding gekregen.",
            published.others_told,
        )
        % {"n": published.others_told}
    )
    return " ".join(parts)


@login_required
@require_POST
def minutes_comment(request, meeting_id: int, item_id: int):
    minutes = _readable_minutes(request, meeting_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_comment_add(
                user=request.user, minutes=minutes, item_id=item_id, text=form.cleaned_data["text"]
            )
        except PermissionDenied:
            raise Http404
        except ValidationError as error:
            form.add_error("text", error)
    if form.errors:
        # The page again, with the text kept in the form: a refused comment is not lost.
        return _page(request, minutes, status=400, comment_item_id=item_id, comment_form=form)
    messages.success(request, _("Uw reactie is geplaatst."))
    return redirect(reverse("meetings:minutes", args=[meeting_id]) + f"#punt-{item_id}")


@login_required
@require_POST
def minutes_adopt(request, meeting_id: int):
    minutes = _managed_minutes(request, meeting_id)
    form = AdoptForm(request.POST, meeting=minutes.meeting, user=request.user)
    if form.is_valid():
        try:
            services.minutes_adopt(
                user=request.user, minutes=minutes, adopted_at_meeting=form.cleaned_data["adopted_at_meeting"]
            )
        except ValidationError as error:
            form.add_error("adopted_at_meeting", error)
    if form.errors:
        return _page(request, minutes, status=400, adopt_form=form)
    messages.success(request, _("De notulen zijn vastgesteld."))
    return redirect("meetings:minutes", meeting_id=meeting_id)


@login_required
def minutes_amend(request, meeting_id: int):
    """After the comment period: the text with the comments beside it, and an answer to each comment."""
    minutes = _managed_minutes(request, meeting_id)
    items = amend_items(minutes)
    form = AmendForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                amended = services.minutes_amend(
                    user=request.user, minutes=minutes, texts=form.texts(), answers=form.answers()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _amended_message(amended))
                return redirect("meetings:minutes", meeting_id=meeting_id)
        status = 400
    for item in items:
        item.field = form[f"text-{item.pk}"]
        for comment in item.comment_list:
            if not comment.resolution:
                comment.answer_field = form[f"answer-{comment.pk}"]
                comment.note_field = form[f"note-{comment.pk}"]
    return render(
        request,
        "meetings/minutes_amend.html",
        {
            "meeting": minutes.meeting,
            "minutes": minutes,
            "items": items,
            "form": form,
            "amendable": can_amend(minutes),
            "answer_choices": ANSWER_CHOICES,
            "not_worked_in": MinutesComment.Resolution.NOT_WORKED_IN,
        },
        status=status,
    )


def _amended_message(amended: services.Amended) -> str:
    if amended.version is not None:
        parts = [_("De aangepaste tekst is opgeslagen als versie %(n)s.") % {"n": amended.version.number}]
    else:
        parts = [_("De tekst is niet gewijzigd.")]
    if amended.answered:
        parts.append(
            ngettext(
                "%(n)s reactie beantwoord; %(told)s indiener ingelicht.",
                "%(n)s reacties beantwoord; %(told)s indieners ingelicht.",
                amended.answered,
            )
            % {"n": amended.answered, "told": amended.told}
        )
    parts.append(_("U kunt de notulen nu vaststellen in een volgend overleg dat is gehouden."))
    return " ".join(parts)


@login_required
def minutes_versions(request, meeting_id: int):
    """?a=1&b=3 compares two versions; without them, the list to choose from."""
    minutes = _readable_minutes(request, meeting_id)
    versions = {v.number: v for v in versions_visible_to(request.user, minutes).select_related("created_by")}
    numbers = sorted(versions)
    error, diffs, old, new = "", None, None, None
    if "a" in request.GET or "b" in request.GET:
        try:
            old, new = versions[int(request.GET.get("a", ""))], versions[int(request.GET.get("b", ""))]
        except (KeyError, ValueError):
            error = _("Kies twee versies uit de lijst.")
        else:
            if old.number > new.number:
                old, new = new, old
            diffs = version_compare(old=old, new=new)
    elif len(numbers) >= 2:
        old, new = versions[numbers[-2]], versions[numbers[-1]]
        diffs = version_compare(old=old, new=new)
    for version in versions.values():
        version.status_label = EVENT_LABELS.get(version.snapshot.get("event")) or version_status_label(version)
    return render(
        request,
        "meetings/minutes_versions.html",
        {
            "meeting": minutes.meeting,
            "minutes": minutes,
            "versions": [versions[n] for n in numbers],
            "old": old,
            "new": new,
            "diffs": diffs,
            "any_change": bool(diffs) and any(d.changed for d in diffs),
            "error": error,
        },
        status=400 if error else 200,
    )


# --- PDFs -----------------------------------------------------------------------------------------------


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def agenda_pdf(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    context = meeting_context(meeting=meeting, user=request.user)
    content = pdf.agenda_pdf(
        meeting=meeting,
        agenda=context["agenda"],
        previous_actions=context["previous_actions"],
        unlinked_decisions=context["unlinked_decisions"],
        unlinked_actions=context["unlinked_actions"],
    )
    return _pdf_response(content, f"agenda-{slugify(meeting.title) or meeting.pk}")


@login_required
def minutes_pdf(request, meeting_id: int):
    minutes = _readable_minutes(request, meeting_id)
    content = pdf.minutes_pdf(minutes=minutes, **minutes_pdf_data(minutes=minutes))
    return _pdf_response(content, f"notulen-{slugify(minutes.meeting.title) or minutes.meeting_id}")
