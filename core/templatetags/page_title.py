from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(is_safe=True)
def with_portal_name(title, portal_name):
    """`<title>`: "Inloggen | Veilig Buitengebied"; the portal's name alone for a page without a title of
    its own or one named after the portal (the home page), never "Veilig Buitengebied | Veilig Buitengebied".
    `title` is a rendered block, already escaped."""
    title = " ".join(str(title).split())
    name = conditional_escape(portal_name)
    if not title or title == name:
        return name
    return mark_safe(f"{title} | {name}")  # noqa: S308 - both parts are escaped
