"""The secretariat keeps the synonym list in the admin; a change applies to the next search (the query
is expanded in search.analysis), and to Elasticsearch's own synonym filter after `search_index rebuild`."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SynonymGroup


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "search"
    menu_label = _("Synoniemen")
    menu_order = 280
    add_to_admin_menu = True
    list_display = ["terms", "note", "updated_at"]
    search_fields = ["terms", "note"]
    copy_view_enabled = False


register_snippet(SynonymGroupViewSet)
