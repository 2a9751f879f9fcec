"""Synonym groups the secretariat edits in the admin, as a lookup table for query parsing (cached)."""

from django.core.cache import cache

from .analysis import words
from .models import SynonymGroup

CACHE_KEY = "search:synonyms:v1"

# The groups a new installation starts with (the same as migration 0002 put in place); the secretariat keeps
# them up to date in the admin.
DEFAULT_SYNONYMS = [
    ("hennepkwekerij, wietplantage, wietkwekerij, kwekerij, hennepplantage", "cannabis"),
    ("drugsafval, drugsdumping, drugsdump", "afval van drugsproductie"),
    ("AOV, adviseur openbare veiligheid", "functie"),
    ("BOL, bewustwording op locatie", "module 5"),
    ("XTC, MDMA, ecstasy", "synthetische drugs"),
    ("drugslab, drugslaboratorium, productielocatie", "synthetische drugs"),
    ("schuur, loods, stal, opstal", "agrarische gebouwen"),
    ("leegstand, leegstaand, leegstaande", "vastgoed"),
    ("ondermijning, ondermijnende criminaliteit", "thema"),
    ("RIEC, regionaal informatie- en expertisecentrum", "partner"),
]


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


def default_synonyms_ensure() -> int:
    """The default groups where there are none (a new or emptied database): part of `seed_reference_data`, so
    they do not depend on a data migration having run on this very database. Returns the number created."""
    if SynonymGroup.objects.exists():
        return 0
    created = SynonymGroup.objects.bulk_create(SynonymGroup(terms=terms, note=note) for terms, note in DEFAULT_SYNONYMS)
    synonyms_changed()
    return len(created)
