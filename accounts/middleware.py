from django.shortcuts import redirect
from django.urls import reverse

from .mfa import user_has_confirmed_device
from .permissions import user_awaits_second_factor
from .services import session_register

# Paths an authenticated but not yet MFA-verified user may still open.
_OPEN_PREFIXES = ("/static/", "/health/", "/i18n/", "/jsi18n/", "/taal/")
_OPEN_PATHS = ("/favicon.ico",)
# The session key last written to UserSession; cycle_key() (password change) makes a new one.
_REGISTERED_KEY = "_vbg_registered_session"


class MFARequiredMiddleware:
    """Every role but Partner must pass MFA before anything else, the Wagtail admin included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user_awaits_second_factor(user):
            allowed = (
                reverse("accounts:mfa_verify"),
                reverse("accounts:mfa_setup"),
                reverse("accounts:logout"),
            )
            path = request.path
            if not (path.startswith(_OPEN_PREFIXES) or path in _OPEN_PATHS or path in allowed):
                target = "accounts:mfa_verify" if user_has_confirmed_device(user) else "accounts:mfa_setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        response = self.get_response(request)
        if request.user.is_authenticated:
            _register_session(request)
        return response


def _register_session(request) -> None:
    """Keep UserSession in step when a view changed the session key after login (a password change
    cycles it), so deactivation and MFA resets still end this session."""
    key = request.session.session_key
    if key and request.session.get(_REGISTERED_KEY) != key:
        session_register(user=request.user, session_key=key)
        request.session[_REGISTERED_KEY] = key
