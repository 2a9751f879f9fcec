"""Entering the figures of modules 1–3 and the police figures, and the Stuurgroep report. Thin: permissions
decide, services validate and write, selectors and tables read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from stakeholders.models import Municipality

from . import report, services_figures
from .forms import (
    InformationEveningForm,
    PoliceFiguresForm,
    PoliceImportForm,
    ProgressReportForm,
    SurveyResultForm,
    TrainingForm,
    TrendThresholdForm,
)
from .models import InformationEvening, PoliceFigures, ProgressReport, SurveyResult, Training
from .permissions import user_can_edit_all_figures, user_can_edit_municipality
from .selectors import view_years
from .selectors_figures import trend_threshold


def _editable_municipality(request, cbs_code: str) -> Municipality:
    municipality = get_object_or_404(Municipality.objects.select_related("succeeded_by"), cbs_code=cbs_code)
    if not user_can_edit_municipality(request.user, municipality):
        raise Http404
    return municipality


def _back(municipality):
    return redirect("monitoring:municipality", cbs_code=municipality.cbs_code)


def _year_from(request) -> int:
    """The year being entered: the form's on a POST, the link's (?jaar=) otherwise, else this year."""
    raw = request.POST.get("year") if request.method == "POST" else request.GET.get("jaar")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return timezone.localdate().year


def _save_yearly(request, cbs_code, *, model, form_class, save, template_title):
    """Survey results and police figures: one entry per municipality and year, created or replaced."""
    municipality = _editable_municipality(request, cbs_code)
    year = _year_from(request)
    existing = model.objects.filter(municipality=municipality, year=year).first()
    form = form_class(request.POST or None, instance=existing, municipality=municipality, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, municipality=municipality, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(what)s van %(name)s over %(year)s zijn opgeslagen.")
                % {"what": template_title, "name": municipality.name, "year": form.cleaned_data["year"]},
            )
            return _back(municipality)
    return render(
        request,
        "monitoring/figure_form.html",
        {
            "municipality": municipality,
            "form": form,
            "title": template_title,
            "read_only": getattr(existing, "source", "") == SurveyResult.Source.PORTAL,
        },
    )


@login_required
def survey_result_edit(request, cbs_code: str):
    return _save_yearly(
        request,
        cbs_code,
        model=SurveyResult,
        form_class=SurveyResultForm,
        save=services_figures.survey_result_save,
        template_title=_("De enquêteresultaten"),
    )


@login_required
def police_figures_edit(request, cbs_code: str):
    return _save_yearly(
        request,
        cbs_code,
        model=PoliceFigures,
        form_class=PoliceFiguresForm,
        save=services_figures.police_figures_save,
        template_title=_("De politiecijfers"),
    )


def _entry_edit(request, cbs_code, pk, *, model, form_class, save, noun, with_municipality, kind):
    municipality = _editable_municipality(request, cbs_code)
    entry = get_object_or_404(model, pk=pk, municipality=municipality) if pk else None
    extra = {"municipality": municipality} if with_municipality else {}
    form = form_class(request.POST or None, instance=entry, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, municipality=municipality, **{noun: entry}, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Opgeslagen bij %(name)s.") % {"name": municipality.name})
            return _back(municipality)
    return render(
        request,
        "monitoring/figure_form.html",
        {
            "municipality": municipality,
            "form": form,
            "title": model._meta.verbose_name.capitalize(),
            "entry": entry,
            "delete_kind": kind,
        },
    )


@login_required
def information_evening_edit(request, cbs_code: str, pk: int | None = None):
    return _entry_edit(
        request,
        cbs_code,
        pk,
        model=InformationEvening,
        form_class=InformationEveningForm,
        save=services_figures.information_evening_save,
        noun="evening",
        with_municipality=True,
        kind="informatieavond",
    )


@login_required
def training_edit(request, cbs_code: str, pk: int | None = None):
    return _entry_edit(
        request,
        cbs_code,
        pk,
        model=Training,
        form_class=TrainingForm,
        save=services_figures.training_save,
        noun="training",
        with_municipality=True,
        kind="training",
    )


@login_required
def entry_delete(request, cbs_code: str, kind: str, pk: int):
    municipality = _editable_municipality(request, cbs_code)  # before anything else: others get a 404
    if request.method != "POST":
        raise Http404
    model = {"informatieavond": InformationEvening, "training": Training}.get(kind)
    if model is None:
        raise Http404
    entry = get_object_or_404(model, pk=pk, municipality=municipality)
    services_figures.figure_entry_delete(user=request.user, entry=entry)
    messages.success(request, _("Verwijderd bij %(name)s.") % {"name": municipality.name})
    return _back(municipality)


@login_required
def police_import(request):
    if not user_can_edit_all_figures(request.user):
        raise Http404
    form = PoliceImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services_figures.police_figures_import(
                user=request.user, name=upload.name, raw=upload.read(services_figures.MAX_IMPORT_BYTES + 1)
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("Politiecijfers ingelezen: %(created)s nieuw, %(updated)s bijgewerkt.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("monitoring:dashboard")
    return render(request, "monitoring/police_import.html", {"form": form, "problems": problems})


@login_required
def trend_threshold_edit(request):
    if not user_can_edit_all_figures(request.user):
        raise Http404
    current = trend_threshold()
    form = TrendThresholdForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services_figures.trend_threshold_save(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("De drempel voor de trends is opgeslagen."))
            return redirect("monitoring:trend_threshold")
    return render(request, "monitoring/trend_threshold.html", {"form": form, "threshold": current})


# --- The Stuurgroep report ---------------------------------------------------------------------------------


def _report_year(year: int) -> int:
    if year not in view_years():
        raise Http404
    return year


@login_required
def report_edit(request, year: int):
    if not user_can_edit_all_figures(request.user):
        raise Http404
    year = _report_year(year)
    instance = ProgressReport.objects.filter(year=year).first() or ProgressReport(year=year)
    form = ProgressReportForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("De procesevaluatie over %(year)s is opgeslagen.") % {"year": year})
        return redirect("monitoring:report", year=year)
    context = {"form": form, "year": year, "years": view_years(), "report": instance, "threshold": trend_threshold()}
    return render(request, "monitoring/report.html", context)


@login_required
def report_download(request, year: int, extension: str):
    if not user_can_edit_all_figures(request.user) or extension not in ("pdf", "xlsx"):
        raise Http404
    data = report.report_data(year=_report_year(year), user=request.user)
    if extension == "pdf":
        content, content_type = report.report_pdf(data), "application/pdf"
    else:
        content = report.report_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="stuurgroep-voortgang-{year}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
