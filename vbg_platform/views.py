"""The health endpoints: the composition layer asks every part of the portal (vbg_platform.health)."""

from django.http import HttpResponse, JsonResponse
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
