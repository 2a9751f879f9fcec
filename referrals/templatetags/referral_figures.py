"""The marks of hidden counts on screen: the same signs as in the downloads, with their meaning for screen
readers, and the footnotes that say what they mean."""

from django import template

from ..figures import mark_html, table_footnotes

register = template.Library()


@register.filter
def figure_cell(value):
    """A count as it is, a mark with its meaning in words."""
    return mark_html(value) or value


@register.filter
def figure_notes(table) -> list[str]:
    """The footnotes for the marks a table holds (a stored snapshot too)."""
    return table_footnotes(table)
