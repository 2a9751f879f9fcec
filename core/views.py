from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.http.request import split_domain_port
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.models import Page, Site
from wagtail.views import serve_chain
from wagtail.wagtail_hooks import check_view_restrictions

from . import page_cache
from .models import PageAudience


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may lie in one of them.
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def language_choose(request, code: str):
    """The language switch as a plain link: it only sets the visitor's own cookie, so it needs no CSRF
    token, and public pages stay free of per-visitor tokens (which is what lets them be cached)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("volgende", "/")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe:
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def serve_page(request, path):
    """Wagtail's page view (wagtail.views.serve, the same steps in the same order) with one change: Wagtail's
    own view-restriction check reads the page's ancestors and restrictions again (two queries) after
    `serve_only_to_the_pages_audience` decided from the same restrictions. It runs only where Wagtail's
    password form is needed; every other restricted page keeps its no-cache headers."""
    # Where Wagtail's own code looks for the request's site and its root paths (pageurl, routing).
    request._wagtail_site, request._wagtail_cached_site_root_paths = _site_for(request)
    route_result = Page.route_for_request(request, path)
    if route_result is None:
        raise Http404
    page, args, kwargs = route_result
    chain = serve_chain
    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        chain = (_restrictions_already_checked if wrap is check_view_restrictions else wrap)(chain)
    for before in hooks.get_hooks("before_serve_page"):
        result = before(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


def _site_for(request) -> tuple[Site | None, list]:
    """Wagtail's site for the request, with its home page as its own type, and the root paths of all sites,
    kept between requests: finding them costs two queries and a cache read on every page view. Any publish,
    move or site change makes them anew."""
    hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()  # noqa: SLF001 - as Wagtail
    return page_cache.kept_content(f"site:{hostname}:{port}", lambda: _site_with_its_home_page(request))


def _site_with_its_home_page(request) -> tuple[Site | None, list]:
    site = Site._find_for_request(request)  # noqa: SLF001 - Wagtail's own lookup, without its per-request memo
    if site is not None:
        site.root_page = site.root_page.specific
    return site, Site.get_site_root_paths()


def _restrictions_already_checked(callback):
    wagtails_check = check_view_restrictions(callback)

    def inner(page, request, serve_args, serve_kwargs):
        audience = page.__dict__.get("_audience")  # set by serve_only_to_the_pages_audience, which let it through
        if audience is None or audience.level == PageAudience.Level.CLOSED:
            return wagtails_check(page, request, serve_args, serve_kwargs)
        response = callback(page, request, serve_args, serve_kwargs)
        if audience.level != PageAudience.Level.PUBLIC:
            add_never_cache_headers(response)
        return response

    return inner
