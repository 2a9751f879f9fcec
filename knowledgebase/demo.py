"""Demo content for the knowledge base: the 25 written articles of fixtures/demo_articles.json, plus
generated bulk pages (about 200*scale) and integrale acties (100*scale) for benchmarks.

Idempotent: the written articles' slugs mark the demo; loading again creates nothing."""

import datetime
import json
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm
from wagtail.rich_text import RichText

from accounts.models import User
from core.roles import Role
from core.sanitize import clean_rich_text
from stakeholders.demo import AOV_MUNICIPALITY_CODE, DEMO_EMAILS
from stakeholders.models import District, Module, Municipality, Organisation, PartnerType, Theme

from . import services
from .models import (
    FINDING_FIELDS,
    BestPracticePage,
    JointAction,
    KnowledgeIndexPage,
    KnowledgePage,
    LessonPage,
    MaterialPage,
    MaterialsIndexPage,
    Visibility,
)
from .rich_text import editor_html

ARTICLES_FILE = Path(__file__).parent / "fixtures" / "demo_articles.json"
BULK_PAGES_PER_SCALE = 200
JOINT_ACTIONS_PER_SCALE = 100
KIND_MODELS = {"best_practice": BestPracticePage, "lesson": LessonPage, "material": MaterialPage}

_BULK_SUBJECTS = [
    ("Erfbezoek", "integrale-actie"),
    ("Leegstaande loods", "leegstand"),
    ("Hennepkwekerij in schuur", "hennep"),
    ("Drugsafval langs de dijk", "drugsafval"),
    ("Voorlichtingsavond", "melden"),
    ("Vakantiepark", "recreatie"),
    ("Signalenkaart", "signalen"),
    ("Persmoment", "communicatie"),
    ("Samenwerking netbeheerder", "samenwerking"),
    ("Ondernemer in zwaar weer", "agrarisch"),
    ("Drugslab aangetroffen", "veiligheid"),
]
_BULK_PLACES = [
    "de polder",
    "het buitengebied",
    "de kop van Noord-Holland",
    "de duinstreek",
    "het veenweidegebied",
    "de droogmakerij",
]


def _block(block: dict):
    kind, value = block["type"], block["value"]
    if kind == "paragraph":
        return ("paragraph", RichText(editor_html(clean_rich_text(value))))
    return (kind, value)


def _taxonomy(article: dict) -> dict:
    return {
        "themes": list(Theme.objects.filter(code__in=article.get("themes", []))),
        "modules": list(Module.objects.filter(number__in=article.get("modules", []))),
        "districts": list(District.objects.filter(code__in=article.get("districts", []))),
        "municipalities": list(Municipality.objects.filter(cbs_code__in=article.get("municipalities", []))),
        "partner_types": list(PartnerType.objects.filter(code__in=article.get("partner_types", []))),
    }


def _publish(page, parent, *, taxonomy: dict, visible_districts=(), when=None):
    for field, values in taxonomy.items():
        setattr(page, field, values)
    page.visible_districts = list(visible_districts)
    page.live = True
    page.first_published_at = page.last_published_at = when or timezone.now()
    parent.add_child(instance=page)
    return page


def demo_knowledge_exists() -> bool:
    slugs = [a["slug"] for a in json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))]
    return (
        BestPracticePage.objects.filter(slug__in=slugs).exists() or MaterialPage.objects.filter(slug__in=slugs).exists()
    )


@transaction.atomic
def knowledge_demo_load(*, scale: int = 1, seed: int = 2021, progress: bool = False) -> dict[str, int]:
    if demo_knowledge_exists():
        return {}
    rng = random.Random(seed)
    knowledge, materials = KnowledgeIndexPage.objects.get(), MaterialsIndexPage.objects.get()
    articles = json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))
    now = timezone.now()
    for position, article in enumerate(articles):
        model = KIND_MODELS[article["kind"]]
        page = model(
            title=article["title"],
            slug=article["slug"],
            intro=article["intro"],
            body=[_block(b) for b in article["body"]],
            visibility=article["visibility"],
        )
        if article["kind"] == "material":
            page.material_kind = article["material_kind"]
            page.video_url = article.get("video_url", "")
        taxonomy = _taxonomy(article)
        visible = taxonomy["districts"] if article["visibility"] == Visibility.DISTRICTS else []
        _publish(
            page,
            materials if article["kind"] == "material" else knowledge,
            taxonomy=taxonomy,
            visible_districts=visible,
            when=now - datetime.timedelta(days=7 * (len(articles) - position)),
        )
    actions = _joint_actions(rng=rng, count=JOINT_ACTIONS_PER_SCALE * scale, progress=progress)
    bulk = _bulk_pages(rng=rng, parent=knowledge, count=BULK_PAGES_PER_SCALE * scale, progress=progress)
    examples = _start_page_examples(slugs=[article["slug"] for article in articles])
    return {"artikelen": len(articles), "extra pagina's": bulk, "integrale acties": actions, **examples}


def _start_page_examples(*, slugs: list[str]) -> dict[str, int]:
    """Something in every start-page list of the demo logins: the partner's contribution returned with a
    comment and one waiting for review (the secretariat's queue), the oldest articles past their review
    date, and integrale acties of the demo AOV's municipality. Runs with the rest of this demo: once."""
    users = {role: User.objects.filter(email=email).first() for role, email in DEMO_EMAILS.items()}
    partner, secretariat, aov = users.get(Role.PARTNER), users.get(Role.SECRETARIAT), users.get(Role.AOV)
    counts = {"bijdragen": 0}
    if partner is not None and secretariat is not None:
        returned = services.contribution_create(
            user=partner,
            kind="best_practice",
            title="Buurtapp met agrariërs in de polder",
            intro="Een appgroep van boeren en de wijkagent leverde in een jaar drie meldingen op.",
            text="## Aanpak\n\nWe startten een appgroep met de wijkagent en LTO.",
            taxonomy={},
        )
        state = services.contribution_submit(user=partner, page=returned)
        task_state = state.current_task_state
        task_state.task.specific.on_action(
            task_state, secretariat, "reject", comment="Mooi voorbeeld! Noem ook hoeveel meldingen het opleverde."
        )
        waiting = services.contribution_create(
            user=partner,
            kind="lesson",
            title="Wat we leerden van de drugsdumping bij de dijk",
            intro="Snel melden bij de omgevingsdienst scheelde de grondeigenaar veel kosten.",
            text="## Wat er gebeurde\n\nEen vat met drugsafval lag langs de dijk.",
            taxonomy={},
        )
        services.contribution_submit(user=partner, page=waiting)
        counts["bijdragen"] = 2
    if aov is not None:
        draft = services.contribution_create(
            user=aov,
            kind="lesson",
            title="Erfbezoeken plannen met de omgevingsdienst",
            intro="Eén planning voor gemeente, politie en omgevingsdienst scheelde dubbele bezoeken.",
            text="## Aanpak\n\nWe plannen de erfbezoeken per kwartaal samen.",
            taxonomy={},
        )
        services.contribution_submit(user=aov, page=draft)
        counts["bijdragen"] += 1
    overdue = timezone.localdate() - datetime.timedelta(days=30)
    counts["te herzien"] = KnowledgePage.objects.filter(slug__in=slugs[:2]).update(review_by=overdue)
    haarlem = Municipality.objects.filter(cbs_code=AOV_MUNICIPALITY_CODE).first()
    counts["integrale acties gemeente AOV"] = 0
    if haarlem is not None:
        for days, area, premises in ((21, "Spaarnwoude", 9), (120, "De Vijfhuizer polder", 14)):
            JointAction.objects.create(
                date=timezone.localdate() - datetime.timedelta(days=days),
                municipality=haarlem,
                area=area,
                lead_aov=aov,
                premises_visited=premises,
                found_vacancy=1,
                found_nothing=premises - 1,
            )
            counts["integrale acties gemeente AOV"] += 1
    return counts


def _bulk_pages(*, rng: random.Random, parent, count: int, progress: bool) -> int:
    themes = {t.code: t for t in Theme.objects.all()}
    modules = list(Module.objects.all())
    municipalities = list(Municipality.objects.current())
    partner_types = list(PartnerType.objects.all())
    visibilities = [Visibility.PUBLIC] * 4 + [Visibility.PARTNERS] * 4 + [Visibility.DISTRICTS] * 2
    now = timezone.now()
    for n in tqdm(range(count), desc="Kennisbank", disable=not progress):
        subject, theme_code = rng.choice(_BULK_SUBJECTS)
        municipality = rng.choice(municipalities)
        model = rng.choice([BestPracticePage, LessonPage])
        visibility = rng.choice(visibilities)
        title = f"{subject} in {municipality.name} ({n + 1})"
        page = model(
            title=title,
            slug=f"demo-{n + 1}",
            intro=f"Ervaringen met {subject.lower()} in {rng.choice(_BULK_PLACES)} van {municipality.name}.",
            body=[
                ("heading", "Aanpak"),
                (
                    "paragraph",
                    RichText(f"<p>Gemeente {municipality.name} werkte samen met de partners van het platform.</p>"),
                ),
                (
                    "checklist",
                    {
                        "title": "Wat hielp",
                        "items": ["Vroeg afstemmen", "Eén aanspreekpunt", "Terugkoppelen aan melders"],
                    },
                ),
            ],
            visibility=visibility,
        )
        _publish(
            page,
            parent,
            taxonomy={
                "themes": [themes[theme_code], *rng.sample(list(themes.values()), 1)],
                "modules": rng.sample(modules, 1),
                "districts": [municipality.district],
                "municipalities": [municipality],
                "partner_types": rng.sample(partner_types, 2),
            },
            visible_districts=[municipality.district] if visibility == Visibility.DISTRICTS else [],
            when=now - datetime.timedelta(days=rng.randint(1, 900)),
        )
    return count


def _joint_actions(*, rng: random.Random, count: int, progress: bool) -> int:
    municipalities = list(Municipality.objects.current().select_related("district"))
    organisations = list(Organisation.objects.filter(is_active=True).only("pk")[:200])
    aov = User.objects.filter(groups__name="AOV").first()
    today = datetime.date.today()
    areas = ["de polder", "het buitengebied", "de droogmakerij", "het lintdorp", "de duinrand", "het bedrijventerrein"]
    for _n in tqdm(range(count), desc="Integrale acties", disable=not progress):
        municipality = rng.choice(municipalities)
        premises = rng.randint(4, 25)
        findings = {
            field: rng.choice([0, 0, 0, 1, 1, 2]) for field, _label in FINDING_FIELDS if field != "found_nothing"
        }
        findings["found_nothing"] = max(0, premises - sum(findings.values()) - rng.randint(0, 3))
        action = JointAction.objects.create(
            date=today - datetime.timedelta(days=rng.randint(1, 700)),
            municipality=municipality,
            area=f"{rng.choice(areas).capitalize()} van {municipality.name}",
            lead_aov=aov if aov and aov.has_role(Role.AOV) else None,
            premises_visited=premises,
            follow_up=rng.choice(
                [
                    "Twee eigenaren krijgen een vervolggesprek met de gemeente.",
                    "Eén locatie is doorgegeven aan de omgevingsdienst.",
                    "Voorlichtingsbrief aan alle eigenaren in het gebied.",
                    "",
                ]
            ),
            press_release=rng.random() < 0.2,
            **findings,
        )
        if organisations:
            action.organisations.set(rng.sample(organisations, min(4, len(organisations))))
    return count
