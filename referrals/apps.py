from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """The coach-referral register of module 5: confidential, encrypted at rest, every access logged.

    Never registered in the Django admin, as a Wagtail snippet, in a search index or in revisions."""

    name = "referrals"
    verbose_name = _("Doorverwijzingen")
