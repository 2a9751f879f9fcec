"""The secretariat's CRM screens in the Wagtail admin: lists with filters, search, inspect,
history and CSV/XLSX export (formula-safe). Nothing is hard-deleted: organisations are ended
with their active flag, so history stays."""

import django_filters
from django import forms
from django.db.models import Prefetch
from django.http import Http404
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from core.exports import SafeSpreadsheetExportMixin

from .admin_search import SEARCHES
from .bulk_actions import DeactivateOrganisationsBulkAction
from .models import Affiliation, Contact, District, Interaction, Municipality, Organisation, PartnerType
from .permissions import user_can_manage_crm


class SafeExportIndexView(SafeSpreadsheetExportMixin, IndexView):
    pass


class CrmIndexView(SafeExportIndexView):
    """The lists of organisations and contacts search like their choosers: every word, in name, organisation
    and municipality."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return SEARCHES[queryset.model](queryset, self.search_query)

    def preprocess_field_value(self, field, value, export_format):
        """Yes/no fields export as ja/nee, as the list shows them, not True/False."""
        if isinstance(value, bool):
            value = str(_("ja") if value else _("nee"))
        return super().preprocess_field_value(field, value, export_format)


class _CrmOnlyMixin:
    """Wagtail's snippet choosers check only admin access: any Wagtail admin user (a Beheerder) could
    list and search every organisation and contact through them. The CRM is the secretariat's."""

    def dispatch(self, request, *args, **kwargs):
        if not user_can_manage_crm(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CrmSearchForm(BaseFilterForm):
    """The chooser's search box (Wagtail's modal searches as you type in a field named q). Wagtail adds one only
    for models in its search index; the CRM is searched in its own tables (stakeholders.admin_search)."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Naam, organisatie of gemeente"), "autocomplete": "off"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = SEARCHES[objects.model](objects, query)
            self.is_searching, self.search_query = True, query
        return objects


def _organisation_names(contact) -> str:
    return ", ".join(affiliation.organisation.name for affiliation in contact.chooser_affiliations)


# Beside the name in a chooser: enough to tell two Jan de Vries, or two offices of one partner, apart.
CHOOSER_COLUMNS = {
    Contact: [Column("organisations", label=_("Organisatie"), accessor=_organisation_names)],
    Organisation: [
        Column("partner_type", label=_("Partnertype")),
        Column("city", label=_("Plaats")),
    ],
}


class _CrmChooserListMixin(_CrmOnlyMixin):
    filter_form_class = CrmSearchForm

    def get_object_list(self):
        objects = super().get_object_list()
        if self.model_class is Contact:
            current = Affiliation.objects.current().select_related("organisation").order_by("organisation__name")
            objects = objects.prefetch_related(Prefetch("affiliations", current, to_attr="chooser_affiliations"))
        elif self.model_class is Organisation:
            objects = objects.select_related("partner_type")
        return objects

    @property
    def columns(self):
        columns = super().columns
        columns[0].label = _("Naam")  # Wagtail's "Titel" reads oddly above people and organisations
        return [*columns, *CHOOSER_COLUMNS.get(self.model_class, [])]


class CrmChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = type("CrmChooseView", (_CrmChooserListMixin, chooser.ChooseView), {})
    choose_results_view_class = type("CrmChooseResultsView", (_CrmChooserListMixin, chooser.ChooseResultsView), {})
    chosen_view_class = type("CrmChosenView", (_CrmOnlyMixin, chooser.SnippetChosenView), {})
    chosen_multiple_view_class = type("CrmChosenMultipleView", (_CrmOnlyMixin, chooser.SnippetChosenMultipleView), {})
    create_view_class = type("CrmChooserCreateView", (_CrmOnlyMixin, chooser.SnippetCreateView), {})


class OrganisationFilterSet(WagtailFilterSet):
    partner_type = django_filters.ModelChoiceFilter(label=_("Partnertype"), queryset=PartnerType.objects.all())
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), field_name="memberships__district", distinct=True
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Gemeente"), queryset=Municipality.objects.all(), method="filter_municipality"
    )
    is_active = django_filters.BooleanFilter(label=_("Actief"))

    class Meta:
        model = Organisation
        fields = ["partner_type", "district", "municipality", "is_active"]

    def filter_municipality(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(municipality=value) | Q(municipalities=value)).distinct()


class ContactFilterSet(WagtailFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisatie"),
        queryset=Organisation.objects.all(),
        field_name="affiliations__organisation",
        distinct=True,
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=District.objects.all(),
        field_name="affiliations__organisation__memberships__district",
        distinct=True,
    )
    directory_consent = django_filters.BooleanFilter(label=_("Staat in Wie is wie"))

    class Meta:
        model = Contact
        fields = ["organisation", "district", "directory_consent", "platform_role"]


def _yes_no_column(field: str, label) -> Column:
    """A yes/no field in a list as Ja or Nee (Wagtail would print True and False), sortable."""
    return Column(field, label=label, sort_key=field, accessor=lambda obj: _("Ja") if getattr(obj, field) else _("Nee"))


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    chooser_viewset_class = CrmChooserViewSet
    icon = "group"
    menu_label = _("Organisaties")
    index_view_class = CrmIndexView
    list_display = [
        "name",
        "partner_type",
        "city",
        _yes_no_column("is_active", _("Actief")),
        DateColumn("updated_at", label=_("Bijgewerkt"), sort_key="updated_at"),
    ]
    list_export = [
        "name",
        "partner_type",
        "kvk_number",
        "email",
        "phone",
        "website",
        "street",
        "postal_code",
        "city",
        "is_active",
    ]
    export_filename = "organisaties"
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "city", "email", "kvk_number"]
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50

    def get_queryset(self, request):
        return Organisation.objects.select_related("partner_type")


class ContactViewSet(SnippetViewSet):
    model = Contact
    chooser_viewset_class = CrmChooserViewSet
    icon = "user"
    menu_label = _("Contactpersonen")
    index_view_class = CrmIndexView
    list_display = [
        "__str__",
        "function",
        "email",
        "phone",
        _yes_no_column("directory_consent", _("In Wie is wie")),
        DateColumn("updated_at", label=_("Bijgewerkt"), sort_key="updated_at"),
    ]
    list_export = ["first_name", "last_name", "function", "email", "phone", "platform_role", "directory_consent"]
    export_filename = "contactpersonen"
    filterset_class = ContactFilterSet
    search_fields = ["first_name", "last_name", "email", "function"]
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50


class InteractionViewSet(SnippetViewSet):
    model = Interaction
    chooser_viewset_class = CrmChooserViewSet
    icon = "comment"
    menu_label = _("Contactmomenten")
    index_view_class = SafeExportIndexView
    list_display = ["date", "kind", "organisation", "contact", "created_by"]
    list_export = ["date", "kind", "organisation", "contact", "summary"]
    export_filename = "contactmomenten"
    list_filter = ["kind"]
    search_fields = ["summary"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Interaction.objects.select_related("organisation", "contact", "created_by")


class CrmViewSetGroup(SnippetViewSetGroup):
    items = (OrganisationViewSet, ContactViewSet, InteractionViewSet)
    menu_icon = "group"
    menu_label = _("Partners (CRM)")
    menu_name = "crm"
    menu_order = 200


register_snippet(CrmViewSetGroup)


@hooks.register("register_log_actions")
def register_import_log_actions(actions):
    actions.register_action("vbg.crm.imported", _("Geïmporteerd"), _("Spreadsheet geïmporteerd"))
    actions.register_action("vbg.crm.import_cancelled", _("Import geannuleerd"), _("Import geannuleerd"))
    actions.register_action("vbg.crm.deactivated", _("Gedeactiveerd"), _("Organisatie gedeactiveerd"))


hooks.register("register_bulk_action", DeactivateOrganisationsBulkAction)


class _CrmToolMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_manage_crm(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return _CrmToolMenuItem(_("Importeren"), reverse("crm:import_upload"), icon_name="upload", order=205)


@hooks.register("register_admin_urls")
def register_crm_admin_urls():
    return [path("crm/", include(("stakeholders.admin_urls", "crm"), namespace="crm"))]


@hooks.register("after_create_snippet")
def record_interaction_author(request, instance):
    if isinstance(instance, Interaction) and instance.created_by_id is None:
        Interaction.objects.filter(pk=instance.pk).update(created_by=request.user)


@hooks.register("register_log_actions")
def register_merge_and_personal_data_log_actions(actions):
    """Merge, anonymisation and export entries: who, when and which fields, never the personal data."""
    from wagtail.log_actions import LogFormatter

    @actions.register_action("vbg.crm.merged")
    class MergedFormatter(LogFormatter):
        label = _("Samengevoegd")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            fields = ", ".join(data.get("fields") or []) or "-"
            if data.get("role") == "duplicate":
                return _("Samengevoegd met #%(other)s (dit record is opgeheven); velden overgenomen: %(fields)s") % {
                    "other": data.get("other_id"),
                    "fields": fields,
                }
            return _("#%(other)s is hierin samengevoegd; velden overgenomen: %(fields)s") % {
                "other": data.get("other_id"),
                "fields": fields,
            }

    actions.register_action("vbg.crm.anonymised", _("Geanonimiseerd"), _("Contactpersoon geanonimiseerd"))
    actions.register_action(
        "vbg.crm.personal_data_exported", _("Persoonsgegevens geëxporteerd"), _("Persoonsgegevens geëxporteerd")
    )


@hooks.register("register_admin_menu_item")
def register_merge_and_personal_data_menu_item():
    return _CrmToolMenuItem(_("Samenvoegen en AVG"), reverse("crm:merge_index"), icon_name="resubmit", order=210)
