"""The user's access filter for search, built in one place from the apps' permission modules.

Every engine query starts from an `AccessScope`; `SearchRequest` refuses to exist without one. The
rule it encodes (see `document_visible`) is the one `contract.DocumentAccess` documents, and a test
checks it against every type's own `user_can_view_*` predicate."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core import permissions as page_permissions
from core.roles import Role

PUBLIC = "public"
LOGGED_IN = "logged_in"
PLATFORM = "platform"
CLOSED = "closed"
LEVELS = (PUBLIC, LOGGED_IN, PLATFORM, CLOSED)


@dataclass(frozen=True)
class AccessScope:
    sees_everything: bool
    levels: frozenset[str]  # levels besides "public" this user may see
    district_ids: frozenset[int]
    group_ids: frozenset[int]
    today: datetime.date
    # The secretariat: every district and closed document, but Wagtail group restrictions still apply
    # (as in core.permissions.user_passes_audience). Only a superuser sees everything.
    all_districts: bool = False

    @property
    def cache_key(self) -> str:
        """Equal scopes see equal results (used to cache autocomplete answers per scope, never per user)."""
        if self.sees_everything:
            return "all"
        if self.all_districts:
            return "districts|" + ",".join(map(str, sorted(self.group_ids)))
        return "|".join(
            [
                ",".join(sorted(self.levels)),
                ",".join(map(str, sorted(self.district_ids))),
                ",".join(map(str, sorted(self.group_ids))),
                self.today.isoformat(),
            ]
        )


def access_scope_for(user) -> AccessScope:
    today = timezone.localdate()
    if user.is_authenticated and user.is_superuser:
        return AccessScope(True, frozenset(LEVELS), frozenset(), frozenset(), today)
    if user.is_authenticated and page_permissions.sees_all_district_pages(user):
        return AccessScope(
            False, frozenset(LEVELS), frozenset(), page_permissions.group_ids_of(user), today, all_districts=True
        )
    if not user.is_authenticated:
        return AccessScope(False, frozenset(), frozenset(), frozenset(), today)
    levels = {LOGGED_IN}
    if user.has_role(Role.PARTNER, Role.AOV):
        levels.add(PLATFORM)
    return AccessScope(
        sees_everything=False,
        levels=frozenset(levels),
        district_ids=page_permissions.platform_district_ids(user),
        group_ids=page_permissions.group_ids_of(user),
        today=today,
    )


def open_to_everyone_signed_in(level: str, *, districts=None, groups=None, scope_changes_on=None) -> bool:
    """A document every signed-in person may read, whatever their role or platform. Only such documents'
    words split compounds (search.models.SearchTerm.public): whoever can write an indexed text is signed in,
    so these words tell them nothing they could not read."""
    return level == PUBLIC or (level == LOGGED_IN and districts is None and groups is None and scope_changes_on is None)


def anonymous_scope() -> AccessScope:
    return AccessScope(False, frozenset(), frozenset(), frozenset(), timezone.localdate())


def document_visible(scope: AccessScope, access) -> bool:
    """The rule in Python (for one document); engines express the same rule in their query language."""
    if scope.sees_everything or access.level == PUBLIC:
        return True
    if access.level not in scope.levels:
        return False
    if access.groups is not None and not (access.groups & scope.group_ids):
        return False
    if scope.all_districts:
        return True
    if access.districts is not None and not (access.districts & scope.district_ids):
        return False
    return access.scope_changes_on is None or access.scope_changes_on > scope.today
