import functools

from django.conf import settings

from . import audience_cache, navigation


def portal(request):
    """The menu and the bell count are computed only when a template shows them: a page rendered for the
    audience cache leaves the header to its hole (core.audience_cache)."""
    user = getattr(request, "user", None)
    context = {
        "nav_items": functools.cache(lambda: navigation.items_for(user) if user is not None else []),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "current_path": request.path,
    }
    if user is not None and user.is_authenticated:
        from notifications.selectors import unread_count

        context["unread_notifications"] = functools.cache(lambda: unread_count(user))
    if audience_cache.emitting_holes(request):
        context["csrf_token"] = audience_cache.csrf_marker()
        if user is not None and user.is_authenticated:
            context["unread_notifications"] = audience_cache.hole(request, "unread")
    return context
