import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from accounts.roles import Role
from core.models import HomePage, StatementPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_only_page(reference_data):
    page = HomePage.objects.get().add_child(instance=StatementPage(title="Intern", slug="intern", body="<p>Geheim</p>"))
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name="Secretariaat")])
    return page


def test_anonymous_is_sent_to_login(client, secretariat_only_page):
    response = client.get("/intern/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_logged_in_outsider_gets_404(client, make_user, secretariat_only_page):
    client.force_login(make_user(Role.PARTNER))
    response = client.get("/intern/")
    assert response.status_code == 404 and "Geheim" not in response.text


def test_member_of_the_group_sees_it(client, make_user, login_with_mfa, secretariat_only_page):
    login_with_mfa(client, make_user(Role.SECRETARIAT))
    assert "Geheim" in client.get("/intern/").text
