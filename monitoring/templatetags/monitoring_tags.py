from django import template

from ..tables import display

register = template.Library()


@register.filter
def figure(value) -> str:
    """A figure as the dashboard and the PDF report show it (same function: identical numbers)."""
    return display(value)
