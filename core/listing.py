"""Filter and page links of the portal's lists, built one way (issue #20): every link keeps the other filters
(all values of a repeated parameter), starts again on page one when a filter changes, and never carries the
live-search switch `fragment`. Used by `core.templatetags.listing` and by views that build facet groups."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django import forms
from django.utils.http import urlencode

DROPPED = ("fragment",)
PAGE_PARAMS = ("pagina",)


def query_url(query, changes: dict[str, Sequence[str]] | None = None, *, reset: Iterable[str] = ()) -> str:
    """`?...` for the QueryDict `query` with `changes` applied (an empty sequence removes the parameter)."""
    reset = set(reset) | set(DROPPED)
    params = {key: list(values) for key, values in query.lists() if key not in reset}
    for key, values in (changes or {}).items():
        if values:
            params[key] = [str(v) for v in values]
        else:
            params.pop(key, None)
    pairs = [(key, value) for key, values in params.items() for value in values if value != ""]
    return "?" + urlencode(pairs)


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int
    url: str  # applies this value (or, when selected, removes it)
    selected: bool


FACET_SHOWN = 6  # values shown at first; the rest behind "Meer", so a phone reaches the results


@dataclass(frozen=True)
class FacetGroup:
    name: str
    title: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def shown(self) -> list[FacetValue]:
        return self.values[:FACET_SHOWN]

    @property
    def more(self) -> list[FacetValue]:
        return self.values[FACET_SHOWN:]

    @property
    def more_selected(self) -> bool:
        return any(value.selected for value in self.more)


@dataclass(frozen=True)
class ActiveFilter:
    title: str  # the filter's name, "Thema"
    label: str  # the chosen value, "Hennep" (empty for a tick box)
    remove_url: str


def facet_group(
    query, *, name: str, title, values: Iterable[tuple[str, str, int]], reset: Iterable[str] = PAGE_PARAMS
) -> FacetGroup:
    """One value of `name` at a time: a value's link chooses it (keeping the other filters), the chosen
    value's link removes it."""
    chosen = query.get(name, "")
    reset = tuple(reset)
    return FacetGroup(
        name=name,
        title=str(title),
        values=[
            FacetValue(
                key=str(key),
                label=str(label),
                count=count,
                url=query_url(query, {name: [] if str(key) == chosen else [str(key)]}, reset=reset),
                selected=str(key) == chosen,
            )
            for key, label, count in values
        ],
    )


def active_filters_of_form(query, form, *, reset: Iterable[str] = PAGE_PARAMS) -> list[ActiveFilter]:
    """The filters of a bound GET form that are in use (valid and not empty), each with the address that
    drops it alone. A choice shows its label, not its code."""
    if not form.is_bound:
        return []
    form.is_valid()  # fills form.errors: a value it refused is not in use
    reset = tuple(reset)
    active = []
    for name, form_field in form.fields.items():
        if name in form.errors:
            continue
        raw = form.data.get(name, "")
        if raw in ("", None):
            continue
        if isinstance(form_field, forms.BooleanField):
            label = ""  # a tick box in use is named by its own label: "Alleen te laat"
        else:
            # The first choice with this value: a form may list a value twice ("open" as a group and a status).
            label = next((v for k, v in getattr(form_field, "choices", ()) if str(k) == str(raw)), raw)
        active.append(ActiveFilter(str(form_field.label), str(label), query_url(query, {name: []}, reset=reset)))
    return active
