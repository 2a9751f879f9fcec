"""What the home page shows besides its own text, offered by the apps (ARCHITECTURE.md, registries).

Two registries, both filled in the apps' ready(), so the home page never imports an app and never decides who
sees what:

- `register_home_section(name, build)`: a part of the public home page; `build(request)` lands in its context
  under `name`.
- `register_start_section(StartSection(...))`: a list on a logged-in person's start page ("Mijn overzicht")
  and on the secretariat's admin dashboard. `applies(user)` says whose start page shows it (a role check from
  the owning app's permissions module); `build(request)` returns the items, built through that same module."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

_sections: dict[str, Callable[[Any], Any]] = {}


def register_home_section(name: str, build: Callable[[Any], Any]) -> None:
    """Offer `name` to the home page's template: `build(request)` is called on every view of the page."""
    _sections[name] = build


def home_sections(request) -> dict[str, Any]:
    return {name: build(request) for name, build in _sections.items()}


# --- The start page of logged-in people ------------------------------------------------------------------------


@dataclass(frozen=True)
class StartAction:
    """A button on a start-page line that does something right there: a small POST form (with CSRF, no
    JavaScript) to the owning app's own endpoint, which checks its own permissions. The start page adds a `next`
    field with its own address, so the endpoint can bring the reader back with its confirmation message."""

    label: str | Promise  # the visible text; the item's title is added for screen readers
    url: str  # where the form posts
    fields: tuple[tuple[str, str], ...] = ()  # hidden fields (name, value)
    style: str = "primary"  # "primary", "secondary" or "danger": the portal's button classes


@dataclass(frozen=True)
class StartItem:
    """One line of a start-page list: always a link to something the reader may open."""

    title: str
    url: str
    detail: str = ""  # a status or a date, plain text
    urgent: bool = False  # overdue, returned: shown with a marker and a word, never by colour alone
    actions: tuple[StartAction, ...] = ()  # buttons to act on the item without leaving the start page


@dataclass(frozen=True)
class StartSection:
    key: str
    title: str | Promise
    empty_hint: str | Promise  # what the reader can do next when the list is empty, in plain Dutch
    applies: Callable[[Any], bool]  # whose start page shows this list
    build: Callable[[Any], list[StartItem]]  # build(request): the items, through the owning app's permissions
    order: int = 100
    more_url: Callable[[], str] | None = None  # the full list, when there is one
    more_label: str | Promise = ""
    on_dashboard: bool = False  # also a panel on the secretariat's Wagtail dashboard (/beheer/)


@dataclass
class BuiltSection:
    section: StartSection
    items: list[StartItem] = field(default_factory=list)

    @property
    def more_url(self) -> str:
        return self.section.more_url() if self.section.more_url else ""


_start_sections: dict[str, StartSection] = {}


def register_start_section(section: StartSection) -> None:
    _start_sections[section.key] = section


def start_sections(request, *, dashboard: bool = False) -> list[BuiltSection]:
    """The lists of this person's start page in their order (on the dashboard only those meant for it);
    a list that does not apply to the person is not built at all."""
    user = request.user
    if not user.is_authenticated:
        return []
    chosen = sorted(
        (s for s in _start_sections.values() if (s.on_dashboard or not dashboard) and s.applies(user)),
        key=lambda s: (s.order, s.key),
    )
    return [BuiltSection(section, list(section.build(request))) for section in chosen]
