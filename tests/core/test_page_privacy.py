import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from core.models import HomePage, StatementPage
from core.roles import Role

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


@pytest.mark.django_db
def test_republishing_keeps_a_group_restriction_set_in_wagtails_privacy_dialog(reference_data):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from core.permissions import user_can_view_page
    from tests.knowledgebase.factories import article

    page = article("Alleen voor de werkgroep", visibility="partners")
    restriction = PageViewRestriction.objects.get(page=page)
    restriction.restriction_type = PageViewRestriction.GROUPS
    restriction.save()
    restriction.groups.set([Group.objects.create(name="Werkgroep")])
    page.save_revision().publish()
    page.visibility = "public"
    page.save_revision().publish()
    assert list(PageViewRestriction.objects.filter(page=page).values_list("restriction_type", flat=True)) == [
        PageViewRestriction.GROUPS
    ]
    from django.contrib.auth.models import AnonymousUser

    assert not user_can_view_page(AnonymousUser(), page.specific_class.objects.get(pk=page.pk))
