from django.conf import settings

from . import navigation


def portal(request):
    user = getattr(request, "user", None)
    context = {
        "nav_items": navigation.items_for(user) if user is not None else [],
        "site_name": settings.WAGTAIL_SITE_NAME,
        "current_path": request.path,
    }
    if user is not None and user.is_authenticated:
        from notifications.selectors import unread_count

        context["unread_notifications"] = unread_count(user)
    return context
