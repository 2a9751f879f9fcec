from django import template

from knowledgebase.selectors import visible_contact_card as _visible_contact_card

register = template.Library()


@register.simple_tag(takes_context=True)
def visible_contact_card(context, contact, organisation):
    request = context.get("request")
    if request is None:
        return {}
    return _visible_contact_card(user=request.user, contact=contact, organisation=organisation)
