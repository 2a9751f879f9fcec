import functools

from django.conf import settings

from accounts.permissions import user_awaits_second_factor
from core import navigation
from notifications.selectors import unread_count


def portal(request):
    """The header of every page, composed from the apps. The menu and the bell count are computed only when
    a template shows them. Someone between the password and the code step gets neither: the minimal header
    (`awaits_second_factor`).

    The portal's name is `portal_name`: Django's auth views put the host in `site_name`."""
    user = getattr(request, "user", None)
    awaits_second_factor = user is not None and user_awaits_second_factor(user)
    shows_menu = user is not None and not awaits_second_factor
    context = {
        "nav_items": functools.cache(lambda: navigation.items_for(user) if shows_menu else []),
        "portal_name": settings.WAGTAIL_SITE_NAME,
        "awaits_second_factor": awaits_second_factor,
        "current_path": request.path,
    }
    if user is not None and user.is_authenticated and not awaits_second_factor:
        context["unread_notifications"] = functools.cache(lambda: unread_count(user))
    return context
