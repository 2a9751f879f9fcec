"""Clearly fictitious referrals for the demo: owners are "Fictieve eigenaar N", addresses "Demoweg N".

Idempotent: nothing is created when the register already has locations."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.roles import GROUP_NAMES, Role
from stakeholders.models import Municipality

from .models import Referral, ReferralNote, ReferralStatusChange, VulnerableLocation

PER_SCALE = 40


@transaction.atomic
def referrals_demo_load(*, scale: int = 1, seed: int = 2021) -> dict[str, int]:
    if VulnerableLocation.objects.exists():
        return {}
    rng = random.Random(seed)
    municipalities = list(Municipality.objects.current())
    coach = User.objects.filter(groups__name=GROUP_NAMES[Role.COACH], is_active=True).first()
    aov = User.objects.filter(groups__name=GROUP_NAMES[Role.AOV], is_active=True).first()
    haarlem = Municipality.objects.filter(cbs_code="GM0392").first()
    statuses = list(Referral.Status.values)
    today = timezone.localdate()
    referred = 0
    for number in range(1, PER_SCALE * scale + 1):
        municipality = haarlem if (haarlem and number % 4 == 0) else rng.choice(municipalities)
        location = VulnerableLocation.objects.create(
            municipality=municipality,
            premises_kind=rng.choice(VulnerableLocation.Premises.values),
            signals=sorted(rng.sample(VulnerableLocation.Signal.values, 2)),
            source=rng.choice(VulnerableLocation.Source.values),
            address=f"Demoweg {number}, {municipality.name} (fictief)",
            owner_name=f"Fictieve eigenaar {number}",
            owner_contact=f"eigenaar{number}@voorbeeld.invalid",
            created_by=aov if municipality == haarlem else None,
        )
        if number % 3 == 0:
            continue  # not referred (yet)
        status = rng.choice(statuses)
        referral = Referral.objects.create(
            location=location,
            municipality=municipality,
            referred_by=aov if municipality == haarlem else None,
            reason="Fictieve reden voor de demo: leegstaande schuur en zorgen over de financiële situatie.",
            owner_consent=True,
            legal_basis=Referral.LegalBasis.CONSENT,
            coach=coach if status != Referral.Status.REGISTERED else None,
            status=status,
        )
        location.state = VulnerableLocation.State.REFERRED
        location.save(update_fields=["state"])
        ReferralStatusChange.objects.create(referral=referral, to_status=Referral.Status.REGISTERED)
        if status in (Referral.Status.FIRST_CONVERSATION, Referral.Status.FOLLOW_UP, Referral.Status.CLOSED):
            referral.first_conversation_on = today - datetime.timedelta(days=rng.randint(5, 200))
            referral.first_conversation_paid = True
            if status == Referral.Status.CLOSED:
                referral.outcome = rng.choice(Referral.Outcome.values)
                referral.closed_at = timezone.now() - datetime.timedelta(days=rng.randint(1, 120))
            if status == Referral.Status.FOLLOW_UP:
                referral.follow_up = rng.choice(Referral.FollowUp.values)
            referral.save()
            if coach:
                ReferralNote.objects.create(
                    referral=referral, author=coach, text="Fictieve notitie: eerste gesprek gevoerd."
                )
        referred += 1
    return {"locaties": PER_SCALE * scale, "doorverwijzingen": referred}
