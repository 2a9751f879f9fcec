"""AVG screens in the Wagtail admin: the retention review list, a contact's data export and anonymisation."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Contact
from ..permissions import user_can_manage_crm
from ..personal_data import contact_anonymise, contact_personal_data_exported, inactive_contacts

PER_PAGE = 50


def _require_crm_manager(request):
    if not user_can_manage_crm(request.user):
        raise Http404


class ContactLookupForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.order_by("last_name", "first_name", "pk"),
        label=gettext_lazy("Contactpersoon"),
        help_text=gettext_lazy("Voor een verzoek om inzage of verwijdering van één persoon."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].label_from_instance = lambda c: (
            f"{c} <{c.email}> (#{c.pk})" if c.email else f"{c} (#{c.pk})"
        )


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Bijvoorbeeld: verzoek van de betrokkene van 3 maart, of: bewaartermijn verstreken. "
            "Noem hier geen persoonsgegevens; de reden komt in het logboek."
        ),
        error_messages={"required": gettext_lazy("Geef een reden op voor het anonimiseren.")},
    )


def review(request):
    """Contacts without activity for longer than the retention period, with the actions per contact."""
    _require_crm_manager(request)
    paginator = Paginator(inactive_contacts(), PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    return render(
        request,
        "stakeholders/admin/personal_data_review.html",
        {
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "years": settings.RETENTION["inactive_contact_years"],
            "lookup_form": ContactLookupForm(),
        },
    )


def lookup(request):
    _require_crm_manager(request)
    form = ContactLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("crm:personal_data_contact", pk=form.cleaned_data["contact"].pk)
    return render(request, "stakeholders/admin/personal_data_lookup.html", {"lookup_form": form})


def contact_detail(request, pk):
    _require_crm_manager(request)
    contact = get_object_or_404(Contact, pk=pk)
    return render(
        request,
        "stakeholders/admin/personal_data_contact.html",
        {
            "contact": contact,
            "affiliation_count": contact.affiliations.count(),
            "interaction_count": contact.interactions.count(),
            "user_account": getattr(contact, "user", None),
        },
    )


def export(request, pk):
    _require_crm_manager(request)
    contact = get_object_or_404(Contact, pk=pk)
    data = contact_personal_data_exported(actor=request.user, contact=contact)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="persoonsgegevens-contactpersoon-{contact.pk}.json"'
    return response


def anonymise(request, pk):
    _require_crm_manager(request)
    contact = get_object_or_404(Contact, pk=pk)
    form = AnonymiseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contact_anonymise(actor=request.user, contact=contact, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Contactpersoon #%(pk)s is geanonimiseerd.") % {"pk": contact.pk})
                return redirect("crm:personal_data_review")
        status = 400
    return render(
        request,
        "stakeholders/admin/personal_data_anonymise.html",
        {
            "contact": contact,
            "form": form,
            "affiliation_count": contact.affiliations.count(),
            "interaction_count": contact.interactions.count(),
            "user_account": getattr(contact, "user", None),
        },
        status=status,
    )


urlpatterns = [
    path("", review, name="personal_data_review"),
    path("zoeken/", lookup, name="personal_data_lookup"),
    path("contactpersoon/<int:pk>/", contact_detail, name="personal_data_contact"),
    path("contactpersoon/<int:pk>/export/", export, name="personal_data_export"),
    path("contactpersoon/<int:pk>/anonimiseren/", anonymise, name="personal_data_anonymise"),
]
