import pytest
from django.core.cache import cache

from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, confirmed_totp_device, current_totp
from tests.stakeholders.factories import AffiliationFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """The throttle lives in the real cache (a database table by default); tests must not see
    each other's failures."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    cache.clear()
    yield
    cache.clear()


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
