"""Scope of a person in the CRM: which districts and which municipality their access comes from.

Access follows current affiliations (contact -> organisation) and current memberships
(organisation -> district platform): when either ends, the access it gave ends the same day."""

import datetime

from accounts.roles import Role

from .models import Affiliation, District, Membership, Municipality


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
