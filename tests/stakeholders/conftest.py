import pytest

from core.roles import Role


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT)


@pytest.fixture
def secretariat_client(client, secretariat, login_with_mfa):
    """A browser session of the secretariat, past MFA."""
    return login_with_mfa(client, secretariat)
