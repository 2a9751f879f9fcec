from django.shortcuts import redirect
from django.urls import reverse

from .mfa import user_has_confirmed_device

# Paths an authenticated but not yet MFA-verified user may still open.
_OPEN_PREFIXES = ("/static/", "/health/", "/i18n/", "/jsi18n/", "/favicon")


class MFARequiredMiddleware:
    """Every role but Partner must pass MFA before anything else, the Wagtail admin included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.requires_mfa and not user.is_verified():
            allowed = (
                reverse("accounts:mfa_verify"),
                reverse("accounts:mfa_setup"),
                reverse("accounts:logout"),
            )
            path = request.path
            if not (path.startswith(_OPEN_PREFIXES) or path in allowed):
                target = "accounts:mfa_verify" if user_has_confirmed_device(user) else "accounts:mfa_setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
