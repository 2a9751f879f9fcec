"""Language of parts (WCAG 3.1.2): the portal's content (page bodies, titles, agenda items, decisions, minutes,
notifications, themes) is written in Dutch, also when the interface speaks English. A container of such content
carries lang="nl" then, so a screen reader reads it with a Dutch voice; in Dutch it adds nothing."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


def _content_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def _interface_differs() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] != _content_language()


@register.simple_tag
def content_lang():
    """` lang="nl"` inside a tag that holds Dutch content, when the interface is in another language:
    `<div class="rich-text"{% content_lang %}>`."""
    if _interface_differs():
        return format_html(' lang="{}"', _content_language())
    return mark_safe("")  # noqa: S308 - an empty string


@register.filter(is_safe=True)
def dutch(value):
    """A Dutch value inside English interface text: `{{ theme.name|dutch }}` becomes
    `<span lang="nl">…</span>` (escaped) when the interface is not Dutch, the plain escaped value otherwise."""
    if value in (None, ""):
        return value
    if _interface_differs():
        return format_html('<span lang="{}">{}</span>', _content_language(), value)
    return value
