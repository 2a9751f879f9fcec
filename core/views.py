from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks


@never_cache
@require_GET
def health(request):
    """200 when every part works, 503 naming the failing ones. Details hold no secrets."""
    checks = run_checks()
    failing = sorted(name for name, result in checks.items() if not result["ok"])
    status = "ok" if not failing else "degraded"
    return JsonResponse({"status": status, "failing": failing, "checks": checks}, status=503 if failing else 200)


@never_cache
@require_GET
def liveness(request):
    """For the proxy or orchestrator: the process answers. No checks (those are /health/), no database."""
    return HttpResponse("ok", content_type="text/plain")


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
