"""The knowledge base's searchable types: knowledge pages and integrale acties (registered in apps.py)."""

from django.db.models.signals import m2m_changed
from django.urls import reverse

from search.access import PLATFORM
from search.contract import DocumentAccess, DocumentData
from search.documents import (
    DocType,
    audience_prefetch,
    district_tags,
    local_date,
    page_access,
    pairs,
    platform_module_tag,
    register_document_type,
    stream_text,
    substance_weight,
)
from search.indexing import schedule
from search.signals import register_objects, register_organisation_dependents, register_pages

from .models import FINDING_FIELDS, BestPracticePage, JointAction, KnowledgePage, LessonPage, MaterialPage

# --- Knowledge pages --------------------------------------------------------------------------------


class KnowledgeType(DocType):
    def model(self):
        return {"best_practice": BestPracticePage, "lesson": LessonPage, "material": MaterialPage}[self.name]

    def queryset(self):
        return (
            self.model()
            .objects.select_related("audience")
            .prefetch_related("themes", "modules", "districts", "visible_districts", "municipalities")
            .prefetch_related(*audience_prefetch())
        )

    def build(self, page) -> DocumentData | None:
        if not page.live:
            return None
        districts = {d.pk: d for d in [*page.districts.all(), *page.visible_districts.all()]}
        body = " ".join(filter(None, [page.intro, stream_text(page.body.stream_block, page.body.raw_data)]))
        return DocumentData(
            doc_type=self.name,
            object_id=str(page.pk),
            title=page.title,
            body=body,
            url=page.url or "",
            date=local_date(page.last_published_at or page.first_published_at),
            access=page_access(page),
            tags={
                "theme": pairs(page.themes.all(), lambda t: t.code, lambda t: t.name),
                "module": pairs(page.modules.all(), lambda m: m.number, lambda m: f"{m.number}. {m.name}"),
                "district": district_tags(districts.values()),
                "municipality": pairs(page.municipalities.all(), lambda m: m.cbs_code, lambda m: m.name),
            },
            weight=substance_weight(body),
        )


# --- Integrale acties ---------------------------------------------------------------------------------


class JointActionType(DocType):
    """Integrale acties are part of module 4 (publiek-private samenwerking)."""

    def prepare(self):
        self._module = platform_module_tag()

    def queryset(self):
        return JointAction.objects.select_related("municipality", "district").prefetch_related("organisations")

    def build(self, action) -> DocumentData:
        findings = [f"{label}: {getattr(action, field)}" for field, label in FINDING_FIELDS if getattr(action, field)]
        return DocumentData(
            doc_type=self.name,
            object_id=str(action.pk),
            title=f"Integrale actie {action.area}, {action.municipality.name}",
            body=" ".join(
                [
                    f"{action.premises_visited} locaties bezocht.",
                    ", ".join(findings),
                    ", ".join(o.name for o in action.organisations.all()),
                    action.follow_up,
                ]
            ),
            url=reverse("knowledgebase:joint_action", args=[action.pk]),
            date=action.date,
            # Every Partner and AOV reads the register (knowledgebase.permissions.user_can_view_joint_actions).
            access=DocumentAccess(PLATFORM),
            tags={
                "district": district_tags([action.district]),
                "municipality": ((action.municipality.cbs_code, action.municipality.name),),
                "module": self._module,
            },
        )


KNOWLEDGE_TYPES = {BestPracticePage: "best_practice", LessonPage: "lesson", MaterialPage: "material"}


def _reindex_pages(page_ids: list[int]) -> None:
    for model, doc_type in KNOWLEDGE_TYPES.items():
        schedule(doc_type, model.objects.filter(pk__in=page_ids).values_list("pk", flat=True))


def _forget_page(page) -> None:
    if isinstance(page, KnowledgePage):
        # Deleting through the base class does not say which type it was: remove it under each.
        for doc_type in KNOWLEDGE_TYPES.values():
            schedule(doc_type, [page.pk])


def _organisations_changed(organisation) -> None:
    """An integrale actie's text names its organisations."""
    schedule("joint_action", JointAction.objects.filter(organisations=organisation).values_list("pk", flat=True))


def _joint_action_organisations_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, JointAction):
        schedule("joint_action", [instance.pk])


def register_search() -> None:
    """Called from KnowledgebaseConfig.ready(): the types, and the writes that change them."""
    for name in KNOWLEDGE_TYPES.values():
        register_document_type(KnowledgeType(name))
    register_document_type(JointActionType("joint_action"))
    register_pages(_reindex_pages, _forget_page)
    register_objects(JointAction, "joint_action")
    register_organisation_dependents(_organisations_changed)
    m2m_changed.connect(
        _joint_action_organisations_changed,
        sender=JointAction.organisations.through,
        dispatch_uid="search-joint-action-organisations",
    )
