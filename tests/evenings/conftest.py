import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.roles import Role
from evenings.models import Evening
from stakeholders.models import Municipality
from tests.referrals.conftest import ALKMAAR, HAARLEM, aov_of
from tests.trainings.conftest import sign_in

__all__ = ["ALKMAAR", "HAARLEM", "sign_in"]


def evening(*, cbs_code: str = HAARLEM, days: int = 10, capacity: int | None = 40, published: bool = True, **fields):
    municipality = Municipality.objects.get(cbs_code=cbs_code)
    date = timezone.localdate() + datetime.timedelta(days=days)
    return Evening.objects.create(
        municipality=municipality,
        slug=fields.pop("slug", f"{municipality.name.lower()}-{date:%Y-%m-%d}-{Evening.objects.count()}"),
        title=fields.pop("title", "Informatieavond veilig buitengebied"),
        date=date,
        starts_at=fields.pop("starts_at", datetime.time(19, 30)),
        place=fields.pop("place", "Dorpshuis"),
        address=fields.pop("address", "Dorpsstraat 1, Spaarndam"),
        capacity=capacity,
        published=published,
        **fields,
    )


@pytest.fixture(autouse=True)
def _fresh_throttle(reference_data):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(make_user):
    return {
        "partner": make_user(Role.PARTNER, district="KEN"),
        "aov": aov_of(make_user, HAARLEM, "KEN"),
        "aov_elsewhere": aov_of(make_user, ALKMAAR, "NHN"),
        "secretariat": make_user(Role.SECRETARIAT, district=None),
        "coach": make_user(Role.COACH, district=None),
        "coordinator": make_user(Role.COACH_COORDINATOR, district=None),
        "privacy_officer": make_user(Role.PRIVACY_OFFICER, district=None),
        "admin": make_user(Role.ADMIN, district=None),
        "no_role": make_user(district=None),
    }
