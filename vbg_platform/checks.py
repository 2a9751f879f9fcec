"""System checks of the settings layer.

The public base URL (WAGTAILADMIN_BASE_URL) goes into every survey letter (web address and QR code) and every
link in a mail; its default, http://127.0.0.1:8000, is right for `make run` and wrong everywhere else. In
production mode the check runs with every management command that checks (migrate, which `make release` and the
systemd unit run before the server starts, runserver, run_huey), so a start without a real public address is
refused. `check --deploy` reports it for any settings without DEBUG, the test settings included."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from core.utils import BaseUrlProblem, base_url_problems

EXAMPLE = "https://portal.veiligbuitengebied.nl"
HINT = (
    f"Set WAGTAILADMIN_BASE_URL in the environment or .env to the portal's public https address, e.g. {EXAMPLE} "
    "(see .env.example). Letters and mails carry it; it cannot be corrected once they are sent."
)
MESSAGES = {
    BaseUrlProblem.MISSING: ("vbg.E001", "WAGTAILADMIN_BASE_URL is not set."),
    BaseUrlProblem.MALFORMED: (
        "vbg.E002",
        "WAGTAILADMIN_BASE_URL {url!r} is not a base URL of the form https://host[:port] (no query, fragment or "
        "user name).",
    ),
    BaseUrlProblem.LOCAL: (
        "vbg.E003",
        "WAGTAILADMIN_BASE_URL {url!r} is a local address (loopback, 0.0.0.0, a private network or a name "
        "without a domain): survey letters, their QR codes and the links in mails would lead nowhere.",
    ),
    BaseUrlProblem.NOT_HTTPS: ("vbg.E004", "WAGTAILADMIN_BASE_URL {url!r} does not start with https://."),
}


def public_base_url_errors() -> list[Error]:
    url = getattr(settings, "WAGTAILADMIN_BASE_URL", None)
    errors = []
    for problem in base_url_problems(url):
        check_id, message = MESSAGES[problem]
        errors.append(Error(message.format(url=url), hint=HINT, id=check_id))
    return errors


@register(Tags.security)
def public_base_url_in_production(app_configs=None, **kwargs) -> list[Error]:
    """Every check in production mode (not DEBUG, not a test run): the server and the worker do not start."""
    return public_base_url_errors() if getattr(settings, "PRODUCTION", False) else []


@register(Tags.security, deploy=True)
def public_base_url_for_deployment(app_configs=None, **kwargs) -> list[Error]:
    """`check --deploy` without DEBUG, also outside production mode (in production the check above reports)."""
    if settings.DEBUG or getattr(settings, "PRODUCTION", False):
        return []
    return public_base_url_errors()
