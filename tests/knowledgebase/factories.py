"""Knowledge pages for tests, published under the seeded index pages."""

import itertools

from wagtail.rich_text import RichText

from knowledgebase.models import BestPracticePage, KnowledgeIndexPage, MaterialPage, MaterialsIndexPage
from stakeholders.models import District, Theme

_numbers = itertools.count(1)


def article(
    title: str | None = None,
    *,
    visibility: str = "public",
    districts: tuple[str, ...] = (),
    themes: tuple[str, ...] = ("hennep",),
    model=BestPracticePage,
    live: bool = True,
    **fields,
):
    number = next(_numbers)
    title = title or f"Artikel {number}"
    page = model(
        title=title,
        slug=f"artikel-{number}",
        intro=fields.pop("intro", f"Samenvatting van {title}"),
        body=fields.pop("body", [("paragraph", RichText(f"<p>Inhoud van {title}</p>"))]),
        visibility=visibility,
        live=live,
        **fields,
    )
    page.visible_districts = list(District.objects.filter(code__in=districts))
    page.themes = list(Theme.objects.filter(code__in=themes))
    parent = MaterialsIndexPage.objects.get() if model is MaterialPage else KnowledgeIndexPage.objects.get()
    parent.add_child(instance=page)
    return page
