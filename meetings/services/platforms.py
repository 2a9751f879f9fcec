"""One platform page per district (seed_reference_data; idempotent). Districts are data, so a new
region's districts get their pages on the next seed."""

from django.db import transaction

from stakeholders.models import District

from ..models import DistrictPlatformPage

PLATFORM_INTRO = (
    "Het stakeholdersplatform van %(name)s komt elk kwartaal bijeen: gemeenten, politie en partners delen "
    "signalen, bespreken integrale acties en spreken acties af."
)


@transaction.atomic
def platform_pages_ensure(home) -> int:
    created = 0
    for district in District.objects.exclude(platform_page__isnull=False).order_by("name"):
        home.add_child(
            instance=DistrictPlatformPage(
                title=f"Platform {district.name}",
                slug=f"platform-{district.code.lower()}",
                district=district,
                intro=PLATFORM_INTRO % {"name": district.name},
            )
        )
        created += 1
    return created
