from django import template

from ..tables import display_html

register = template.Library()


@register.filter
def figure(value) -> str:
    """A figure as the dashboard and the PDF report show it (same function: identical numbers); a hidden count's
    mark carries its meaning in words for screen readers."""
    return display_html(value)
