from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.listing import facet_group

from . import selectors, services
from .forms import DirectoryFilterForm, OrganisationProfileForm, OwnContactForm
from .permissions import user_can_edit_organisation, user_can_see_internal_notes, user_can_use_directory
from .vcard import contact_vcard

PAGE_SIZE = 25


def _directory_user(request):
    if not user_can_use_directory(request.user):
        raise Http404
    return request.user


@login_required
def directory(request):
    """Wie is wie. With ?fragment=1 only the results are rendered, for search as you type."""
    user = _directory_user(request)
    form = DirectoryFilterForm(request.GET or None, choices=selectors.directory_filter_choices(user=user))
    data, notices = form.usable_filters()
    filters = selectors.DirectoryFilters(
        q=data.get("q", "").strip(),
        partner_type=data.get("type", ""),
        district=data.get("district", ""),
        municipality=data.get("gemeente", ""),
    )
    context = {
        "form": form,
        "filters": filters,
        "filter_notices": notices,
        "organisations": Paginator(selectors.directory_organisations(user=user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("org_pagina")
        ),
        "contacts": Paginator(selectors.directory_contacts(user=user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("pagina")
        ),
        # The numbers per partner type are links that choose that type and keep the other filters.
        "type_facets": facet_group(
            request.GET,
            name="type",
            title=form.fields["type"].label,
            values=[
                (t["code"], t["name"], t["count"]) for t in selectors.directory_type_counts(user=user, filters=filters)
            ],
            reset=("pagina", "org_pagina"),
        ),
    }
    template = "stakeholders/_directory_results.html" if request.GET.get("fragment") else "stakeholders/directory.html"
    return render(request, template, context)


@login_required
def organisation_detail(request, pk: int):
    user = _directory_user(request)
    organisation = selectors.organisation_profile(user=user, organisation_id=pk)
    if organisation is None:
        raise Http404
    return render(
        request,
        "stakeholders/organisation_detail.html",
        {
            "organisation": organisation,
            "people": selectors.organisation_people(user=user, organisation=organisation),
            "can_edit": user_can_edit_organisation(user, organisation),
            "show_internal_notes": user_can_see_internal_notes(user),
        },
    )


@login_required
def organisation_edit(request, pk: int):
    user = _directory_user(request)
    organisation = selectors.organisation_profile(user=user, organisation_id=pk)
    if organisation is None or not user_can_edit_organisation(user, organisation):
        raise Http404
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update_profile(user=user, form=form)
        messages.success(request, _("Het profiel van %(name)s is bijgewerkt.") % {"name": organisation.name})
        return redirect("stakeholders:organisation", pk=organisation.pk)
    return render(request, "stakeholders/organisation_form.html", {"organisation": organisation, "form": form})


@login_required
def contact_vcard_download(request, pk: int):
    contact = selectors.visible_contact(user=_directory_user(request), contact_id=pk)
    if contact is None:
        raise Http404
    response = HttpResponse(contact_vcard(contact), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(str(contact)) or "contact"}.vcf"'
    return response


@login_required
def my_contact(request):
    """Everyone edits their own contact data and consents."""
    contact = request.user.contact
    if contact is None:
        raise Http404
    form = OwnContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.contact_update_own(user=request.user, form=form)
        messages.success(request, _("Uw gegevens zijn opgeslagen."))
        return redirect("stakeholders:my_contact")
    return render(request, "stakeholders/my_contact.html", {"form": form})
