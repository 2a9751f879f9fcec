import functools
import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import user_can_edit_cms_content, user_can_open_admin_view, user_can_open_cms

# The front end runs no inline script: every script is a static file.
FRONTEND_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Wagtail's admin (secretariat and Beheerder only) still needs inline styles and scripts.
ADMIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy; Django's own middleware does the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        csp = ADMIN_CSP if request.path.startswith("/beheer/") else FRONTEND_CSP
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if not settings.DEBUG:
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class DutchFirstLocaleMiddleware:
    """Dutch unless the person chose English with the language switch (cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many civil
    servants' browsers are set to English by IT, and the portal speaks Dutch first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware(SessionMiddleware):
    """Sessions end after SESSION_COOKIE_AGE of inactivity, as with SESSION_SAVE_EVERY_REQUEST, but a
    session that nothing changed is written at most once per SESSION_RENEW_INTERVAL: saving it on every
    page view cost a database write (and a cache write) per request. The idle timeout is therefore up
    to that interval shorter than configured, never longer.

    The session's own renewal stamp is checked too, so the timeout holds whatever the store does with
    expiry (a cache entry's time to live, a clock that differs between the app and Redis)."""

    RENEWED_KEY = "_vbg_renewed"

    def process_request(self, request):
        super().process_request(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:  # no cookie, no session to load
            renewed = request.session.get(self.RENEWED_KEY)
            if renewed is not None and time.time() - renewed > settings.SESSION_COOKIE_AGE:
                request.session.flush()

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        # Only a session this request read: touching an unread one would load it and add Vary: Cookie
        # to pages that the page cache may share.
        if session is not None and session.accessed and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.RENEWED_KEY, 0) >= settings.SESSION_RENEW_INTERVAL:
                session[self.RENEWED_KEY] = now
        elif session is not None and session.modified and not session.is_empty():
            session[self.RENEWED_KEY] = int(time.time())
        return super().process_response(request, response)


@functools.cache
def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


class AdminDoorMiddleware:
    """Who may open which view of the Wagtail admin (design section 3); after MFARequiredMiddleware.

    Wagtail sends a logged-in user without admin access to its login page, which sends a logged-in user
    back: an endless redirect for every Partner, AOV, coach, coordinator or FG who opens /beheer/. Here
    they get the portal's 404, and the Beheerder gets 404 on every view outside users and roles. Anonymous
    visitors are left to Wagtail, which sends them to login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.views.defaults import page_not_found

        if not request.path_info.startswith(_admin_prefix()) or not request.user.is_authenticated:
            return None
        view_name = request.resolver_match.view_name
        if not user_can_open_admin_view(request.user, view_name, view_kwargs):
            if user_can_open_cms(request.user):  # inside the admin: its own 404 page, as Wagtail's views give
                return page_not_found(request, Http404(), template_name="wagtailadmin/404.html")
            raise Http404
        if view_name == "wagtailadmin_home" and not user_can_edit_cms_content(request.user):
            # The dashboard is about pages (its search box searches them): the Beheerder's work is the users.
            return redirect("wagtailusers_users:index")
        return None
