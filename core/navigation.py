"""The main navigation: each app registers its items with a predicate from its permissions module.

The menu shows an item only when the predicate allows it, so nobody sees a door they cannot open.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise

from core.permissions import user_can_edit_cms_content, user_can_open_cms


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str  # a URL name, or a path starting with "/"
    is_visible: Callable[[object], bool]
    order: int = 100

    @property
    def url(self) -> str:
        if self.url_name.startswith("/"):
            return self.url_name
        return _reversed(self.url_name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=128)
def _reversed(url_name: str, script_prefix: str, urlconf) -> str:
    """The menu is on every page and its URLs never change while the process runs (for one script prefix
    and URLconf): reversing them on every view cost about a millisecond."""
    return reverse(url_name, urlconf=urlconf)


_registry: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _registry[item.key] = item


def items_for(user) -> list[NavItem]:
    return sorted((i for i in _registry.values() if i.is_visible(user)), key=lambda i: i.order)


def register_core_items() -> None:
    from django.utils.translation import gettext_lazy as _

    def user_admin_only(user) -> bool:
        return user_can_open_cms(user) and not user_can_edit_cms_content(user)

    register(NavItem("home", _("Start"), "/", lambda u: True, order=0))
    register(NavItem("cms", _("Beheer inhoud"), "wagtailadmin_home", user_can_edit_cms_content, order=800))
    # The Beheerder's part of the admin is users and groups, not content: its door says so and opens there.
    register(NavItem("cms_users", _("Beheeromgeving"), "wagtailusers_users:index", user_admin_only, order=800))
