"""The meetings' searchable types: a meeting and what hangs under it, all following the meeting page's
audience (registered in apps.py)."""

import dataclasses

from django.db.models import Prefetch
from django.urls import reverse
from wagtail.models import Page

from search.access import CLOSED
from search.contract import DocumentAccess, DocumentData
from search.documents import (
    DocType,
    audience_prefetch,
    district_tags,
    local_date,
    page_access,
    plain,
    platform_module_tag,
    register_document_type,
)
from search.indexing import schedule
from search.signals import register_objects, register_organisation_dependents, register_pages

from .models import ActionItem, AgendaItem, Decision, DistrictPlatformPage, MeetingPage, Minutes, MinutesItem

# --- Meetings and what hangs under them ----------------------------------------------------------------


def _platform_districts() -> dict[str, object]:
    """Platform page path -> its district (three rows; read once per batch)."""
    return {p.path: p.district for p in DistrictPlatformPage.objects.select_related("district")}


def _meeting_district(meeting, platforms: dict):
    return platforms.get(meeting.path[: -Page.steplen])


class MeetingChildType(DocType):
    """Meetings, agenda items, minutes and decisions follow the meeting page's audience."""

    def prepare(self):
        self._platforms = _platform_districts()
        self._module = platform_module_tag()

    def meeting_document(self, meeting, *, object_id, title, body, url) -> DocumentData | None:
        if not meeting.live:
            return None
        district = _meeting_district(meeting, self._platforms)
        return DocumentData(
            doc_type=self.name,
            object_id=object_id,
            title=title,
            body=body,
            url=url,
            date=local_date(meeting.starts_at),
            access=page_access(meeting),
            tags={"district": district_tags([district] if district else []), "module": self._module},
        )


class MeetingType(MeetingChildType):
    def queryset(self):
        return (
            MeetingPage.objects.select_related("audience")
            .prefetch_related(*audience_prefetch())
            .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.only("page_id", "title")))
        )

    def build(self, meeting):
        return self.meeting_document(
            meeting,
            object_id=str(meeting.pk),
            title=meeting.title,
            body=" ".join([meeting.location, *(item.title for item in meeting.agenda_items.all())]),
            url=meeting.url or "",
        )


class AgendaItemType(MeetingChildType):
    def queryset(self):
        return AgendaItem.objects.select_related("page__audience").prefetch_related(*audience_prefetch("page__"))

    def build(self, item):
        meeting = item.page
        return self.meeting_document(
            meeting,
            object_id=str(item.pk),
            title=item.title,
            body=f"{meeting.title}. {item.description}",
            url=f"{meeting.url or ''}#punt-{item.pk}",
        )


class MinutesType(MeetingChildType):
    def queryset(self):
        return (
            Minutes.objects.select_related("meeting__audience")
            .prefetch_related(*audience_prefetch("meeting__"))
            .prefetch_related("items")
        )

    def build(self, minutes):
        document = self.meeting_document(
            minutes.meeting,
            object_id=str(minutes.pk),
            title=f"Notulen {minutes.meeting.title}",
            body=" ".join(f"{item.title}. {plain(item.text)}" for item in minutes.items.all()),
            url=reverse("meetings:minutes", args=[minutes.meeting_id]),
        )
        if document and minutes.status not in (Minutes.Status.PUBLISHED, Minutes.Status.ADOPTED):
            # Members read minutes once published (meetings.permissions.user_can_read_minutes); until then
            # only the secretariat finds them (the chair reads them through the review screen).
            document = dataclasses.replace(document, access=DocumentAccess(CLOSED))
        return document


class DecisionType(MeetingChildType):
    def queryset(self):
        return Decision.objects.select_related("meeting__audience", "agenda_item").prefetch_related(
            *audience_prefetch("meeting__")
        )

    def build(self, decision):
        anchor = f"#punt-{decision.agenda_item_id}" if decision.agenda_item_id else "#besluiten"
        return self.meeting_document(
            decision.meeting,
            object_id=str(decision.pk),
            title=decision.text[:200],
            body=" ".join(
                [decision.text, decision.meeting.title, decision.agenda_item.title if decision.agenda_item else ""]
            ),
            url=f"{decision.meeting.url or ''}{anchor}",
        )


class ActionItemType(MeetingChildType):
    """Follows its meeting like the other meeting documents (meetings.permissions.action_items_visible_to):
    moving the meeting or changing its audience re-indexes it with the meeting's family (search/signals.py)."""

    def queryset(self):
        return ActionItem.objects.select_related(
            "meeting__audience", "owner_organisation", "agenda_item"
        ).prefetch_related(*audience_prefetch("meeting__"))

    def build(self, item):
        anchor = f"#punt-{item.agenda_item_id}" if item.agenda_item_id else "#besluiten"
        return self.meeting_document(
            item.meeting,
            object_id=str(item.pk),
            title=item.description[:200],
            body=" ".join(
                filter(
                    None,
                    [
                        item.description,
                        item.get_status_display(),
                        item.owner_organisation.name if item.owner_organisation else "",
                        item.meeting.title,
                    ],
                )
            ),
            url=f"{item.meeting.url or ''}{anchor}",
        )


def _meeting_family(meeting_ids) -> None:
    """A meeting's documents share its access: re-index them together."""
    meeting_ids = list(meeting_ids)
    if not meeting_ids:
        return
    schedule("meeting", meeting_ids)
    schedule("agenda_item", AgendaItem.objects.filter(page_id__in=meeting_ids).values_list("pk", flat=True))
    schedule("decision", Decision.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    schedule("action_item", ActionItem.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    schedule("minutes", Minutes.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))


def _reindex_pages(page_ids: list[int]) -> None:
    _meeting_family(MeetingPage.objects.filter(pk__in=page_ids).values_list("pk", flat=True))


def _forget_page(page) -> None:
    if isinstance(page, MeetingPage):
        schedule("meeting", [page.pk])


def _organisations_changed(organisation) -> None:
    """An action item's text names the organisation that owns it."""
    schedule("action_item", ActionItem.objects.filter(owner_organisation=organisation).values_list("pk", flat=True))


def register_search() -> None:
    """Called from MeetingsConfig.ready(): the types, and the writes that change them."""
    for doc_type in [
        MeetingType("meeting"),
        AgendaItemType("agenda_item"),
        MinutesType("minutes"),
        DecisionType("decision"),
        ActionItemType("action_item"),
    ]:
        register_document_type(doc_type)
    register_pages(_reindex_pages, _forget_page)
    # The meeting's text lists its agenda.
    register_objects(AgendaItem, "agenda_item", also=lambda item: schedule("meeting", [item.page_id]))
    register_objects(Decision, "decision")
    register_objects(ActionItem, "action_item")
    register_objects(Minutes, "minutes")
    register_objects(MinutesItem, "minutes", "minutes_id")
    register_organisation_dependents(_organisations_changed)
