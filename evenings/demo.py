"""Demo data for module 2: Haarlem (the demo AOV's municipality) has a published evening in twelve days with
speakers from the CRM and residents' registrations, and a past evening whose attendance is still to be entered;
Zandvoort has an evening held last month with its attendance, and Velsen an unpublished draft. Idempotent:
nothing is added when evenings exist."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from stakeholders.models import Affiliation, Membership, Municipality

from .models import Evening, Registration, Speaker

DEMO_AOV = "aov@demo.veiligbuitengebied.nl"
HAARLEM, ZANDVOORT, VELSEN = "GM0392", "GM0473", "GM0453"
PROGRAMME = (
    "19.30 Inloop met koffie\n19.45 Welkom door de burgemeester\n"
    "20.00 Wat gebeurt er in ons buitengebied? (politie en gemeente)\n"
    "20.30 Signalen herkennen: lege schuren, drugsafval, vreemde geuren\n"
    "21.00 Vragen en melden, ook anoniem via Meld Misdaad Anoniem\n21.30 Afsluiting"
)


def _police_contact(municipality):
    police = Membership.objects.current().filter(
        district_id=municipality.district_id, organisation__partner_type__code="politie", organisation__is_active=True
    )
    affiliation = (
        Affiliation.objects.current()
        .filter(organisation_id__in=police.values("organisation_id"), contact__anonymised_at__isnull=True)
        .select_related("contact")
        .order_by("pk")
        .first()
    )
    return affiliation.contact if affiliation else None


def _evening(municipality, *, days: int, **fields) -> Evening:
    date = timezone.localdate() + datetime.timedelta(days=days)
    return Evening.objects.create(
        municipality=municipality,
        slug=f"{municipality.name.lower().replace(' ', '-')}-{date:%Y-%m-%d}",
        title=fields.pop("title", "Informatieavond veilig buitengebied"),
        date=date,
        starts_at=datetime.time(19, 30),
        programme=PROGRAMME,
        **fields,
    )


@transaction.atomic
def evenings_demo_load(*, seed: int = 2021) -> dict[str, int]:
    if Evening.objects.exists():
        return {}
    rng = random.Random(seed)
    municipalities = {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=[HAARLEM, ZANDVOORT, VELSEN])}
    haarlem = municipalities.get(HAARLEM)
    if haarlem is None:
        return {}
    upcoming = _evening(
        haarlem, days=12, place="Dorpshuis Spaarnwoude", address="Oude Kerkweg 3, Spaarndam", capacity=80,
        published=True,
    )  # fmt: skip
    aov = User.objects.filter(email=DEMO_AOV).first()
    position = 0
    for kind, contact in (
        (Speaker.Kind.AOV, aov.contact if aov else None),
        (Speaker.Kind.POLICE, _police_contact(haarlem)),
    ):
        if contact is not None:
            position += 1
            Speaker.objects.create(evening=upcoming, kind=kind, contact=contact, position=position)
    Speaker.objects.create(
        evening=upcoming, kind=Speaker.Kind.GUEST, name="Jan de Boer", description="melkveehouder, LTO Noord",
        position=position + 1,
    )  # fmt: skip
    registrations = [
        Registration(
            evening=upcoming,
            people=rng.choice([1, 1, 2, 2, 2, 3, 4]),
            email=f"bewoner{n}@demo.veiligbuitengebied.nl" if n % 3 == 0 else "",
        )
        for n in range(1, 19)
    ]
    Registration.objects.bulk_create(registrations)
    # Held three weeks ago; its registrations were deleted the night after, the counts stayed.
    past = _evening(
        haarlem, days=-21, title="Informatieavond Haarlem-Noord", place="Buurthuis De Horizon",
        address="Marsmanplein 2, Haarlem", published=True, registrations_kept=14, people_registered_kept=31,
        registrations_purged_at=timezone.now() - datetime.timedelta(days=20),
    )  # fmt: skip
    made = [upcoming, past]
    if ZANDVOORT in municipalities:
        made.append(
            _evening(
                municipalities[ZANDVOORT],
                days=-35,
                place="Gemeentehuis Zandvoort",
                address="Swaluestraat 2, Zandvoort",
                published=True,
                attendance=46,
                materials_handed_out=40,
                registrations_kept=22,
                people_registered_kept=51,
                registrations_purged_at=timezone.now() - datetime.timedelta(days=34),
                attendance_entered_at=timezone.now() - datetime.timedelta(days=33),
            )  # fmt: skip
        )
    if VELSEN in municipalities:
        made.append(
            _evening(
                municipalities[VELSEN], days=40, place="Dorpshuis Velsen-Noord", address="Wijkerstraatweg 1, Velsen"
            )
        )
    return {"informatieavonden": len(made), "aanmeldingen": len(registrations)}
