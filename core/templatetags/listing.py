"""One pagination and one way of showing filters for every list of the portal (issue #20).

- `{% pagination page param="pagina" label=... %}`: a nav landmark with its own name (two lists on one page get
  two names), previous/next in Dutch, the page numbers around the current one with `aria-current="page"`; its
  links keep every other parameter of the address (all values of a repeated one).
- `{% facets groups %}`: facet values with their counts as links that apply the filter and keep the others.
- `{% active_filters filters %}` / `{% active_filters_of form %}`: the filters in use, each with a link that
  removes it alone, and one that removes them all."""

from django import template
from django.utils.translation import gettext as _

from core.listing import PAGE_PARAMS, active_filters_of_form, query_url

register = template.Library()


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page, param: str = "pagina", label: str = ""):
    query = context["request"].GET
    links = []
    if page.paginator.num_pages > 1:
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
            if number == page.paginator.ELLIPSIS:
                links.append({"ellipsis": True})
            else:
                url = query_url(query, {param: [str(number)]})
                links.append({"number": number, "url": url, "current": number == page.number})
    return {
        "page": page,
        "label": label or _("Paginering"),
        "links": links,
        "previous_url": query_url(query, {param: [str(page.previous_page_number())]}) if page.has_previous() else "",
        "next_url": query_url(query, {param: [str(page.next_page_number())]}) if page.has_next() else "",
    }


@register.inclusion_tag("components/facets.html")
def facets(groups, heading: str = ""):
    return {"groups": [g for g in groups if g.values], "heading": heading or _("Verfijnen")}


@register.inclusion_tag("components/active_filters.html", takes_context=True)
def active_filters(context, filters):
    """Filters built by the view (core.listing.ActiveFilter); "Alle filters wissen" keeps the search words."""
    query = context["request"].GET
    keep = {"q"} if "q" in query else set()
    clear = query_url(query, {key: [] for key in query if key not in keep}) if filters else ""
    return {"filters": filters, "clear_url": clear}


@register.inclusion_tag("components/active_filters.html", takes_context=True)
def active_filters_of(context, form, reset: str = "pagina"):
    query = context["request"].GET
    filters = active_filters_of_form(query, form, reset=tuple(reset.split(",")) if reset else PAGE_PARAMS)
    return {"filters": filters, "clear_url": "?" if filters else ""}
