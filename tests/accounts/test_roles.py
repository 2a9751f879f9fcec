import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.models import ModelLogEntry

from accounts import services
from accounts.admin_viewsets import RoleSafeUserEditForm
from accounts.models import RoleGrant
from core.roles import GROUP_NAMES, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, district=None)


@pytest.fixture
def privacy_officer(make_user):
    return make_user(Role.PRIVACY_OFFICER, district=None)


def test_role_groups_exist_with_their_permissions(reference_data):
    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUP_NAMES.values())
    secretariat = Group.objects.get(name="Secretariaat")
    assert secretariat.permissions.filter(codename="access_admin").exists()
    for name in ("Partner", "Coach", "Coachcoördinator", "Privacy officer"):
        assert not Group.objects.get(name=name).permissions.filter(codename="access_admin").exists()


def test_beheerder_assigns_a_plain_role_and_it_is_logged(admin_user, make_user):
    subject = make_user(Role.PARTNER)
    services.role_assign(actor=admin_user, user=subject, role=Role.AOV)
    assert subject.has_role(Role.AOV)
    assert ModelLogEntry.objects.filter(action="vbg.role.assigned", user=admin_user).exists()


def test_nobody_grants_themselves_a_role(admin_user):
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin_user, user=admin_user, role=Role.SECRETARIAT)
    with pytest.raises(PermissionDenied):
        services.role_grant_request(actor=admin_user, user=admin_user, role=Role.COACH, reason="x")


def test_a_non_beheerder_cannot_assign_roles(make_user):
    secretariat = make_user(Role.SECRETARIAT)
    subject = make_user(Role.PARTNER)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=secretariat, user=subject, role=Role.AOV)


def test_referral_role_needs_the_privacy_officers_approval(admin_user, privacy_officer, make_user):
    subject = make_user(Role.PARTNER, district=None)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin_user, user=subject, role=Role.COACH)
    grant = services.role_grant_request(actor=admin_user, user=subject, role=Role.COACH, reason="Nieuwe coach LTO")
    assert not subject.has_role(Role.COACH)
    services.role_grant_decide(actor=privacy_officer, grant=grant, approve=True, note="Akkoord")
    subject.refresh_from_db()
    subject.__dict__.pop("_roles_cache", None)
    assert subject.has_role(Role.COACH)
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.APPROVED and grant.decided_by == privacy_officer
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"vbg.role.requested", "vbg.role.approved"} <= actions


def test_rejected_grant_gives_no_role(admin_user, privacy_officer, make_user):
    subject = make_user(Role.PARTNER, district=None)
    grant = services.role_grant_request(actor=admin_user, user=subject, role=Role.COACH_COORDINATOR, reason="r")
    services.role_grant_decide(actor=privacy_officer, grant=grant, approve=False)
    assert not subject.has_role(Role.COACH_COORDINATOR)


def test_privacy_officer_cannot_approve_for_themselves_or_twice(admin_user, privacy_officer, make_user):
    grant = services.role_grant_request(actor=admin_user, user=privacy_officer, role=Role.COACH, reason="r")
    with pytest.raises(PermissionDenied):
        services.role_grant_decide(actor=privacy_officer, grant=grant, approve=True)
    other_fg = make_user(Role.PRIVACY_OFFICER, district=None)
    services.role_grant_decide(actor=other_fg, grant=grant, approve=True)
    with pytest.raises(ValidationError):
        services.role_grant_decide(actor=other_fg, grant=grant, approve=True)


def test_only_the_privacy_officer_decides(admin_user, make_user):
    subject = make_user(Role.PARTNER, district=None)
    grant = services.role_grant_request(actor=admin_user, user=subject, role=Role.COACH, reason="r")
    with pytest.raises(PermissionDenied):
        services.role_grant_decide(actor=admin_user, grant=grant, approve=True)


def test_no_code_path_adds_a_referral_group_directly(make_user):
    subject = make_user(Role.PARTNER, district=None)
    coach, fg = Group.objects.get(name="Coach"), Group.objects.get(name="Privacy officer")
    with pytest.raises(PermissionDenied), transaction.atomic():
        subject.groups.add(coach)
    with pytest.raises(PermissionDenied), transaction.atomic():
        fg.user_set.add(subject)
    assert not subject.groups.filter(pk__in=[coach.pk, fg.pk]).exists()


def test_wagtail_user_form_offers_no_referral_roles_and_keeps_approved_ones(admin_user, privacy_officer, make_user):
    subject = make_user(Role.PARTNER, district=None)
    grant = services.role_grant_request(actor=admin_user, user=subject, role=Role.COACH, reason="r")
    services.role_grant_decide(actor=privacy_officer, grant=grant, approve=True)
    form = RoleSafeUserEditForm(instance=subject)
    offered = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert offered.isdisjoint({"Coach", "Coachcoördinator", "Privacy officer"})
    assert "is_superuser" not in form.fields
    partner = Group.objects.get(name="Partner")
    data = {
        "email": subject.email,
        "first_name": "Nieuwe",
        "last_name": "Naam",
        "is_active": "on",
        "groups": [partner.pk],
    }
    form = RoleSafeUserEditForm(data=data, instance=subject)
    assert form.is_valid(), form.errors
    form.save()
    assert set(subject.groups.values_list("name", flat=True)) == {"Partner", "Coach"}


def test_wagtail_user_form_hides_own_roles(admin_user):
    form = RoleSafeUserEditForm(instance=admin_user, editing_self=True)
    assert "groups" not in form.fields


def test_mfa_reset_needs_a_reason_and_is_logged(admin_user, make_user):
    from tests.accounts.factories import confirmed_totp_device

    subject = make_user(Role.COACH, district=None)
    confirmed_totp_device(subject)
    with pytest.raises(ValidationError):
        services.mfa_reset(actor=admin_user, user=subject, reason=" ")
    services.mfa_reset(actor=admin_user, user=subject, reason="Telefoon verloren")
    assert not subject.totpdevice_set.exists()
    entry = ModelLogEntry.objects.get(action="vbg.mfa.reset")
    assert entry.data["reason"] == "Telefoon verloren"


def test_user_management_pages_are_404_for_others(client, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.SECRETARIAT))
    assert client.get("/account/gebruikers/").status_code == 404
    assert client.get("/account/roltoekenningen/").status_code == 404


def test_beheerder_requests_a_coach_role_through_the_page(client, admin_user, make_user, login_with_mfa):
    subject = make_user(Role.PARTNER, district=None)
    login_with_mfa(client, admin_user)
    response = client.post(
        f"/account/gebruikers/{subject.pk}/", {"role-role": "coach", "role-reason": "Nieuwe coach", "assign": "1"}
    )
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=subject, role="coach", status="requested").exists()


def test_secretariat_invites_a_contact(
    client, make_user, login_with_mfa, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.stakeholders.factories import ContactFactory

    contact = ContactFactory(email="nieuw@liander.nl")
    login_with_mfa(client, make_user(Role.SECRETARIAT))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/uitnodigen/", {"contact": contact.pk})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/account/uitnodiging/" in mailoutbox[0].body
    link = next(line for line in mailoutbox[0].body.splitlines() if "/account/uitnodiging/" in line).strip()
    path = link.split("8000", 1)[-1] if "8000" in link else link
    page = client.get(path, follow=True)
    assert "Welkom" in page.text
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    done = client.post(
        form_url, {"new_password1": "Heel-Veilig-Wachtwoord-1", "new_password2": "Heel-Veilig-Wachtwoord-1"}
    )
    assert done.status_code == 302
    from accounts.models import User

    invited = User.objects.get(email="nieuw@liander.nl")
    assert (
        invited.contact == contact
        and invited.has_role(Role.PARTNER)
        and invited.check_password("Heel-Veilig-Wachtwoord-1")
    )


def test_the_invite_permission_is_read_only_for_roles_that_can_carry_it(make_user, django_assert_num_queries):
    from accounts.permissions import user_can_invite

    partner, secretariat = make_user(Role.PARTNER), make_user(Role.SECRETARIAT, district=None)
    partner.roles, secretariat.roles  # noqa: B018 - the role query of each request, read beforehand
    with django_assert_num_queries(0):  # no permission queries on every page for a Partner
        assert user_can_invite(partner) is False
    with django_assert_num_queries(2):
        assert user_can_invite(secretariat) is True
    Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT]).permissions.clear()
    secretariat = type(secretariat).objects.get(pk=secretariat.pk)
    assert user_can_invite(secretariat) is False  # the role gate never grants by itself
