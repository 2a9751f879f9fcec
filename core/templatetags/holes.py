from django import template

from core.audience_cache import hole

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, name, *args):
    """`{% personal "name" id %}`: a part of the page that belongs to the person viewing it alone."""
    request = context.get("request")
    return hole(request, name, *args) if request is not None else ""
