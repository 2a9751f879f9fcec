"""Merge screens in the Wagtail admin: pick the record to keep and the duplicate, compare, choose, confirm."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..merge import DUPLICATE, KEEP, merge_comparison, merge_related_counts, record_merge
from ..models import Contact, Organisation
from ..permissions import user_can_manage_crm

KINDS = {"organisaties": Organisation, "contactpersonen": Contact}
EDIT_URLS = {
    Organisation: "wagtailsnippets_stakeholders_organisation:edit",
    Contact: "wagtailsnippets_stakeholders_contact:edit",
}


def _require_crm_manager(request):
    if not user_can_manage_crm(request.user):
        raise Http404


def _model_for(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404


class RecordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if isinstance(obj, Contact) and obj.email:
            return f"{obj} <{obj.email}> (#{obj.pk})"
        return f"{obj} (#{obj.pk})"


def mergeable(model):
    if model is Contact:
        return Contact.objects.filter(anonymised_at__isnull=True)
    return Organisation.objects.exclude(Q(is_active=False) & Q(name__contains="(samengevoegd met #"))


class PairForm(forms.Form):
    keep = RecordChoiceField(queryset=Organisation.objects.none(), label=gettext_lazy("Bewaren"))
    duplicate = RecordChoiceField(queryset=Organisation.objects.none(), label=gettext_lazy("Dubbel (opheffen)"))

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.queryset = mergeable(model)
        self.fields["keep"].help_text = gettext_lazy("Dit record blijft bestaan en krijgt alles van het dubbele.")

    def clean(self):
        cleaned = super().clean()
        keep, duplicate = cleaned.get("keep"), cleaned.get("duplicate")
        if keep is not None and duplicate is not None and keep.pk == duplicate.pk:
            raise ValidationError(
                _("Een record kan niet met zichzelf worden samengevoegd. Kies twee verschillende."), code="same"
            )
        return cleaned


def _field_choices(post, comparison) -> dict[str, str]:
    return {row.name: post.get(f"choice-{row.name}", row.choice) for row in comparison}


def _render_compare(request, kind, model, keep, duplicate, *, chosen=None, status=200):
    comparison = merge_comparison(keep=keep, duplicate=duplicate)
    rows = [(row, (chosen or {}).get(row.name, row.choice)) for row in comparison]
    return render(
        request,
        "stakeholders/admin/merge_compare.html",
        {
            "kind": kind,
            "verbose_name": model._meta.verbose_name,
            "keep": keep,
            "duplicate": duplicate,
            "rows": rows,
            "keep_counts": merge_related_counts(record=keep),
            "duplicate_counts": merge_related_counts(record=duplicate),
            "KEEP": KEEP,
            "DUPLICATE": DUPLICATE,
            "is_contact": model is Contact,
        },
        status=status,
    )


def index(request):
    _require_crm_manager(request)
    return render(request, "stakeholders/admin/merge_index.html", {"kinds": KINDS})


def merge(request, kind):
    """GET without a pair: the pick form. GET with ?keep=&duplicate=: the comparison. POST: the merge."""
    _require_crm_manager(request)
    model = _model_for(kind)
    data = request.POST if request.method == "POST" else request.GET
    bound = request.method == "POST" or "keep" in data or "duplicate" in data
    form = PairForm(data if bound else None, model=model)
    if not bound or not form.is_valid():
        return render(
            request,
            "stakeholders/admin/merge_select.html",
            {"form": form, "kind": kind, "verbose_name_plural": model._meta.verbose_name_plural},
            status=400 if bound and request.method == "POST" else 200,
        )
    keep, duplicate = form.cleaned_data["keep"], form.cleaned_data["duplicate"]
    if request.method != "POST":
        return _render_compare(request, kind, model, keep, duplicate)
    chosen = _field_choices(request.POST, merge_comparison(keep=keep, duplicate=duplicate))
    try:
        record_merge(actor=request.user, keep=keep, duplicate=duplicate, field_choices=chosen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_compare(request, kind, model, keep, duplicate, chosen=chosen, status=400)
    messages.success(
        request,
        _("%(duplicate)s is samengevoegd met %(keep)s.")
        % {"duplicate": f"{duplicate} (#{duplicate.pk})", "keep": f"{keep} (#{keep.pk})"},
    )
    return redirect(reverse(EDIT_URLS[model], args=[keep.pk]))


urlpatterns = [
    path("", index, name="merge_index"),
    path("<str:kind>/", merge, name="merge"),
]
