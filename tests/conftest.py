import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, confirmed_totp_device, current_totp
from tests.stakeholders.factories import AffiliationFactory, MembershipFactory


def _clear_caches(*, with_database: bool) -> None:
    """Every configured cache (the shared page cache's entries and its version key, the login throttle,
    synonyms, Wagtail's site root paths) and Django's per-process content type cache. A database cache is
    cleared only where the test may use the database: without it, nothing can have been stored there."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    for alias in settings.CACHES:
        backend = caches[alias]
        if with_database or not isinstance(backend, DatabaseCache):
            backend.clear()
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Each test starts cold: one test's cached pages, throttle failures or content types never make another
    pass, change its query count or decide a permission (tests/test_cache_isolation.py proves it)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    _clear_caches(with_database=bool(uses_db))
    yield
    _clear_caches(with_database=bool(uses_db))


@pytest.fixture
def reference_data(db):
    from core.services import platform_seed

    platform_seed()


@pytest.fixture
def make_user(reference_data):
    """make_user(Role.PARTNER, district="KEN") -> a user whose contact works at an organisation
    that is a current member of that district's platform."""

    def _make(*roles, district: str | None = "KEN", **kwargs):
        from stakeholders.models import District

        user = UserFactory(roles=list(roles), **kwargs)
        if district:
            membership = MembershipFactory(district=District.objects.get(code=district))
            affiliation = AffiliationFactory(organisation=membership.organisation)
            user.contact = affiliation.contact
            user.save(update_fields=["contact"])
        return user

    return _make


@pytest.fixture
def login_with_mfa():
    """Log a client in the way a person does: password, then the TOTP code."""

    def _login(client, user):
        response = client.post("/account/inloggen/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        if user.requires_mfa:
            device = confirmed_totp_device(user)
            response = client.post("/account/mfa/", {"token": current_totp(device)})
            assert response.status_code == 302
        return client

    return _login


ALL_ROLES = list(Role)
