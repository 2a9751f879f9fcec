"""Demo notifications: the demo partner follows drugsafval with a daily digest, and the secretariat's
welcome announcement rings every demo user's bell. Safe to repeat."""

from django.db import transaction

from accounts.models import User
from core.roles import Role
from stakeholders.demo import DEMO_EMAILS
from stakeholders.models import Theme

from .models import Delivery, Notification, Preference
from .services import announcement_send

WELCOME = "Welkom op het portaal Veilig Buitengebied"


@transaction.atomic
def notifications_demo_load() -> dict[str, int]:
    if Notification.objects.filter(kind="announcement", title=WELCOME).exists():
        return {}
    secretariat = User.objects.filter(email=DEMO_EMAILS[Role.SECRETARIAT]).first()
    partner = User.objects.filter(email=DEMO_EMAILS[Role.PARTNER]).first()
    if secretariat is None or partner is None:
        return {}
    follows = 0
    theme = Theme.objects.filter(code="drugsafval").first()
    if theme is not None:
        _, created = Preference.objects.get_or_create(
            user=partner, event="knowledge.new_page", theme=theme, defaults={"delivery": Delivery.DAILY}
        )
        follows += int(created)
    sent = announcement_send(
        user=secretariat,
        title=WELCOME,
        body="Hier vindt u de agenda's en notulen van uw districtsplatform, de kennisbank en de voortgang van de "
        "modules. Bij Meldingen > Meldingsvoorkeuren kiest u wat u hoort en hoe.",
        url="/meldingen/voorkeuren/",
    )
    return {"follows": follows, "announcements": sent}
