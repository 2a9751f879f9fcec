"""The search page and the title suggestions behind the search box. Thin: the services decide."""

import math

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.listing import ActiveFilter, facet_group, query_url

from .analysis import MAX_QUERY_CHARS
from .contract import DOC_TYPE_LABELS, FACETS
from .services import MAX_PAGE, PAGE_SIZE, portal_search, search_request_for, title_suggestions

FACET_TITLES = {
    "type": _("Soort"),
    "theme": _("Thema"),
    "district": _("District"),
    "municipality": _("Gemeente"),
    "module": _("Module"),
    "year": _("Jaar"),
}


def _page_number(raw) -> int:
    try:
        return min(max(1, int(raw)), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _url(params: dict, **changes) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@never_cache
@require_GET
def search_page(request):
    text = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    sort = request.GET.get("sort", "relevance")
    page = _page_number(request.GET.get("page"))
    search = search_request_for(request.user, text=text, filters=request.GET, sort=sort, page=page)
    literal = bool(request.GET.get("letterlijk"))
    # Every link of the page (paging, sort, facets) keeps the query shown: a corrected one is corrected
    # again from the typed words, a literal one ("Toch zoeken naar") stays literal.
    params = {
        "q": text,
        "sort": search.sort if search.sort != "relevance" else "",
        **search.filters,
        "letterlijk": "1" if literal else "",
    }
    context = {"query": text, "search": search, "params": params}
    if not search.query.is_empty:
        response = portal_search(search, correct=not literal)
        pages = min(MAX_PAGE, math.ceil(response.total / PAGE_SIZE))
        context.update(
            response=response,
            pages=pages,
            # The portal's one pagination (core's `pagination` tag) reads a Django page: a range stands in for
            # the hits, at most MAX_PAGE pages of them.
            paged=Paginator(range(min(response.total, pages * PAGE_SIZE)), PAGE_SIZE).get_page(page),
            facet_groups=[
                facet_group(
                    request.GET,
                    name=facet,
                    title=FACET_TITLES[facet],
                    values=[(v.key, v.label, v.count) for v in response.facets.get(facet, [])[:12]],
                    reset=("page",),
                )
                for facet in FACETS
            ],
            active_filters=[
                ActiveFilter(
                    str(FACET_TITLES[facet]),
                    next((v.label for v in response.facets.get(facet, []) if v.key == key), key),
                    query_url(request.GET, {facet: []}, reset=("page",)),
                )
                for facet in FACETS
                if (key := search.filters.get(facet))
            ],
            sort_urls={"relevance": _url(params, sort=""), "date": _url(params, sort="date")},
            # "Bedoelde u": the corrected words with the filters and sort chosen, from the first page.
            suggestion_url=_url(params, q=response.suggestion, letterlijk="") if response.suggestion else None,
            original_url=_url(params, letterlijk="1") if response.showing_suggestion else None,
            hits=[(hit, DOC_TYPE_LABELS.get(hit.doc_type, hit.doc_type)) for hit in response.hits],
        )
    return render(request, "search/search_page.html", context)


@never_cache
@require_GET
def title_suggestions_json(request):
    """Titles for the search box as the user types: only what this user may open."""
    prefix = request.GET.get("q", "")[:100]
    suggestions = title_suggestions(request.user, prefix)
    return JsonResponse(
        {
            "results": [
                {"title": s.title, "url": s.url, "type": str(DOC_TYPE_LABELS.get(s.doc_type, s.doc_type))}
                for s in suggestions
            ]
        }
    )
