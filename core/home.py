"""What the home page shows besides its own text, offered by the apps (ARCHITECTURE.md, registries).

An app registers a function of the request in its ready(); the home page puts each result in its context under
the registered name. The function builds its list through the app's own permissions module, so the home page
never decides who sees what."""

from collections.abc import Callable
from typing import Any

_sections: dict[str, Callable[[Any], Any]] = {}


def register_home_section(name: str, build: Callable[[Any], Any]) -> None:
    """Offer `name` to the home page's template: `build(request)` is called on every view of the page."""
    _sections[name] = build


def home_sections(request) -> dict[str, Any]:
    return {name: build(request) for name, build in _sections.items()}
