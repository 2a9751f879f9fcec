import pytest

from core.roles import Role
from stakeholders.models import Affiliation, Municipality, PartnerType

HAARLEM = "GM0392"
ALKMAAR = "GM0361"


def aov_of(make_user, cbs_code: str, district: str):
    user = make_user(Role.AOV, district=district)
    organisation = Affiliation.objects.get(contact=user.contact).organisation
    organisation.municipality = Municipality.objects.get(cbs_code=cbs_code)
    organisation.partner_type = PartnerType.objects.get(code="gemeente")
    organisation.save()
    return user


@pytest.fixture
def people(make_user):
    return {
        "aov": aov_of(make_user, HAARLEM, "KEN"),
        "aov_elsewhere": aov_of(make_user, ALKMAAR, "NHN"),
        "coach": make_user(Role.COACH, district=None),
        "other_coach": make_user(Role.COACH, district=None),
        "coordinator": make_user(Role.COACH_COORDINATOR, district=None),
        "secretariat": make_user(Role.SECRETARIAT, district=None),
        "privacy_officer": make_user(Role.PRIVACY_OFFICER, district=None),
        "admin": make_user(Role.ADMIN, district=None),
        "superuser": make_user(district=None, is_superuser=True, is_staff=True),
        "partner": make_user(Role.PARTNER, district="KEN"),
    }


@pytest.fixture
def location(people):
    from referrals.services import location_create

    return location_create(
        user=people["aov"],
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="schuur",
        signals=["leegstand", "financiele_nood"],
        source="wijkagent",
        address="Polderweg 12, 2000 AA Spaarndam",
        owner_name="Jan de Boer",
        owner_contact="jan@example.nl, 06-12345678",
    )


@pytest.fixture
def referral(people, location):
    from referrals.services import referral_create

    return referral_create(
        user=people["aov"],
        location=location,
        reason="Eigenaar heeft schulden en kreeg een verdacht huuraanbod voor de schuur.",
        owner_consent=True,
        legal_basis="toestemming",
    )
