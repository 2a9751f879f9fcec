"""Synonym groups the secretariat edits in the admin, as a lookup table for query parsing (cached)."""

from django.core.cache import cache

from .analysis import words
from .models import SynonymGroup

CACHE_KEY = "search:synonyms:v1"


def synonym_table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Every word or phrase of a group maps to all members of its group (folded word tuples)."""
    table = cache.get(CACHE_KEY)
    if table is None:
        table = build_table(group.members() for group in SynonymGroup.objects.all())
        cache.set(CACHE_KEY, table, 3600)
    return table


def build_table(groups) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for members in groups:
        folded = [tuple(words(member)) for member in members]
        folded = [m for m in dict.fromkeys(folded) if m]
        for member in folded:
            merged = table.setdefault(member, [])
            merged.extend(m for m in folded if m not in merged)
    return {key: tuple(value) for key, value in table.items()}


def synonyms_changed() -> None:
    cache.delete(CACHE_KEY)
