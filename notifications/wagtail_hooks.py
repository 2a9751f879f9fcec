"""The mail log in the admin, read-only, for the secretariat: "did the coach get the mail?" Subjects only
(a referral mail's subject names nothing); the Beheerder does not see it, as mail subjects name
district meetings."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SentMail


class SentMailViewSet(SnippetViewSet):
    model = SentMail
    icon = "mail"
    menu_label = _("Verstuurde e-mail")
    menu_order = 290
    add_to_admin_menu = True
    list_display = ["sent_at", "to", "subject", "kind", "error"]
    list_filter = ["kind"]
    search_fields = ["to", "subject"]
    copy_view_enabled = False
    inspect_view_enabled = True


register_snippet(SentMailViewSet)
