"""One transformer per searchable type: from a model object to `DocumentData`, with the access rule of
that type's permissions.py copied onto the document (a test checks each against the predicate).

Referrals have no type here, by design: they never enter any index (design section 3)."""

import dataclasses
import datetime
import html
import re
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail import blocks
from wagtail.models import Page

from core.models import PageAudience
from stakeholders.models import Affiliation, Contact, Membership, Module, Organisation

from .access import CLOSED, LOGGED_IN, PLATFORM, PUBLIC
from .contract import DOC_TYPE_LABELS, DocumentAccess, DocumentData

# Tags inside a line of text ("het lab <b>ontmanteld</b>.") go without a trace; every other tag (paragraphs,
# list items, headings, line breaks) separates words.
_INLINE_TAGS = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr)"
    r"(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)
# A tag starts with a letter, "/" or "!--": "minder dan <5 meldingen, meer dan >3" in plain minutes is text.
_TAGS = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.DOTALL)
_MARKUP_PREFIX = re.compile(r"^\s*(##\s+|-\s+)", re.MULTILINE)
BATCH = 500


def plain(value: str) -> str:
    """Text without tags, entities or the plain-markup prefixes of minutes ("## ", "- ")."""
    text = _TAGS.sub(" ", _INLINE_TAGS.sub("", value or ""))
    return " ".join(html.unescape(_MARKUP_PREFIX.sub("", text)).split())


def stream_text(stream_block: blocks.StreamBlock, raw_data) -> str:
    """The words a reader sees in a StreamField, read through its block definitions: the text of headings,
    rich text, quotes, lists, steps, call-outs and captions, never a block type, field name or choice key
    ("warning" of a call-out). Choosers (images, documents, contact cards), links and choices give no text:
    a contact card's person is shown only to whoever may see them in the directory."""
    found: list[str] = []
    _block_text(stream_block, raw_data, found)
    return " ".join(t for t in found if t)


def _block_text(block: blocks.Block, raw, found: list[str]) -> None:
    if isinstance(block, blocks.StreamBlock):
        for child in raw or ():
            if isinstance(child, dict) and child.get("type") in block.child_blocks:
                _block_text(block.child_blocks[child["type"]], child.get("value"), found)
    elif isinstance(block, blocks.ListBlock):
        for item in raw or ():
            # Stored as {"type": "item", "value": ..., "id": ...} since Wagtail 2.16, as the bare value before.
            is_wrapped = isinstance(item, dict) and item.get("type") == "item" and "value" in item and "id" in item
            _block_text(block.child_block, item["value"] if is_wrapped else item, found)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child_block in block.child_blocks.items():
                _block_text(child_block, raw.get(name), found)
    elif isinstance(block, blocks.RichTextBlock) and isinstance(raw, str):
        found.append(plain(raw))
    elif isinstance(block, blocks.CharBlock | blocks.TextBlock) and isinstance(raw, str):
        found.append(" ".join(raw.split()))  # typed text, not markup: "< 500 m" stays


def page_access(page: Page) -> DocumentAccess:
    """From the stored PageAudience, the same rows core.permissions.pages_visible_to filters on."""
    audience = getattr(page, "audience", None)
    if audience is None:
        return DocumentAccess(CLOSED)  # fail closed, as pages_visible_to does
    if audience.level == PageAudience.Level.PUBLIC:
        return DocumentAccess(PUBLIC)
    if audience.level == PageAudience.Level.CLOSED:
        return DocumentAccess(CLOSED)
    return DocumentAccess(
        LOGGED_IN,
        districts=frozenset(d.pk for d in audience.districts.all()) if audience.needs_district else None,
        groups=frozenset(g.pk for g in audience.groups.all()) if audience.needs_group else None,
    )


def audience_prefetch(prefix: str = "") -> list:
    return [f"{prefix}audience__districts", f"{prefix}audience__groups"]


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def pairs(objects, key, label) -> tuple[tuple[str, str], ...]:
    return tuple((str(key(o)), str(label(o))) for o in objects)


def substance_weight(body: str) -> float:
    """A worked-out article answers better than a stub that mentions the same words: up to 2 for an
    article of 250 words or more. (Full-text scores favour short texts; this evens that out.)"""
    return 1.0 + min(1.0, len(body.split()) / 250)


# How good an answer each kind of document usually is, relative to a knowledge article; names of
# organisations are what people look for when they type one.
TYPE_WEIGHTS = {
    "joint_action": 0.9,
    "meeting": 0.9,
    "agenda_item": 0.8,
    "minutes": 0.8,
    "decision": 0.85,
    "action_item": 0.7,
    "organisation": 1.3,
    "contact": 1.0,
}


# What people call each kind of document when they search for it ("besluit drugsafval", "notulen ...").
TYPE_KEYWORDS = {
    "best_practice": "best practice goede voorbeeld",
    "lesson": "lessons learned les geleerd",
    "material": "materiaal voorlichtingsmateriaal",
    "joint_action": "integrale actie controle",
    "meeting": "overleg vergadering bijeenkomst",
    "agenda_item": "agendapunt agenda",
    "minutes": "notulen verslag",
    "decision": "besluit besloten",
    "action_item": "actiepunt actie",
    "organisation": "organisatie partner",
    "contact": "contactpersoon persoon",
}


def district_tags(districts) -> tuple[tuple[str, str], ...]:
    return pairs(districts, lambda d: d.code, lambda d: d.name)


def platform_module_tag() -> tuple[tuple[str, str], ...]:
    """The district platforms are module 4 of the programme."""
    module = Module.objects.filter(number=4).first()
    return ((str(module.number), f"{module.number}. {module.name}"),) if module else ()


class DocType:
    """How one type is loaded in bulk and turned into documents."""

    def __init__(self, name: str):
        self.name = name

    def queryset(self):
        raise NotImplementedError

    def build(self, obj) -> DocumentData | None:
        """None: the object exists but must not be in the index (draft, unpublished, anonymised)."""
        raise NotImplementedError

    def prepare(self) -> None:
        """Read what every document of a batch shares (a few rows), once per batch."""

    def documents(self, object_ids: Iterable[str] | None = None) -> Iterator[tuple[str, DocumentData | None]]:
        self.prepare()
        queryset = self.queryset()
        if object_ids is not None:
            queryset = queryset.filter(pk__in=_valid_pks(queryset.model, object_ids))
        type_weight = TYPE_WEIGHTS.get(self.name, 1.0)
        keywords = TYPE_KEYWORDS.get(self.name, "")
        for obj in queryset.iterator(chunk_size=BATCH):
            document = self.build(obj)
            if document is not None:
                document = dataclasses.replace(document, weight=document.weight * type_weight, keywords=keywords)
            yield str(obj.pk), document


def _valid_pks(model, object_ids: Iterable[str]) -> list:
    """The ids this model's primary key can hold. A stored document with another id (left by an older id
    scheme, or written by hand) names no object: it is only ever removed, and must not crash the lookup."""
    field, valid = model._meta.pk, []
    for object_id in object_ids:
        try:
            valid.append(field.to_python(object_id))
        except ValidationError:
            continue
    return valid


# --- The directory ---------------------------------------------------------------------------------------


def _day_after(day: datetime.date | None) -> datetime.date | None:
    return day + datetime.timedelta(days=1) if day else None


def _earliest(days: Iterable[datetime.date | None]) -> datetime.date | None:
    return min((d for d in days if d), default=None)


class OrganisationType(DocType):
    def queryset(self):
        return Organisation.objects.select_related("partner_type").prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("district"),
                to_attr="current_membership_rows",
            ),
            "municipalities",
        )

    def build(self, organisation):
        memberships = organisation.current_membership_rows
        if organisation.is_active and memberships:
            # stakeholders.permissions.organisations_visible_to: active, on one of the user's platforms.
            access = DocumentAccess(
                PLATFORM,
                districts=frozenset(m.district_id for m in memberships),
                scope_changes_on=_earliest(_day_after(m.until) for m in memberships),
            )
        else:
            access = DocumentAccess(CLOSED)
        return DocumentData(
            doc_type=self.name,
            object_id=str(organisation.pk),
            title=organisation.name,
            # Never the internal notes: those are for the secretariat's eyes only.
            body=" ".join(
                filter(
                    None,
                    [
                        organisation.partner_type.name,
                        organisation.city,
                        ", ".join(m.name for m in organisation.municipalities.all()),
                    ],
                )
            ),
            url=reverse("stakeholders:organisation", args=[organisation.pk]),
            date=None,
            access=access,
            tags={
                "district": district_tags({m.district_id: m.district for m in memberships}.values()),
                "municipality": pairs(organisation.municipalities.all(), lambda m: m.cbs_code, lambda m: m.name),
            },
        )


class ContactType(DocType):
    def queryset(self):
        return Contact.objects.prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.current()
                .select_related("organisation")
                .prefetch_related(
                    Prefetch(
                        "organisation__memberships",
                        queryset=Membership.objects.current().select_related("district"),
                        to_attr="current_membership_rows",
                    )
                ),
                to_attr="current_affiliation_rows",
            )
        )

    def build(self, contact):
        if contact.anonymised_at:
            return None
        working = [a for a in contact.current_affiliation_rows if a.organisation.is_active]
        memberships = [m for a in working for m in a.organisation.current_membership_rows]
        if contact.directory_consent and memberships:
            # stakeholders.permissions.contacts_visible_to: consenting, working at a visible organisation.
            access = DocumentAccess(
                PLATFORM,
                districts=frozenset(m.district_id for m in memberships),
                scope_changes_on=_earliest(
                    [*(_day_after(a.end_date) for a in working), *(_day_after(m.until) for m in memberships)]
                ),
            )
        else:
            access = DocumentAccess(CLOSED)
        name = f"{contact.first_name} {contact.last_name}".strip()
        return DocumentData(
            doc_type=self.name,
            object_id=str(contact.pk),
            title=name,
            body=" ".join(filter(None, [contact.function, ", ".join(a.organisation.name for a in working)])),
            url=f"{reverse('stakeholders:directory')}?{urlencode({'q': name})}",
            date=None,
            access=access,
            tags={"district": district_tags({m.district_id: m.district for m in memberships}.values())},
        )


# name -> its transformer. The directory's types are the CRM's (below search); every content app registers its
# own in its ready() (ARCHITECTURE.md, registries), so search imports no content app.
TYPES: dict[str, DocType] = {t.name: t for t in [OrganisationType("organisation"), ContactType("contact")]}


def register_document_type(doc_type: DocType, *, label=None, weight: float | None = None, keywords: str = "") -> None:
    """Make a type searchable: indexed, rebuilt, verified and answered like every other. A new type gives
    its label (the result's kind and the type facet), and may give its weight and the words people use for it."""
    TYPES[doc_type.name] = doc_type
    if label is not None:
        DOC_TYPE_LABELS[doc_type.name] = label
    if weight is not None:
        TYPE_WEIGHTS[doc_type.name] = weight
    if keywords:
        TYPE_KEYWORDS[doc_type.name] = keywords
