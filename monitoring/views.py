"""Programme progress screens. Thin: permissions decide, selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from stakeholders.models import District, Module, Municipality

from . import charts, selectors, services
from .forms import ParticipationForm
from .models import InformationEvening, Participation, Training
from .permissions import (
    municipality_ids_user_can_edit,
    referral_count_municipality_ids,
    user_can_edit_all_figures,
    user_can_edit_municipality,
    user_can_view_progress,
)
from .report import dashboard_tables
from .selectors_figures import figure_tables, trend_threshold, year_series
from .tables import Table, figure_tables_for_display


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _year(raw) -> int:
    years = selectors.view_years()
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return years[-1]
    return year if year in years else years[-1]


def _only(table: Table, name: str) -> Table:
    """The municipality's own row of a figures table (the page of one municipality)."""
    return Table(
        table.slug, table.title, table.columns, [r for r in table.rows if r.heading == name and not r.total], table.note
    )


@login_required
def dashboard(request):
    _require(user_can_view_progress(request.user))
    year = _year(request.GET.get("jaar"))
    district_code = request.GET.get("district") or None
    if district_code and not District.objects.filter(code=district_code).exists():
        district_code = None
    tables = dashboard_tables(year=year, district_code=district_code, user=request.user)
    editable = municipality_ids_user_can_edit(request.user)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            **tables,
            "year": year,
            "years": selectors.view_years(),
            "districts": District.objects.order_by("name"),
            "district_code": district_code,
            "municipality_count": sum(len(b.rows) for b in tables["blocks"]),
            "own_municipality_ids": editable or frozenset(),
            "statuses": Participation.Status.choices,
            "is_secretariat": user_can_edit_all_figures(request.user),
        },
    )


@login_required
def municipality_page(request, cbs_code: str):
    _require(user_can_view_progress(request.user))
    municipality = get_object_or_404(Municipality.objects.select_related("district", "succeeded_by"), cbs_code=cbs_code)
    cells, timeline = selectors.municipality_progress(municipality)
    year = _year(request.GET.get("jaar"))
    family = [municipality.pk, *municipality.predecessors.values_list("pk", flat=True)]
    series = year_series(municipality_ids=family)
    # One municipality's own trend: only the number of responses can be too small.
    min_responses = trend_threshold().min_responses
    existed = selectors.view_day(year)
    figures = []
    if (municipality.valid_from is None or municipality.valid_from <= existed) and (
        municipality.valid_until is None or municipality.valid_until >= existed
    ):
        locations_for = referral_count_municipality_ids(request.user)
        tables = figure_tables(year=year, district_code=municipality.district.code, locations_for=locations_for)
        figures = [_only(table, municipality.name) for table in figure_tables_for_display(tables)]
        figures = [table for table in figures if table.rows]  # e.g. module 5 of another AOV's municipality
    can_edit = user_can_edit_municipality(request.user, municipality) and (
        municipality.valid_until is None or municipality.valid_until >= timezone.localdate()
    )
    return render(
        request,
        "monitoring/municipality.html",
        {
            "municipality": municipality,
            "cells": cells,
            "timeline": timeline,
            "can_edit": can_edit,
            "year": year,
            "years": selectors.view_years(),
            "figures": figures,
            "charts": [
                charts.survey_chart(series, slug="grafiek-enquete", min_responses=min_responses),
                charts.police_chart(series, slug="grafiek-politie"),
            ],
            "evenings": InformationEvening.objects.filter(municipality_id__in=family).select_related("municipality"),
            "trainings": Training.objects.filter(municipality_id__in=family).select_related("municipality"),
        },
    )


@login_required
def participation_edit(request, cbs_code: str, module_number: int):
    municipality = get_object_or_404(Municipality, cbs_code=cbs_code)
    _require(user_can_edit_municipality(request.user, municipality))
    module = get_object_or_404(Module, number=module_number)
    participation = Participation.objects.filter(municipality=municipality, module=module).first()
    form = ParticipationForm(request.POST or None, instance=participation, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        services.participation_update(
            user=request.user,
            municipality=municipality,
            module=module,
            status=form.cleaned_data["status"],
            started_on=form.cleaned_data["started_on"],
            finished_on=form.cleaned_data["finished_on"],
            responsible_aov=form.cleaned_data["responsible_aov"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("De voortgang van %(name)s is opgeslagen.") % {"name": municipality.name})
        return redirect("monitoring:municipality", cbs_code=municipality.cbs_code)
    return render(
        request,
        "monitoring/participation_form.html",
        {"municipality": municipality, "module": module, "form": form},
    )
