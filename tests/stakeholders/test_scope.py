import datetime

import pytest

from core.roles import Role
from stakeholders.models import Affiliation, District, Membership, Municipality
from stakeholders.permissions import aov_municipality_ids_for, district_ids_for
from tests.stakeholders.factories import AffiliationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    from accounts.models import User

    return User.objects.get(pk=user.pk)


def test_partner_sees_the_districts_of_their_organisations(make_user):
    user = make_user(Role.PARTNER, district="KEN")
    assert district_ids_for(user) == {District.objects.get(code="KEN").pk}


def test_ending_the_membership_ends_the_district_access(make_user):
    user = make_user(Role.PARTNER, district="KEN")
    Membership.objects.update(until=datetime.date.today() - datetime.timedelta(days=1))
    assert district_ids_for(_fresh(user)) == frozenset()


def test_ending_the_affiliation_ends_the_district_access(make_user):
    user = make_user(Role.PARTNER, district="KEN")
    Affiliation.objects.filter(contact=user.contact).update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    assert district_ids_for(_fresh(user)) == frozenset()


def test_an_inactive_organisation_gives_no_access(make_user):
    user = make_user(Role.PARTNER, district="KEN")
    user.contact.affiliations.get().organisation.__class__.objects.update(is_active=False)
    assert district_ids_for(_fresh(user)) == frozenset()


def test_a_future_membership_gives_no_access_yet(make_user):
    user = make_user(Role.PARTNER, district=None)
    membership = MembershipFactory(since=datetime.date.today() + datetime.timedelta(days=7))
    user.contact = AffiliationFactory(organisation=membership.organisation).contact
    user.save()
    assert district_ids_for(_fresh(user)) == frozenset()


def test_aov_municipality_comes_from_their_municipal_organisation(make_user):
    user = make_user(Role.AOV, district=None)
    haarlem = Municipality.objects.get(name="Haarlem")
    organisation = OrganisationFactory(municipal=True, name="Gemeente Haarlem", municipality=haarlem)
    affiliation = AffiliationFactory(organisation=organisation)
    user.contact = affiliation.contact
    user.save()
    assert aov_municipality_ids_for(_fresh(user)) == {haarlem.pk}
    affiliation.end_date = datetime.date.today() - datetime.timedelta(days=1)
    affiliation.save()
    assert aov_municipality_ids_for(_fresh(user)) == frozenset()


def test_a_partner_without_aov_role_has_no_municipality(make_user):
    user = make_user(Role.PARTNER)
    assert aov_municipality_ids_for(user) == frozenset()
