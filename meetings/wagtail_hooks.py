"""The secretariat's overview of action items across districts, with formula-safe export for reports.

Action items are made at a meeting (on the meeting page), so the group has no add permission here. The
district shown and filtered on is that of the platform the meeting is under now (items carry no copy)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from core.exports import SafeSpreadsheetExportMixin
from stakeholders.models import District

from .models import ActionItem


class ActionItemIndexView(SafeSpreadsheetExportMixin, IndexView):
    pass


class ActionItemFilterSet(WagtailFilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.order_by("name"), method="filter_district"
    )

    class Meta:
        model = ActionItem
        fields = ["status"]

    def filter_district(self, queryset, name, value):
        return queryset.of_district(value.code)


class ActionItemViewSet(SnippetViewSet):
    model = ActionItem
    icon = "tasks"
    menu_label = _("Actiepunten")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = ActionItemIndexView
    list_display = [
        "description",
        Column("district_name", label=_("District")),
        "owner_organisation",
        "due_date",
        "status",
    ]
    filterset_class = ActionItemFilterSet
    list_export = [
        "description",
        "district_name",
        "meeting",
        "owner_organisation",
        "owner_contact",
        "due_date",
        "status",
    ]
    export_headings = {"district_name": _("District")}
    export_filename = "actiepunten"
    search_fields = ["description"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return ActionItem.objects.with_district().select_related("meeting", "owner_organisation", "owner_contact")


register_snippet(ActionItemViewSet)
