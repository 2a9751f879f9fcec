from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from wagtail import hooks
from wagtail.admin import auth as wagtail_admin_auth
from wagtail.admin.ui.components import Component

from .home import BuiltSection, start_sections
from .media import check_document_access
from .models import PageAudience
from .page_cache import mark_public
from .permissions import user_can_edit_cms_content, user_can_view_page

_wagtail_permission_denied = wagtail_admin_auth.permission_denied


def _permission_denied(request):
    """Wagtail answers a view the user may not use with a redirect to the dashboard and "no permission".
    Someone without content rights (the Beheerder) gets 404 instead: the admin does not tell them what
    exists (design section 3). Every Wagtail permission check ends in this one function."""
    if not user_can_edit_cms_content(request.user):
        raise Http404
    return _wagtail_permission_denied(request)


wagtail_admin_auth.permission_denied = _permission_denied


@hooks.register("before_serve_page", order=-100)
def serve_only_to_the_pages_audience(page, request, serve_args, serve_kwargs):
    """Anonymous visitors of a restricted page go to login; a logged-in user outside its audience
    gets 404 (not Wagtail's login page): the page's existence is not revealed. Password-protected
    pages are left to Wagtail's own password form."""
    allowed = user_can_view_page(request.user, page)
    audience = page.__dict__["_audience"]  # the restrictions of the page and its ancestors, read once
    if allowed:
        if not request.user.is_authenticated and audience.level == PageAudience.Level.PUBLIC:
            mark_public(request)  # anyone may see it: the anonymous rendering may be shared
        return None
    if audience.level == PageAudience.Level.CLOSED:  # a password restriction
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


@hooks.register("before_serve_document", order=-100)
def serve_documents_only_to_their_readers(document, request):
    return check_document_access(document, request)


# --- The secretariat's dashboard (/beheer/): the work lists of its start page ------------------------------------


class StartSectionPanel(Component):
    """One start-page list (core.home) as a dashboard panel; built through the owning app like on the portal."""

    template_name = "core/admin/start_panel.html"

    def __init__(self, built: BuiltSection, order: int):
        self.built = built
        self.order = order
        self.name = f"start_{built.section.key}"

    def get_context_data(self, parent_context=None):
        return {"built": self.built}


@hooks.register("construct_homepage_panels")
def show_the_secretariats_work_first(request, panels):
    """The lists meant for the dashboard, before Wagtail's own panels (those start at order 110). Only for
    whoever edits content: the Beheerder never gets here (core.middleware.AdminDoorMiddleware sends it on)."""
    if not user_can_edit_cms_content(request.user):
        return
    for position, built in enumerate(start_sections(request, dashboard=True)):
        panels.append(StartSectionPanel(built, order=10 + position))


@hooks.register("construct_homepage_summary_items", order=100)
def drop_the_page_and_media_counts(request, items):
    """'312 pages, 40 images, 18 documents' tells the secretariat nothing about its work; after Wagtail's
    own hooks (order 100) so their items are there to drop."""
    items.clear()
