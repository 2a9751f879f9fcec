"""Search in the secretariat's CRM screens of the Wagtail admin: the snippet choosers (a meeting's chair, a
presenter, a contact card) and the lists of organisations and contacts (issue #19.12).

Plain filters on the CRM's own tables, not Wagtail's search index: the models would have to be indexed
(index.Indexed) and the index kept in step, which imports, merges and anonymisation do not do (they write with
bulk and queryset updates, which send no signals), so an anonymised contact would stay findable by their old
name in the index's copy. A few hundred rows per table need no index. Every word typed must match somewhere:
"jan haarlem" finds Jan who works at the municipality of Haarlem."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from .models import Affiliation, Contact, Interaction, Organisation

MAX_WORDS = 6


def _words(query: str) -> list[str]:
    return [word for word in (query or "").split() if word][:MAX_WORDS]


def _organisation_word(word: str) -> Q:
    """An organisation by its name, kind of partner, place or municipality (its own or those it works in)."""
    works_in = Organisation.municipalities.through.objects.filter(municipality__name__icontains=word)
    return (
        Q(name__icontains=word)
        | Q(partner_type__name__icontains=word)
        | Q(city__icontains=word)
        | Q(municipality__name__icontains=word)
        | Q(pk__in=works_in.values("organisation_id"))
    )


def organisations_matching(queryset: QuerySet, query: str) -> QuerySet:
    for word in _words(query):
        queryset = queryset.filter(_organisation_word(word) | Q(email__icontains=word) | Q(kvk_number=word))
    return queryset


def _contact_word(word: str) -> Q:
    employers = Organisation.objects.filter(_organisation_word(word)).values("pk")
    working_there = Affiliation.objects.current().filter(organisation__in=employers).values("contact_id")
    return (
        Q(first_name__icontains=word)
        | Q(last_name__icontains=word)
        | Q(email__icontains=word)
        | Q(function__icontains=word)
        | Q(pk__in=working_there)
    )


def contacts_matching(queryset: QuerySet, query: str) -> QuerySet:
    for word in _words(query):
        queryset = queryset.filter(_contact_word(word))
    return queryset


def interactions_matching(queryset: QuerySet, query: str) -> QuerySet:
    for word in _words(query):
        queryset = queryset.filter(
            Q(summary__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(contact__first_name__icontains=word)
            | Q(contact__last_name__icontains=word)
        )
    return queryset


SEARCHES: dict[type, Callable[[QuerySet, str], QuerySet]] = {
    Organisation: organisations_matching,
    Contact: contacts_matching,
    Interaction: interactions_matching,
}
