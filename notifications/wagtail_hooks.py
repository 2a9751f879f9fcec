"""The mail log in the admin, read-only, for the secretariat: "did the partner get the mail?" Subjects only
(a referral mail's subject names nothing, and mails about referrals are left out: see
`sent_mails_visible_to`); the Beheerder does not see it, as mail subjects name district meetings."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.models import InspectView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SentMail
from .permissions import sent_mails_visible_to


class SentMailInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(sent_mails_visible_to(self.request.user), pk=self.pk)


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
    inspect_view_class = SentMailInspectView

    def get_queryset(self, request):
        return sent_mails_visible_to(request.user)


register_snippet(SentMailViewSet)
