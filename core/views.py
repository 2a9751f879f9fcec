from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
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


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may lie in one of them.
    return HttpResponseServerError(loader.get_template("500.html").render())
