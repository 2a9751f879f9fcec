from django import forms
from django.contrib import messages
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from core.exports import SafeSpreadsheetExportMixin
from core.roles import Role

from . import admin_views
from .models import FINDING_FIELDS, JointAction, KnowledgePage


class _SecretariatMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or request.user.has_role(Role.SECRETARIAT)


@hooks.register("register_reports_menu_item")
def register_review_due_report():
    return _SecretariatMenuItem(
        _("Kennisbank: te herzien"), reverse("knowledgebase_review_due"), icon_name="time", order=50
    )


@hooks.register("register_admin_urls")
def register_knowledgebase_admin_urls():
    return [
        path("kennisbank/te-herzien/", admin_views.ReviewDueReportView.as_view(), name="knowledgebase_review_due"),
        path(
            "kennisbank/te-herzien/resultaten/",
            admin_views.ReviewDueReportView.as_view(results_only=True),
            name="knowledgebase_review_due_results",
        ),
        path("kennisbank/<int:page_id>/herzien/", admin_views.mark_reviewed, name="knowledgebase_mark_reviewed"),
    ]


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_district_pages_everyone_sees(request, page):
    """Right after a save, publish or submit: a page about one district that every partner (or everyone) sees
    is often meant, and sometimes a restriction ticked under "what it is about" instead of "who sees it"."""
    if isinstance(page, KnowledgePage) and (warning := page.visibility_warning()):
        messages.warning(request, warning)


class JointActionIndexView(SafeSpreadsheetExportMixin, IndexView):
    pass


class JointActionSearchForm(BaseFilterForm):
    """The chooser of a lesson's integrale actie searches as you type (#19.12): every word in the area, the
    municipality or the district, or a year."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Gebied, gemeente of jaar"), "autocomplete": "off"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        for word in query.split()[:6]:
            match = Q(area__icontains=word) | Q(municipality__name__icontains=word) | Q(district__name__icontains=word)
            if word.isdigit() and len(word) == 4:
                match |= Q(date__year=int(word))
            objects = objects.filter(match)
        if query:
            self.is_searching, self.search_query = True, query
        return objects


class _JointActionChooseMixin:
    filter_form_class = JointActionSearchForm

    def get_object_list(self):
        return super().get_object_list().select_related("municipality")


class JointActionChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = type("JointActionChooseView", (_JointActionChooseMixin, chooser.ChooseView), {})
    choose_results_view_class = type(
        "JointActionChooseResultsView", (_JointActionChooseMixin, chooser.ChooseResultsView), {}
    )


class JointActionViewSet(SnippetViewSet):
    """The secretariat's view of the register with export for the Stuurgroep; recording happens in the
    portal itself, where AOVs work."""

    model = JointAction
    chooser_viewset_class = JointActionChooserViewSet
    icon = "group"
    menu_label = _("Integrale acties")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = JointActionIndexView
    list_display = ["date", "municipality", "area", "district", "premises_visited"]
    list_filter = ["district", "municipality"]
    list_export = [
        "date",
        "district",
        "municipality",
        "area",
        "premises_visited",
        *[f for f, _l in FINDING_FIELDS],
        "follow_up",
        "press_release",
        "press_link",
    ]
    export_filename = "integrale-acties"
    search_fields = ["area", "follow_up"]
    inspect_view_enabled = True
    copy_view_enabled = False


register_snippet(JointActionViewSet)
