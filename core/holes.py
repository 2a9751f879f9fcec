"""The personal parts of every page (see core.audience_cache): the header and the flash messages."""

from django.contrib.messages import get_messages
from django.template.loader import render_to_string

from .audience_cache import cached_fragment, register_hole


@register_hole("header")
def header(request) -> str:
    """Menu (per person: some items follow individual permissions), bell count, account and logout; kept per
    person and URL, with the bell count and the CSRF token filled in for every response."""
    return cached_fragment(request, "header", lambda: render_to_string("components/header.html", request=request))


@register_hole("unread")
def unread(request) -> str:
    from notifications.selectors import remembered_unread_count

    return str(
        remembered_unread_count(
            request.user,
            audience_version=getattr(request, "audience_version", 0),
            audience=getattr(request, "audience_key", ""),
        )
    )


@register_hole("messages")
def messages(request) -> str:
    """Nothing to render on most requests: counting the stored messages reads them without using them up."""
    storage = get_messages(request)
    if not len(storage):
        return ""
    return render_to_string("components/messages.html", request=request)
