"""Helpers for `make bench`: a fresh open campaign with known codes (each bench run makes its own and removes
the previous one), and the demo campaign with the most responses."""

import datetime

from django.utils import timezone

from stakeholders.models import Municipality

from . import codes
from .demo import _campaign
from .models import Campaign, InvitationCode

BENCH_TITLE_PREFIX = "Benchmark"
ANSWERS = {
    "respondent_type": "bewoner",
    "kent_signalen": "ja",
    "signalen": ["geur", "verkeer"],
    "meldingsbereid": "ja",
    "meldkanaal": ["politie"],
    "benaderd": "nee",
    "vertrouwen_politie": "4",
    "vertrouwen_gemeente": "3",
    "opmerking": "Goed initiatief.",
}


def fresh_open_campaign(*, count: int) -> list[str]:
    Campaign.objects.filter(title__startswith=BENCH_TITLE_PREFIX).delete()
    today = timezone.localdate()
    campaign = _campaign(
        Municipality.objects.get(cbs_code="GM0432"),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        status=Campaign.Status.OPEN,
        addresses=count,
    )
    campaign.title = f"{BENCH_TITLE_PREFIX} {campaign.title}"
    campaign.save(update_fields=["title"])
    new = [codes.new_code() for _ in range(count)]
    InvitationCode.objects.bulk_create(InvitationCode(campaign=campaign, code_hash=codes.code_hash(c)) for c in new)
    return new


def busiest_closed_campaign() -> Campaign:
    from django.db.models import Count

    return (
        Campaign.objects.filter(status=Campaign.Status.CLOSED)
        .annotate(n=Count("responses"))
        .order_by("-n", "pk")
        .first()
    )
