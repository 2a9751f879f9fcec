"""Realistic Dutch demo data: organisations, platform memberships, contacts and one login per role.

The same seed gives the same data, so a problem seen on one machine can be replayed on another.
Loading twice creates nothing the second time: the demo users' e-mail addresses mark the data."""

import datetime
import hashlib
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from tqdm import tqdm

from accounts.mfa import totp_secret_base32
from accounts.models import User
from accounts.services import role_assign_by_system, roles_ensure_groups
from core.roles import GROUP_NAMES, MFA_EXEMPT_ROLES, Role

from .models import Affiliation, Contact, District, Membership, Municipality, Organisation, PartnerType
from .services import reference_data_seed

DEMO_PASSWORD = "Veilig-Buitengebied-2021"
DEMO_DOMAIN = "demo.veiligbuitengebied.nl"
DEMO_MAILBOXES = {
    Role.PARTNER: "partner",
    Role.AOV: "aov",
    Role.SECRETARIAT: "secretariaat",
    Role.COACH: "coach",
    Role.COACH_COORDINATOR: "coordinator",
    Role.PRIVACY_OFFICER: "fg",
    Role.ADMIN: "beheerder",
}
DEMO_FUNCTIONS = {
    Role.PARTNER: "Regiomanager",
    Role.AOV: "Adviseur openbare veiligheid",
    Role.SECRETARIAT: "Programmasecretaris",
    Role.COACH: "Agrarisch coach",
    Role.COACH_COORDINATOR: "Coördinator coaching",
    Role.PRIVACY_OFFICER: "Functionaris gegevensbescherming",
    Role.ADMIN: "Functioneel beheerder",
}
DEMO_EMAILS = {role: f"{mailbox}@{DEMO_DOMAIN}" for role, mailbox in DEMO_MAILBOXES.items()}

ORGANISATIONS_PER_SCALE = 50
CONTACTS_PER_SCALE = 300
# The demo partner works for a local LTO branch in Kennemerland; the demo AOV for Haarlem.
PARTNER_TYPE_CODE = "lto"
PARTNER_DISTRICT_CODE = "KEN"
AOV_MUNICIPALITY_CODE = "GM0392"
MUNICIPALITY_TYPE_CODE = "gemeente"
SECRETARIAT_TYPE_CODE = "nhsv"

PROGRAMME_START = datetime.date(2021, 1, 1)
EARLIEST_START = datetime.date(2012, 1, 1)
LATEST_START = datetime.date(2024, 6, 30)
PAST_AFFILIATION_SHARE = 0.08
DIRECTORY_CONSENT_SHARE = 0.85
CONSENT_MOMENT = datetime.datetime(2021, 9, 15, 10, 0, tzinfo=datetime.UTC)
PLATFORM_ROLES = ["vertegenwoordiger", "plaatsvervanger", ""]
FUNCTIONS = [
    "Adviseur openbare veiligheid",
    "Wijkagent",
    "Operationeel expert",
    "Boa buitengebied",
    "Toezichthouder",
    "Beleidsadviseur ondermijning",
    "Handhaver",
    "Boswachter",
    "Gebiedsbeheerder",
    "Relatiebeheerder",
    "Projectleider",
    "Bestuurder",
    "Veiligheidscoördinator",
    "Accountmanager",
    "Secretaris",
]
REPRESENTATIVE_SHARE = 0.10


@dataclass(frozen=True)
class _Profile:
    """How organisations of one partner type are named.

    `regional`: (name, mail domain) of organisations working in the whole region; the first one sits on
    every district platform. `local`: the same for templates with {place}, {district} and {surname}
    (and their `_slug` forms), one organisation per use. `weight`: share of the extra organisations."""

    regional: tuple[tuple[str, str], ...] = ()
    local: tuple[tuple[str, str], ...] = ()
    role: str | None = None
    weight: int = 1


PROFILES: dict[str, _Profile] = {
    "handhaving": _Profile(
        local=(
            ("Team Handhaving Buitengebied {place}", "{place_slug}.nl"),
            ("Boa-team {place}", "{place_slug}.nl"),
            ("Toezicht en Handhaving {place}", "{place_slug}.nl"),
        ),
        weight=3,
    ),
    "omgevingsdienst": _Profile(
        regional=(
            ("Omgevingsdienst Noord-Holland Noord", "odnhn.nl"),
            ("Omgevingsdienst IJmond", "odijmond.nl"),
            ("Omgevingsdienst Noordzeekanaalgebied", "odnzkg.nl"),
        ),
    ),
    "veiligheidsregio": _Profile(
        local=(
            ("Veiligheidsregio {district}", "vr-{district_slug}.nl"),
            ("Brandweer {district} – post {place}", "vr-{district_slug}.nl"),
        ),
        weight=2,
    ),
    "wbe": _Profile(local=(("WBE {place}", "wbe-{place_slug}.nl"),), weight=2),
    "pwn": _Profile(regional=(("PWN", "pwn.nl"),), local=(("PWN – regioteam {place}", "pwn.nl"),)),
    "lto": _Profile(
        regional=(("LTO Noord regio Noord-Holland", "ltonoord.nl"),),
        local=(("LTO Noord afdeling {place}", "ltonoord.nl"),),
        weight=3,
    ),
    "hiswa-recron": _Profile(
        local=(
            ("Camping {surname}", "camping-{surname_slug}.nl"),
            ("Jachthaven {place}", "jachthaven-{place_slug}.nl"),
            ("Recreatiepark {surname} {place}", "recreatiepark-{surname_slug}.nl"),
        ),
        weight=3,
    ),
    "hoogheemraadschap": _Profile(
        regional=(
            ("Hoogheemraadschap Hollands Noorderkwartier", "hhnk.nl"),
            ("Hoogheemraadschap van Rijnland", "rijnland.net"),
        ),
        local=(("Hoogheemraadschap Hollands Noorderkwartier – gebiedsteam {place}", "hhnk.nl"),),
    ),
    "recreatieschap-nh": _Profile(
        regional=(("Recreatie Noord-Holland", "recreatienoordholland.nl"),),
        local=(("Recreatieschap Noord-Holland – recreatiegebied {place}", "recreatienoordholland.nl"),),
    ),
    "recreatieschap-wf": _Profile(regional=(("Recreatieschap West-Friesland", "recreatieschapwestfriesland.nl"),)),
    "politie": _Profile(
        local=(
            ("Politie eenheid Noord-Holland – basisteam {place}", "politie.nl"),
            ("Politie eenheid Noord-Holland – wijkteam {place}", "politie.nl"),
        ),
        weight=2,
    ),
    "liander": _Profile(regional=(("Liander", "liander.nl"),), local=(("Liander regio {district}", "liander.nl"),)),
    "provincie": _Profile(regional=(("Provincie Noord-Holland", "noord-holland.nl"),)),
    "staatsbosbeheer": _Profile(
        regional=(("Staatsbosbeheer regio Noord-Holland", "staatsbosbeheer.nl"),),
        local=(("Staatsbosbeheer boswachterij {place}", "staatsbosbeheer.nl"),),
    ),
    "anv-hollands-noorden": _Profile(
        regional=(("ANV Hollands Noorden", "anvhollandsnoorden.nl"),),
        local=(("ANV Hollands Noorden – werkgroep {place}", "anvhollandsnoorden.nl"),),
    ),
    "landschap-nh": _Profile(
        regional=(("Landschap Noord-Holland", "landschapnoordholland.nl"),),
        local=(("Landschap Noord-Holland – terreinbeheer {place}", "landschapnoordholland.nl"),),
    ),
    "natuurmonumenten": _Profile(
        regional=(("Natuurmonumenten regio Noord-Holland", "natuurmonumenten.nl"),),
        local=(("Natuurmonumenten beheereenheid {place}", "natuurmonumenten.nl"),),
    ),
    "grondbezit": _Profile(
        local=(
            ("Landgoed {surname}", "landgoed-{surname_slug}.nl"),
            ("Maatschap {surname}", "maatschap-{surname_slug}.nl"),
            ("Agrarisch bedrijf {surname} {place}", "{surname_slug}-agrarisch.nl"),
        ),
        weight=3,
    ),
    "sportvisserij-midwest": _Profile(
        regional=(("Sportvisserij MidWest Nederland", "sportvisserijmidwestnederland.nl"),),
        local=(("Hengelsportvereniging {place}", "hsv-{place_slug}.nl"),),
        weight=2,
    ),
    "nvwa": _Profile(regional=(("NVWA", "nvwa.nl"),), role=Membership.Role.ADVISER),
    "nhsv": _Profile(regional=(("Noord-Holland Samen Veilig", "nhsamenveilig.nl"),)),
    "ccv": _Profile(
        regional=(("Centrum voor Criminaliteitspreventie en Veiligheid", "hetccv.nl"),), role=Membership.Role.ADVISER
    ),
    "mma": _Profile(regional=(("Meld Misdaad Anoniem", "meldmisdaadanoniem.nl"),), role=Membership.Role.ADVISER),
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    mfa_secret: str | None


@dataclass
class DemoDataSummary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


@dataclass
class _PlannedOrganisation:
    organisation: Organisation
    domain: str
    districts: list[District]
    role: str | None = None


def demo_data_exists() -> bool:
    return User.objects.filter(email__in=DEMO_EMAILS.values()).exists()


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, with the base32 TOTP secret for an authenticator app."""
    users = {u.email: u for u in User.objects.filter(email__in=DEMO_EMAILS.values())}
    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True).order_by("pk")}
    return [
        DemoLogin(
            email=email, role=role, mfa_secret=totp_secret_base32(devices[user.pk]) if user.pk in devices else None
        )
        for role, email in DEMO_EMAILS.items()
        if (user := users.get(email)) is not None
    ]


def logins_table(logins: list[DemoLogin]) -> str:
    rows = [("E-mail", "Password", "Role", "MFA secret (base32)")]
    rows += [
        (login.email, DEMO_PASSWORD, Role(login.role).label, login.mfa_secret or "geen MFA (Partner)")
        for login in logins
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def demo_totp_key(*, seed: int, email: str) -> str:
    """A fixed TOTP secret (40 hex digits, TOTPDevice.key format) so testers can keep their app entry."""
    return hashlib.sha256(f"{seed}:{email}".encode()).hexdigest()[:40]


@transaction.atomic
def demo_data_load(*, scale: int = 1, seed: int = 2021, progress: bool = False) -> DemoDataSummary:
    """Create about 50*scale organisations and 300*scale contacts plus the demo logins, all or nothing.

    At least one organisation per current municipality and every partner type on every district platform,
    so scale 1 gives somewhat more than 50 organisations."""
    if not District.objects.exists() or not PartnerType.objects.exists():
        reference_data_seed()
    if Group.objects.filter(name__in=GROUP_NAMES.values()).count() < len(GROUP_NAMES):
        roles_ensure_groups()
    if demo_data_exists():
        return DemoDataSummary(created=False, logins=demo_logins())
    return _DemoBuilder(seed=seed, progress=progress).build(scale=scale)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _without_qualifier(name: str) -> str:
    """Inside an organisation's name "Bergen (NH.)" reads as "Bergen"."""
    return re.sub(r"\s*\(.*?\)", "", name)


class _DemoBuilder:
    """One seeded random source for everything, so the result depends on the seed alone."""

    def __init__(self, *, seed: int, progress: bool):
        self.seed = seed
        self.rng = random.Random(seed)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.progress = progress
        self.districts = list(District.objects.order_by("code"))
        self.municipalities = list(Municipality.objects.current().select_related("district").order_by("cbs_code"))
        self.places = {d.pk: [m for m in self.municipalities if m.district_id == d.pk] for d in self.districts}
        self.partner_types = {pt.code: pt for pt in PartnerType.objects.order_by("code")}
        self.names: set[str] = set()
        self.emails: set[str] = set()
        self.planned: list[_PlannedOrganisation] = []
        self.partner_employer: Organisation | None = None

    def build(self, *, scale: int) -> DemoDataSummary:
        self._plan_municipal_organisations()
        self._plan_coverage()
        self._plan_partner_employer()
        self._plan_extra(ORGANISATIONS_PER_SCALE * scale - len(self.planned))
        contact_count = CONTACTS_PER_SCALE * scale
        with tqdm(
            total=len(self.planned) + contact_count + len(DEMO_EMAILS),
            desc="Demodata",
            unit="obj",
            file=sys.stderr,
            disable=not self.progress,
        ) as bar:
            self._save_organisations()
            bar.update(len(self.planned))
            self._create_contacts(contact_count, bar)
            self._create_demo_users(bar)
        return DemoDataSummary(
            created=True,
            counts={
                "organisations": Organisation.objects.count(),
                "memberships": Membership.objects.count(),
                "contacts": Contact.objects.count(),
                "affiliations": Affiliation.objects.count(),
                "demo users": len(DEMO_EMAILS),
            },
            logins=demo_logins(),
        )

    # --- Organisations and memberships ---------------------------------------------------------

    def _plan(self, *, name, partner_type, domain, districts, municipality=None, role=None) -> None:
        self.names.add(name)
        organisation = Organisation(
            name=name,
            partner_type=partner_type,
            municipality=municipality,
            email=f"info@{domain}",
            website=f"https://www.{domain}",
            phone=self._phone(landline=True),
            street=self.fake.street_address(),
            postal_code=self.fake.postcode(),
            city=municipality.name if municipality else self.fake.city(),
            kvk_number=f"{self.rng.randrange(10**7, 10**8)}" if partner_type.kind == "private" else "",
        )
        self.planned.append(_PlannedOrganisation(organisation, domain, districts, role))

    def _plan_municipal_organisations(self) -> None:
        partner_type = self.partner_types[MUNICIPALITY_TYPE_CODE]
        for municipality in self.municipalities:
            self._plan(
                name=f"Gemeente {municipality.name}",
                partner_type=partner_type,
                domain=f"{slugify(municipality.name)}.nl",
                districts=[municipality.district],
                municipality=municipality,
                role=Membership.Role.MEMBER,
            )

    def _profile(self, partner_type: PartnerType) -> _Profile:
        """Partner types added later as data still get organisations, named after the type."""
        return PROFILES.get(partner_type.code) or _Profile(
            local=((f"{partner_type.name} {{place}}", "{name_slug}.nl"),)
        )

    def _plan_coverage(self) -> None:
        """Every partner type on every district platform."""
        for code, partner_type in self.partner_types.items():
            if code == MUNICIPALITY_TYPE_CODE:
                continue
            profile = self._profile(partner_type)
            if profile.regional:
                name, domain = profile.regional[0]
                self._plan(
                    name=name, partner_type=partner_type, domain=domain, districts=self.districts, role=profile.role
                )
                continue
            for district in self.districts:
                name, domain = self._fill(profile.local[0], district)
                self._plan(name=name, partner_type=partner_type, domain=domain, districts=[district], role=profile.role)

    def _plan_partner_employer(self) -> None:
        """On one district platform only, so testers see the other districts stay hidden from a partner."""
        district = next(d for d in self.districts if d.code == PARTNER_DISTRICT_CODE)
        name, domain = self._fill(PROFILES[PARTNER_TYPE_CODE].local[0], district)
        self._plan(name=name, partner_type=self.partner_types[PARTNER_TYPE_CODE], domain=domain, districts=[district])
        self.partner_employer = self.planned[-1].organisation

    def _plan_extra(self, count: int) -> None:
        """More organisations, weighted by partner type, on one to three district platforms."""
        options = [
            (partner_type, profile, profile.regional[1:] + profile.local)
            for partner_type in self.partner_types.values()
            if partner_type.code != MUNICIPALITY_TYPE_CODE
            for profile in [self._profile(partner_type)]
            if profile.regional[1:] + profile.local
        ]
        weights = [profile.weight for _pt, profile, _entries in options]
        planned_before = len(self.planned)
        for _attempt in range(max(count, 0) * 20):
            if len(self.planned) - planned_before >= count:
                break
            partner_type, profile, entries = self.rng.choices(options, weights=weights)[0]
            district = self.rng.choice(self.districts)
            name, domain = self._fill(self.rng.choice(entries), district)
            if name in self.names:
                continue
            others = [d for d in self.districts if d.pk != district.pk]
            extra = self.rng.choices([0, 1, 2], weights=[75, 15, 10])[0]
            districts = [district, *self.rng.sample(others, min(extra, len(others)))]
            self._plan(name=name, partner_type=partner_type, domain=domain, districts=districts, role=profile.role)

    def _fill(self, entry: tuple[str, str], district: District) -> tuple[str, str]:
        name_template, domain_template = entry
        municipality = self.rng.choice(self.places[district.pk])
        surname = self.fake.last_name()
        values = {
            "place": _without_qualifier(municipality.name),
            "place_slug": slugify(municipality.name),
            "district": district.name,
            "district_slug": slugify(district.name),
            "surname": surname[0].upper() + surname[1:],
            "surname_slug": slugify(_ascii(surname)).replace("-", ""),
        }
        name = name_template.format(**values)
        return name, domain_template.format(**values, name_slug=slugify(_ascii(name))[:40].strip("-"))

    def _membership_role(self, planned: _PlannedOrganisation) -> str:
        if planned.role:
            return planned.role
        roles = [Membership.Role.MEMBER, Membership.Role.AGENDA_MEMBER, Membership.Role.ADVISER]
        return self.rng.choices(roles, weights=[7, 2, 1])[0]

    def _save_organisations(self) -> None:
        Organisation.objects.bulk_create([p.organisation for p in self.planned])
        Membership.objects.bulk_create(
            Membership(
                organisation=planned.organisation,
                district=district,
                since=PROGRAMME_START + datetime.timedelta(days=self.rng.randrange(365)),
                role=self._membership_role(planned),
            )
            for planned in self.planned
            for district in planned.districts
        )

    # --- Contacts and affiliations ---------------------------------------------------------------

    def _date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _phone(self, *, landline: bool) -> str:
        if landline:
            return f"0{self.rng.choice(['20', '23', '72', '75', '229', '299'])}-{self.rng.randrange(10**6, 10**7)}"
        return f"06-{self.rng.randrange(10**7, 10**8)}"

    def _email(self, first_name: str, last_name: str, domain: str) -> str:
        first, last = _ascii(first_name), re.sub(r"[^a-z]", "", _ascii(last_name))
        local = f"{first}.{last}" if self.rng.random() < 0.6 else f"{first[0]}.{last}"
        email, number = f"{local}@{domain}", 1
        while email in self.emails:
            number += 1
            email = f"{local}{number}@{domain}"
        self.emails.add(email)
        return email

    def _create_contacts(self, count: int, bar: tqdm) -> None:
        """Every organisation gets at least one contact; the rest are spread at random."""
        employers = self.planned + self.rng.choices(self.planned, k=max(count - len(self.planned), 0))
        rows = []
        for employer in employers[:count]:
            first_name, last_name = self.fake.first_name(), self.fake.last_name()
            consents = self.rng.random() < DIRECTORY_CONSENT_SHARE
            contact = Contact(
                first_name=first_name,
                last_name=last_name,
                email=self._email(first_name, last_name, employer.domain),
                function=self.rng.choice(FUNCTIONS),
                phone=self._phone(landline=False),
                platform_role=self.rng.choices(PLATFORM_ROLES, weights=[2, 1, 7])[0],
                directory_consent=consents,
                directory_consent_at=CONSENT_MOMENT if consents else None,
                invitation_consent=True,
                invitation_consent_at=CONSENT_MOMENT,
            )
            rows.append((contact, employer))
            bar.update()
        Contact.objects.bulk_create([contact for contact, _employer in rows])
        affiliations = []
        for contact, employer in rows:
            start = self._date_between(EARLIEST_START, LATEST_START)
            if self.rng.random() < PAST_AFFILIATION_SHARE:
                start = self._date_between(PROGRAMME_START, LATEST_START)
                former = self.rng.choice([p for p in self.planned if p is not employer])
                end = start - datetime.timedelta(days=self.rng.randint(1, 90))
                affiliations.append(
                    Affiliation(
                        contact=contact,
                        organisation=former.organisation,
                        start_date=end - datetime.timedelta(days=self.rng.randint(365, 2500)),
                        end_date=end,
                    )
                )
            affiliations.append(
                Affiliation(
                    contact=contact,
                    organisation=employer.organisation,
                    start_date=start,
                    is_representative=self.rng.random() < REPRESENTATIVE_SHARE,
                )
            )
        Affiliation.objects.bulk_create(affiliations)

    # --- Demo users ----------------------------------------------------------------------------

    def _demo_employer(self, role: str) -> Organisation:
        """Partner: an LTO branch in Kennemerland; AOV: the municipality of Haarlem; the rest: NHSV."""
        if role == Role.PARTNER:
            return self.partner_employer
        organisations = (p.organisation for p in self.planned)
        if role == Role.AOV:
            return next(o for o in organisations if o.municipality and o.municipality.cbs_code == AOV_MUNICIPALITY_CODE)
        return next(o for o in organisations if o.partner_type.code == SECRETARIAT_TYPE_CODE)

    def _create_demo_users(self, bar: tqdm) -> None:
        password_hash = make_password(DEMO_PASSWORD)  # hashed once: seven hashes would dominate the run
        for role, email in DEMO_EMAILS.items():
            contact = Contact.objects.create(
                first_name=self.fake.first_name(),
                last_name=self.fake.last_name(),
                email=email,
                function=DEMO_FUNCTIONS[role],
                directory_consent=True,
                directory_consent_at=CONSENT_MOMENT,
                invitation_consent=True,
                invitation_consent_at=CONSENT_MOMENT,
            )
            Affiliation.objects.create(
                contact=contact,
                organisation=self._demo_employer(role),
                start_date=PROGRAMME_START,
                is_representative=role == Role.PARTNER,
            )
            user = User(
                email=email,
                first_name=contact.first_name,
                last_name=contact.last_name,
                contact=contact,
                password=password_hash,
            )
            user.save()
            role_assign_by_system(user=user, role=role, reason="demo data")
            if role not in MFA_EXEMPT_ROLES:
                TOTPDevice.objects.create(
                    user=user, name="authenticator", key=demo_totp_key(seed=self.seed, email=email), confirmed=True
                )
            bar.update()
