"""Who may see which Wagtail page, and who may open the CMS. Every listing, related block, feed,
sitemap, search hit and media file of a page asks here (design section 3)."""

from collections.abc import Callable

from django.db.models import Q
from wagtail.models import Page

from core.roles import Role

from .audience import Audience, audience_for_page
from .models import PageAudience


def user_can_open_cms(user) -> bool:
    """The Wagtail admin is for the secretariat and the Beheerder."""
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT, Role.ADMIN))


def user_can_edit_cms_content(user) -> bool:
    """Pages, snippets, documents, images, reports and the CRM in the admin: the secretariat's part."""
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


# The Beheerder's part of the admin (design section 3: users and roles only): URL names, or namespaces
# ending in ":" whose views are all open to it. Anything else (pages, choosers, snippets, documents,
# images, reports, search, the admin API) is not: an allowlist, so a view Wagtail adds later stays shut.
_USER_ADMIN_VIEWS = frozenset(
    {
        "wagtailusers_users:",
        "wagtailusers_groups:",
        "wagtailadmin_home",  # sends the Beheerder on to the users (core.middleware.AdminDoorMiddleware)
        "wagtailadmin_account",
        "wagtailadmin_logout",
        "wagtailadmin_dismissibles",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
    }
)
# The reference index ("usage") of a user or group lists the objects that name it: integrale acties,
# pages, restrictions. Their titles are content.
_CONTENT_IN_USER_ADMIN = frozenset({"wagtailusers_users:usage", "wagtailusers_groups:usage"})
_USER_BULK_ACTIONS = ("accounts", "user")


def user_can_open_admin_view(user, view_name: str, view_kwargs: dict) -> bool:
    """Whether a logged-in user may open one view of the Wagtail admin, by its URL name; Wagtail's own
    permission checks still apply within it. Everyone else gets 404 (not Wagtail's redirect)."""
    if user_can_edit_cms_content(user):
        return True
    if not user_can_open_cms(user) or view_name in _CONTENT_IN_USER_ADMIN:
        return False
    if view_name == "wagtail_bulk_action":
        return (view_kwargs.get("app_label"), view_kwargs.get("model_name")) == _USER_BULK_ACTIONS
    namespace = view_name.rpartition(":")[0]
    return view_name in _USER_ADMIN_VIEWS or (bool(namespace) and f"{namespace}:" in _USER_ADMIN_VIEWS)


def _no_districts(user) -> frozenset[int]:
    return frozenset()


# Which district platforms a person takes part in is the CRM's knowledge: stakeholders registers its function
# here in its ready() (ARCHITECTURE.md, registries), so page audiences ask without core importing an app.
_district_ids_of: Callable[[object], frozenset[int]] = _no_districts


def register_district_membership(func: Callable[[object], frozenset[int]]) -> None:
    """Set how the page audience learns the district platforms of a person (called once, by stakeholders)."""
    global _district_ids_of
    _district_ids_of = func


def _sees_all_district_pages(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def _platform_district_ids(user) -> frozenset[int]:
    """District pages are for Partners and AOVs of the platform (design section 3): a coach or FG who
    also works at a member organisation does not get them through that job."""
    if not user.has_role(Role.PARTNER, Role.AOV):
        return frozenset()
    return _district_ids_of(user)


def _group_ids(user) -> frozenset[int]:
    return user.group_ids if user.is_authenticated else frozenset()


# Public names for the search access scope (search/access.py), which must use the same rules.
sees_all_district_pages = _sees_all_district_pages
platform_district_ids = _platform_district_ids
group_ids_of = _group_ids


def user_passes_audience(user, audience: Audience) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    if audience.level == PageAudience.Level.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if audience.level == PageAudience.Level.CLOSED:
        return _sees_all_district_pages(user)
    if audience.groups is not None and not (audience.groups & _group_ids(user)):
        return False
    if audience.districts is not None and not _sees_all_district_pages(user):
        return bool(audience.districts & _platform_district_ids(user))
    return True


def user_can_view_page(user, page: Page) -> bool:
    """Live pages only; computed from the restrictions themselves, not from the stored rows (and kept
    on the page object for the rest of the request)."""
    if "_audience" not in page.__dict__:
        page.__dict__["_audience"] = audience_for_page(page)
    return page.live and user_passes_audience(user, page.__dict__["_audience"])


def pages_visible_to(user, queryset=None):
    """Live pages the user may see, in one query, for any page queryset (also of a specific type)."""
    queryset = (Page.objects.all() if queryset is None else queryset).filter(live=True)
    if user.is_authenticated and user.is_superuser:
        return queryset
    allowed = Q(audience__level=PageAudience.Level.PUBLIC)
    if user.is_authenticated:
        districts_through = PageAudience.districts.through.objects
        groups_through = PageAudience.groups.through.objects
        group_ok = Q(audience__needs_group=False) | Q(
            pk__in=groups_through.filter(group_id__in=_group_ids(user)).values("pageaudience_id")
        )
        if _sees_all_district_pages(user):
            district_ok = Q()
            allowed |= Q(audience__level=PageAudience.Level.CLOSED)
        else:
            district_ok = Q(audience__needs_district=False) | Q(
                pk__in=districts_through.filter(district_id__in=_platform_district_ids(user)).values("pageaudience_id")
            )
        allowed |= Q(audience__level=PageAudience.Level.LOGGED_IN) & district_ok & group_ok
    return queryset.filter(allowed)
