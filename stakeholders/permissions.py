"""Scope of a person in the CRM: which districts and which municipality their access comes from.

Access follows current affiliations (contact -> organisation) and current memberships
(organisation -> district platform): when either ends, the access it gave ends the same day."""

import datetime
from collections import defaultdict

from core.roles import Role

from .models import Affiliation, Contact, District, Membership, Municipality, Organisation


def _today() -> datetime.date:
    return datetime.date.today()


def district_ids_for(user) -> frozenset[int]:
    """District platforms the user takes part in through their organisations (cached per request)."""
    if not user.is_authenticated or user.contact_id is None:
        return frozenset()
    cache = user.__dict__.setdefault("_scope_cache", {})
    if "districts" not in cache:
        today = _today()
        organisation_ids = (
            Affiliation.objects.current(today).filter(contact_id=user.contact_id).values("organisation_id")
        )
        cache["districts"] = frozenset(
            Membership.objects.current(today)
            .filter(organisation_id__in=organisation_ids, organisation__is_active=True)
            .values_list("district_id", flat=True)
        )
    return cache["districts"]


def scope_caches_fill(users) -> None:
    """`district_ids_for` and `aov_municipality_ids_for` of many people in two queries instead of one or two
    each (a notification reaches hundreds): the same rows, kept in the same per-user cache. The municipality
    depends on the AOV role, so load the roles in bulk first."""
    users = [user for user in users if user.is_authenticated and user.contact_id is not None]
    organisations: dict[int, set[int]] = defaultdict(set)
    municipalities: dict[int, set[int]] = defaultdict(set)
    districts: dict[int, set[int]] = defaultdict(set)
    today = _today()
    if users:
        for contact_id, organisation_id, active, municipality_id in (
            Affiliation.objects.current(today)
            .filter(contact_id__in={user.contact_id for user in users})
            .values_list("contact_id", "organisation_id", "organisation__is_active", "organisation__municipality_id")
        ):
            organisations[contact_id].add(organisation_id)
            if active and municipality_id is not None:
                municipalities[contact_id].add(municipality_id)
    if organisations:
        for organisation_id, district_id in (
            Membership.objects.current(today)
            .filter(organisation_id__in=set().union(*organisations.values()), organisation__is_active=True)
            .values_list("organisation_id", "district_id")
        ):
            districts[organisation_id].add(district_id)
    for user in users:
        cache = user.__dict__.setdefault("_scope_cache", {})
        cache.setdefault(
            "districts", frozenset().union(*(districts[pk] for pk in organisations.get(user.contact_id, ())))
        )
        if user.has_role(Role.AOV):
            cache.setdefault("municipalities", frozenset(municipalities.get(user.contact_id, ())))


def districts_for(user):
    return District.objects.filter(pk__in=district_ids_for(user))


def aov_municipality_ids_for(user) -> frozenset[int]:
    """The municipality an AOV works for: that of their current municipal organisation."""
    if not user.is_authenticated or user.contact_id is None or not user.has_role(Role.AOV):
        return frozenset()
    cache = user.__dict__.setdefault("_scope_cache", {})
    if "municipalities" not in cache:
        cache["municipalities"] = frozenset(
            Affiliation.objects.current()
            .filter(contact_id=user.contact_id, organisation__is_active=True, organisation__municipality__isnull=False)
            .values_list("organisation__municipality_id", flat=True)
        )
    return cache["municipalities"]


def aov_municipalities_for(user):
    return Municipality.objects.filter(pk__in=aov_municipality_ids_for(user))


# --- The directory (Wie is wie) and organisation profiles -------------------------------------


def _is_secretariat(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.SECRETARIAT))


def user_can_manage_crm(user) -> bool:
    """Import, merge, personal-data requests and interactions: the secretariat's tools."""
    return _is_secretariat(user)


def user_can_use_directory(user) -> bool:
    return user.is_authenticated and (_is_secretariat(user) or user.has_role(Role.PARTNER, Role.AOV))


def organisations_visible_to(user):
    """Active organisations on the user's district platforms; everything for the secretariat."""
    if _is_secretariat(user):
        return Organisation.objects.all()
    if not user_can_use_directory(user):
        return Organisation.objects.none()
    district_ids = district_ids_for(user)
    on_platforms = Membership.objects.current().filter(district_id__in=district_ids).values("organisation_id")
    return Organisation.objects.filter(is_active=True, pk__in=on_platforms)


def contacts_visible_to(user):
    """Consenting, not anonymised contacts who currently work at a visible organisation."""
    if _is_secretariat(user):
        return Contact.objects.all()
    if not user_can_use_directory(user):
        return Contact.objects.none()
    working_at_visible = (
        Affiliation.objects.current().filter(organisation__in=organisations_visible_to(user)).values("contact_id")
    )
    return Contact.objects.filter(directory_consent=True, anonymised_at__isnull=True, pk__in=working_at_visible)


def user_can_view_organisation(user, organisation) -> bool:
    return organisations_visible_to(user).filter(pk=organisation.pk).exists()


def user_can_view_contact(user, contact) -> bool:
    return contacts_visible_to(user).filter(pk=contact.pk).exists()


def user_can_edit_organisation(user, organisation) -> bool:
    """The secretariat, or the organisation's current representative."""
    if _is_secretariat(user):
        return True
    if not user.is_authenticated or user.contact_id is None or not user_can_use_directory(user):
        return False
    return (
        Affiliation.objects.current()
        .filter(contact_id=user.contact_id, organisation=organisation, is_representative=True)
        .exists()
        and organisation.is_active
    )


def user_can_see_internal_notes(user) -> bool:
    return _is_secretariat(user)


def user_can_edit_own_contact(user) -> bool:
    return user.is_authenticated and user.contact_id is not None
