import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SESSION_KEY = "referrals_last_seen"
PREFIX = "/doorverwijzingen/"


class ReferralIdleTimeoutMiddleware:
    """On the referral pages a session idle for REFERRAL_IDLE_TIMEOUT seconds (15 minutes) is ended:
    an unattended screen must not keep showing or allowing access to the register."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PREFIX) and request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - last_seen > settings.REFERRAL_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("U was een kwartier niet actief op de doorverwijzingen. Log opnieuw in."))
                return redirect_to_login(request.get_full_path())
            request.session[SESSION_KEY] = now
        response = self.get_response(request)
        if request.path.startswith(PREFIX):
            add_never_cache_headers(response)  # also on 404 and error pages of the register
        return response
