"""The secretariat's overview of action items across districts, with formula-safe export for reports.

Action items are made at a meeting (on the meeting page), so the group has no add permission here."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from core.exports import SafeSpreadsheetExportMixin

from .models import ActionItem


class ActionItemIndexView(SafeSpreadsheetExportMixin, IndexView):
    pass


class ActionItemViewSet(SnippetViewSet):
    model = ActionItem
    icon = "tasks"
    menu_label = _("Actiepunten")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = ActionItemIndexView
    list_display = ["description", "district", "owner_organisation", "due_date", "status"]
    list_filter = ["district", "status"]
    list_export = ["description", "district", "meeting", "owner_organisation", "owner_contact", "due_date", "status"]
    export_filename = "actiepunten"
    search_fields = ["description"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return ActionItem.objects.select_related("district", "meeting", "owner_organisation", "owner_contact")


register_snippet(ActionItemViewSet)
