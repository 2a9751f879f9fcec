from django.http import Http404
from wagtail import hooks
from wagtail.models import PageViewRestriction


@hooks.register("before_serve_page", order=-100)
def hide_restricted_pages_from_logged_in_outsiders(page, request, serve_args, serve_kwargs):
    """A logged-in user outside a page's groups gets 404, not Wagtail's login page: the page's
    existence is not revealed, and asking to log in again would be wrong. Anonymous visitors
    still go to the login page through Wagtail's own check."""
    if not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type == PageViewRestriction.GROUPS and not restriction.accept_request(request):
            raise Http404
    return None
