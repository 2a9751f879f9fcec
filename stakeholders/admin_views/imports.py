"""Import screens in the Wagtail admin: upload, preview with fixes and merge/skip, confirm."""

import csv
import io
import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..imports import (
    COLUMNS,
    MERGE,
    NEW,
    SKIP,
    ImportFileError,
    import_batch_cancel,
    import_batch_confirm,
    import_batch_create,
    import_batch_edit,
    import_preview,
)
from ..models import ImportBatch
from ..permissions import user_can_manage_crm

SNIPPET_LISTS = {
    ImportBatch.Kind.ORGANISATIONS: "wagtailsnippets_stakeholders_organisation:list",
    ImportBatch.Kind.CONTACTS: "wagtailsnippets_stakeholders_contact:list",
}
CELL = re.compile(r"^row-(\d+)-(\w+)$")
DECISION = re.compile(r"^decision-(\d+)$")
# The preview form posts the inputs of one page only: a 5000-row file with a text input per cell would
# exceed DATA_UPLOAD_MAX_NUMBER_FIELDS (and make a page nobody can work with). 50 rows x 11 columns stays
# well under Django's limit of 1000 fields.
PREVIEW_PAGE_SIZE = 50
# ?toon= on the preview: which rows to list.
SHOW = {"alle": None, "fouten": "error", "dubbel": "duplicate", "nieuw": "new"}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Wat importeert u?"), choices=ImportBatch.Kind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=gettext_lazy("Bestand"),
        help_text=gettext_lazy("Een .csv- of .xlsx-bestand van hoogstens 2 MB, met kolomnamen op de eerste rij."),
    )


def _require_crm_manager(request):
    if not user_can_manage_crm(request.user):
        raise Http404


def upload(request):
    _require_crm_manager(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(
                actor=request.user, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"]
            )
        except ImportFileError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("crm:import_preview", pk=batch.pk)
    return render(request, "stakeholders/admin/import_upload.html", {"form": form, "columns": COLUMNS})


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _preview_url(batch, *, show: str, page: int) -> str:
    query = {key: value for key, value in (("toon", show), ("pagina", page)) if value not in ("alle", 1)}
    url = reverse("crm:import_preview", args=[batch.pk])
    return f"{url}?{urlencode(query)}" if query else url


def preview(request, pk):
    """One page of the preview at a time. Paging and filtering are submit buttons of the form, so what was
    typed or chosen on the page is saved before another page is shown."""
    _require_crm_manager(request)
    batch = get_object_or_404(ImportBatch, pk=pk, status=ImportBatch.Status.PREVIEW)
    if request.method == "POST":
        edits: dict[int, dict] = {}
        decisions: dict[int, str] = {}
        for key, value in request.POST.items():
            if match := CELL.match(key):
                edits.setdefault(int(match[1]), {})[match[2]] = value
            elif match := DECISION.match(key):
                decisions[int(match[1])] = value
        import_batch_edit(
            actor=request.user,
            batch=batch,
            edits=edits,
            decisions=decisions,
            decide_all=request.POST.get("alle_dubbele", ""),
        )
        if "confirm" in request.POST:
            try:
                summary = import_batch_confirm(actor=request.user, batch=batch)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Import klaar: %(created)d nieuw, %(merged)d samengevoegd, %(skipped)d overgeslagen.") % summary,
                )
                return redirect(SNIPPET_LISTS[batch.kind])
        show = request.POST.get("naar_toon") or request.POST.get("toon", "alle")
        page = request.POST.get("naar_pagina") or ("1" if "naar_toon" in request.POST else request.POST.get("pagina"))
        return redirect(_preview_url(batch, show=show if show in SHOW else "alle", page=_page_number(page)))
    show = request.GET.get("toon", "alle")
    show = show if show in SHOW else "alle"
    result = import_preview(batch=batch)
    shown = [row for row in result.rows if SHOW[show] is None or row.status == SHOW[show]]
    page = Paginator(shown, PREVIEW_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "stakeholders/admin/import_preview.html",
        {
            "batch": batch,
            "preview": result,
            "page": page,
            "table": result.table_of(page.object_list),
            "show": show,
            "show_choices": [
                ("alle", _("alle rijen"), len(result.rows)),
                ("fouten", _("met fouten"), result.error_count),
                ("dubbel", _("mogelijk dubbel"), result.duplicate_count),
                ("nieuw", _("nieuw"), result.new_count),
            ],
            "merge": MERGE,
            "skip": SKIP,
            "new": NEW,
        },
    )


@require_POST
def cancel(request, pk):
    _require_crm_manager(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        import_batch_cancel(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.info(request, _("De import is geannuleerd. Er is niets veranderd."))
    return redirect("crm:import_upload")


def example(request, kind):
    """An empty spreadsheet with the right headings, to start from."""
    _require_crm_manager(request)
    if kind not in COLUMNS:
        raise Http404
    output = io.StringIO()
    csv.writer(output, delimiter=";").writerow([aliases[0] for aliases in COLUMNS[kind].values()])
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="voorbeeld-{kind}.csv"'
    return response


urlpatterns = [
    path("", upload, name="import_upload"),
    path("voorbeeld/<str:kind>/", example, name="import_example"),
    path("<uuid:pk>/", preview, name="import_preview"),
    path("<uuid:pk>/annuleren/", cancel, name="import_cancel"),
]
