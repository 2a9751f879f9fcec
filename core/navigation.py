"""The main navigation: each app registers its items with a predicate from its permissions module.

The menu shows an item only when the predicate allows it, so nobody sees a door they cannot open.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
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
        return self.url_name if self.url_name.startswith("/") else reverse(self.url_name)


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
