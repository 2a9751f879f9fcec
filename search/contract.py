"""The one contract both engines speak: what goes into the index and what a search returns.

Engines (search/engines/) translate a `SearchRequest` into their own query language and answer with a
`SearchResponse`; the view and the bench only ever see these types."""

import datetime
from dataclasses import dataclass, field

from .access import AccessScope
from .analysis import ParsedQuery

# Facets a result page offers, in the order it shows them. "type" and "year" come from the document
# itself; the others are lists of (key, label) on the document.
FACETS = ("type", "theme", "district", "municipality", "module", "year")
TAG_FACETS = ("theme", "district", "municipality", "module")
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class DocumentAccess:
    """Who may find a document. Mirrors the rule of the type's own permissions.py (design section 3).

    level: "public" (anyone), "logged_in" (any logged-in user), "platform" (Partners and AOVs), "closed"
    (the secretariat only). districts / groups: None means no such requirement; a set means the user must
    share at least one. scope_changes_on: from this date the district scope may have changed (a membership
    or affiliation ends), so the document is hidden from everyone but the secretariat until re-indexed."""

    level: str
    districts: frozenset[int] | None = None
    groups: frozenset[int] | None = None
    scope_changes_on: datetime.date | None = None


@dataclass(frozen=True)
class DocumentData:
    """An indexable object as the engines receive it (engine-neutral, built by search/documents.py)."""

    doc_type: str
    object_id: str
    title: str
    body: str  # plain text, no markup
    url: str
    date: datetime.date | None
    access: DocumentAccess
    # facet name -> ((key, label), ...) for the TAG_FACETS
    tags: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # Words people use for this kind of thing ("besluit", "notulen"): searchable, never shown.
    keywords: str = ""
    # Multiplies the text score: how good an answer this kind of document usually is (see documents.py).
    weight: float = 1.0

    @property
    def key(self) -> tuple[str, str]:
        return (self.doc_type, self.object_id)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass(frozen=True)
class SearchRequest:
    """A search as the user asked it. `scope` has no default: no query exists without an access filter."""

    query: ParsedQuery
    scope: AccessScope
    filters: dict[str, str] = field(default_factory=dict)  # facet -> key
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10

    def __post_init__(self):
        if not isinstance(self.scope, AccessScope):
            raise TypeError("A search needs the user's AccessScope (search.access.access_scope_for).")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Hit:
    doc_type: str
    object_id: str
    title: str
    url: str
    snippet_html: str  # escaped text with <mark> around matched words; safe to render
    date: datetime.date | None
    score: float = 0.0


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int


@dataclass
class SearchResponse:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    engine: str
    # True when no result has every word, and these are the results with some of them.
    partial: bool = False
    # "Bedoelde u ...?": a corrected query that finds something this user may see.
    suggestion: str | None = None
    # True when the hits are those of the suggestion because the query itself found nothing.
    showing_suggestion: bool = False
    # Set when the configured engine failed and the database answered instead.
    notice: str | None = None


@dataclass(frozen=True)
class TitleSuggestion:
    title: str
    url: str
    doc_type: str


def _labels():
    from django.utils.translation import gettext_lazy as _

    return {
        "best_practice": _("Best practice"),
        "lesson": _("Lesson learned"),
        "material": _("Materiaal"),
        "joint_action": _("Integrale actie"),
        "meeting": _("Overleg"),
        "agenda_item": _("Agendapunt"),
        "minutes": _("Notulen"),
        "decision": _("Besluit"),
        "action_item": _("Actiepunt"),
        "organisation": _("Organisatie"),
        "contact": _("Contactpersoon"),
    }


# The types a search returns; referrals are deliberately not among them and never will be.
DOC_TYPE_LABELS = _labels()
DOC_TYPES = tuple(DOC_TYPE_LABELS)
