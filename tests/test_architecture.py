"""The house of ARCHITECTURE.md: the import contract holds with no exception written down, and a new app offers
a searchable type and a notification kind through the registries, without a change to core, search or
notifications."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from core.roles import Role

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contract_holds():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_contract_allows_no_exception():
    """A new upward import is fixed, not written down."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert [rule for contract in config["contracts"] for rule in contract.get("ignore_imports", [])] == []


def test_core_imports_no_app_of_the_project():
    """The ground floor, read line by line as well (also an import in a string-built module path would show)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    apps = set(config["root_packages"]) - {"core"}
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            words = line.split()
            if len(words) >= 2 and words[0] in ("from", "import") and words[1].split(".")[0] in apps:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.fixture
def theme_search_type():
    """A type a new app would register: themes, public, found by name."""
    from search.access import PUBLIC
    from search.contract import DOC_TYPE_LABELS, DocumentAccess, DocumentData
    from search.documents import TYPE_KEYWORDS, TYPE_WEIGHTS, TYPES, DocType, register_document_type
    from stakeholders.models import Theme

    class ThemeType(DocType):
        def queryset(self):
            return Theme.objects.all()

        def build(self, theme):
            return DocumentData(
                doc_type=self.name,
                object_id=str(theme.pk),
                title=theme.name,
                body=f"Thema van het programma: {theme.name}.",
                url=f"/themas/{theme.code}/",
                date=None,
                access=DocumentAccess(PUBLIC),
            )

    register_document_type(ThemeType("theme"), label="Thema", weight=1.1, keywords="thema onderwerp")
    yield
    for registry in (TYPES, DOC_TYPE_LABELS, TYPE_WEIGHTS, TYPE_KEYWORDS):
        registry.pop("theme", None)


def test_a_type_registered_by_an_app_is_indexed_and_found(reference_data, theme_search_type):
    from search.indexing import rebuild, verify
    from search.services import portal_search, search_request_for
    from stakeholders.models import Theme

    theme = Theme.objects.order_by("pk").first()
    written = rebuild(["theme"])

    response = portal_search(search_request_for(AnonymousUser(), text=theme.name))

    assert written["database"] == Theme.objects.count()
    assert ("theme", str(theme.pk)) in [(hit.doc_type, hit.object_id) for hit in response.hits]
    assert "Thema" in [str(value.label) for value in response.facets["type"]]
    assert verify(doc_types=["theme"]).differences == 0


@pytest.fixture
def theme_notifications():
    """A notification kind and a subject scope a new app would register: a theme, seen by the secretariat."""
    from django.utils.translation import gettext_lazy as _

    from notifications.events import EVENTS, Event, register_event
    from notifications.permissions import _registered_scopes, register_subject_scope
    from stakeholders.models import Theme

    def themes_visible_to(user):
        return Theme.objects.all() if user.has_role(Role.SECRETARIAT) else Theme.objects.none()

    register_event(
        Event("themes.changed", _("Thema gewijzigd"), "general", frozenset({Role.SECRETARIAT, Role.PARTNER}))
    )
    register_subject_scope(Theme, themes_visible_to)
    yield
    EVENTS.pop("themes.changed", None)
    _registered_scopes[:] = [scope for scope in _registered_scopes if scope.model is not Theme]


def test_a_notification_kind_registered_by_an_app_reaches_only_who_may_see_its_subject(make_user, theme_notifications):
    from notifications.models import Notification
    from notifications.services import notify
    from stakeholders.models import Theme

    secretary, partner = make_user(Role.SECRETARIAT), make_user(Role.PARTNER)
    theme = Theme.objects.order_by("pk").first()

    sent = notify(recipients=[secretary, partner], kind="themes.changed", title="Thema bijgewerkt", subject=theme)

    assert [n.recipient_id for n in sent] == [secretary.pk]
    assert Notification.objects.filter(recipient=partner).count() == 0


def test_an_event_with_an_unknown_category_is_refused():
    from notifications.events import Event, register_event

    with pytest.raises(ValueError, match="category"):
        register_event(Event("x.y", "X", "no-such-category", frozenset({Role.PARTNER})))
