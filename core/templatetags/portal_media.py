from django import template
from django.utils.html import format_html

from core.media import protected_image_url

register = template.Library()


@register.simple_tag
def protected_image(image, filter_spec: str, alt: str = "", css_class: str = ""):
    """An <img> served through the permission-checked view, never by its media URL."""
    if image is None:
        return ""
    rendition = image.get_rendition(filter_spec)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="{}" loading="lazy">',
        protected_image_url(image, filter_spec),
        rendition.width,
        rendition.height,
        alt,
        css_class,
    )
