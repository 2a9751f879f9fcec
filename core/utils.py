from django.conf import settings


def absolute_url(path: str) -> str:
    """Absolute link for mails, where no request is at hand."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
