import pytest

from core.roles import Role
from notifications.demo import WELCOME, notifications_demo_load
from notifications.models import Notification, Preference
from stakeholders.demo import DEMO_EMAILS

pytestmark = pytest.mark.django_db


def test_the_demo_follows_a_theme_and_welcomes_everyone_once(make_user):
    partner = make_user(Role.PARTNER, email=DEMO_EMAILS[Role.PARTNER])
    make_user(Role.SECRETARIAT, district=None, email=DEMO_EMAILS[Role.SECRETARIAT])
    coach = make_user(Role.COACH, district=None)
    assert notifications_demo_load() == {"follows": 1, "announcements": 2}
    assert Preference.objects.get(user=partner).theme.code == "drugsafval"
    assert Notification.objects.filter(recipient=coach, title=WELCOME).exists()
    assert notifications_demo_load() == {}
