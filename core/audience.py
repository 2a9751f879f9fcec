"""Who may see a page, computed from Wagtail's view restrictions and the district restrictions of the
page and all its ancestors (restrictions apply to a whole subtree, as in Wagtail).

`audience_for_pages` is the one computation; the serving check uses it directly and `PageAudience` rows
store its result for queries. Nested restrictions only narrow: districts and groups intersect."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, Value
from django.dispatch import Signal
from wagtail.models import Page, PageViewRestriction

from .models import DistrictViewRestriction, PageAudience
from .page_cache import invalidate


@dataclass(frozen=True)
class Audience:
    level: str
    districts: frozenset[int] | None = None  # None: no district restriction
    groups: frozenset[int] | None = None  # None: no group restriction


PUBLIC = Audience(PageAudience.Level.PUBLIC)

# Sent with `page_ids` after the stored audience of pages was recomputed (search re-indexes their access).
audience_changed = Signal()


def _ancestor_paths(path: str) -> list[str]:
    step = Page.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


_DISTRICT_KIND = "district"  # beside Wagtail's restriction types in the one query below


def _restrictions_on(paths: Iterable[str]) -> tuple[dict, dict]:
    """Wagtail's restrictions (with their groups) and the district restrictions (with their districts) on
    these paths, in one query: a row per restriction and group or district, None for a restriction without
    any. Serving a page asks this on every view, so no query per restriction."""
    paths = set(paths)
    wagtail_rows = PageViewRestriction.objects.filter(page__path__in=paths).values_list(
        "pk", "page__path", "restriction_type", "groups__id"
    )
    district_rows = DistrictViewRestriction.objects.filter(page__path__in=paths).values_list(
        "pk", "page__path", Value(_DISTRICT_KIND, output_field=CharField()), "districts__id"
    )
    wagtail_members: dict[tuple, set[int]] = {}
    district_members: dict[str, set[int]] = {}
    for pk, path, kind, member_id in wagtail_rows.union(district_rows, all=True):
        members = (
            district_members.setdefault(path, set())
            if kind == _DISTRICT_KIND
            else (wagtail_members.setdefault((pk, path, kind), set()))
        )
        if member_id is not None:
            members.add(member_id)
    wagtail: dict[str, list] = {}
    for (_pk, path, kind), group_ids in sorted(wagtail_members.items()):
        # Only a group restriction has groups.
        group_ids = frozenset(group_ids) if kind == PageViewRestriction.GROUPS else frozenset()
        wagtail.setdefault(path, []).append((kind, group_ids))
    district = {path: frozenset(ids) for path, ids in district_members.items()}
    return wagtail, district


def _fold(path: str, wagtail: dict, district: dict) -> Audience:
    level, districts, groups = PageAudience.Level.PUBLIC, None, None
    for ancestor in _ancestor_paths(path):
        for restriction_type, group_ids in wagtail.get(ancestor, ()):
            if restriction_type == PageViewRestriction.PASSWORD:
                level = PageAudience.Level.CLOSED
            elif level != PageAudience.Level.CLOSED:
                level = PageAudience.Level.LOGGED_IN
            if restriction_type == PageViewRestriction.GROUPS:
                groups = group_ids if groups is None else groups & group_ids
        if ancestor in district:
            if level == PageAudience.Level.PUBLIC:
                level = PageAudience.Level.LOGGED_IN
            districts = district[ancestor] if districts is None else districts & district[ancestor]
    return Audience(level, districts, groups)


def audience_for_pages(pages: Iterable[Page]) -> dict[int, Audience]:
    pages = list(pages)
    all_paths = {ancestor for page in pages for ancestor in _ancestor_paths(page.path)}
    wagtail, district = _restrictions_on(all_paths)
    return {page.pk: _fold(page.path, wagtail, district) for page in pages}


def audience_for_page(page: Page) -> Audience:
    return audience_for_pages([page])[page.pk]


@transaction.atomic
def page_audience_refresh(page: Page) -> int:
    """Recompute the stored audience of a page and its whole subtree. Returns the number of pages."""
    invalidate()  # a page whose audience may change is never served from the shared cache again
    subtree = list(Page.objects.descendant_of(page, inclusive=True).only("pk", "path"))
    audiences = audience_for_pages(subtree)
    PageAudience.objects.filter(page__in=[p.pk for p in subtree]).delete()
    PageAudience.objects.bulk_create(
        PageAudience(
            page_id=pk,
            level=audience.level,
            needs_district=audience.districts is not None,
            needs_group=audience.groups is not None,
        )
        for pk, audience in audiences.items()
    )
    PageAudience.districts.through.objects.bulk_create(
        PageAudience.districts.through(pageaudience_id=pk, district_id=district_id)
        for pk, audience in audiences.items()
        for district_id in audience.districts or ()
    )
    PageAudience.groups.through.objects.bulk_create(
        PageAudience.groups.through(pageaudience_id=pk, group_id=group_id)
        for pk, audience in audiences.items()
        for group_id in audience.groups or ()
    )
    audience_changed.send(sender=PageAudience, page_ids=[p.pk for p in subtree])
    return len(subtree)


def page_audience_rebuild() -> int:
    """Recompute every page (the seed command and the tests call it; idempotent)."""
    root = Page.get_first_root_node()
    return page_audience_refresh(root) if root else 0


@transaction.atomic
def page_visibility_set(page: Page, *, level: str, district_ids: Iterable[int] = ()) -> None:
    """Make a page public, for logged-in users only, or for chosen district platforms only.

    Page types with a visibility field call this when they are saved, so the field and Wagtail's
    privacy setting always agree. `level` is one of "public", "partners", "districts"."""
    district_ids = set(district_ids)
    if level == "districts" and not district_ids:
        raise ValueError("A district-only page needs at least one district.")
    restricted = level in ("partners", "districts")
    # Only the plain login restriction belongs to the visibility field. A group or password restriction
    # set in Wagtail's privacy dialog is stricter and stays (fail closed): saving or republishing the page
    # must never widen it.
    restrictions = PageViewRestriction.objects.filter(page=page)
    if restricted:
        if not restrictions.exists():
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    else:
        restrictions.filter(restriction_type=PageViewRestriction.LOGIN).delete()
    if level == "districts":
        restriction, _ = DistrictViewRestriction.objects.get_or_create(page=page)
        restriction.districts.set(district_ids)
    else:
        DistrictViewRestriction.objects.filter(page=page).delete()
    page_audience_refresh(page)
