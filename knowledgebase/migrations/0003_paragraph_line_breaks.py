"""Text blocks stored by the contribution form before issue #19.11 hold `<br>` (and maybe a list item outside a
list), which Wagtail's editor cannot read: opening such a page in the CMS failed with a 500. The stored bodies
of knowledge pages and of their revisions (the editor opens the latest revision) are rewritten as the editor
writes them: `<br/>`, list items inside a list. The words do not change; a page that was fine stays as it is."""

import json

from bs4 import BeautifulSoup
from django.db import migrations


def repaired_paragraph(value: str) -> str:
    if "<br>" not in value and "<li" not in value:
        return value
    soup = BeautifulSoup(value, "html.parser")
    for item in soup.find_all("li"):
        if item.parent is None or item.parent.name not in ("ul", "ol"):
            item.wrap(soup.new_tag("ul"))
    return str(soup)


def repaired_stream(blocks: list) -> bool:
    """Repair the paragraph blocks of raw stream data in place; True when something changed."""
    changed = False
    for block in blocks:
        if block.get("type") == "paragraph" and isinstance(block.get("value"), str):
            value = repaired_paragraph(block["value"])
            if value != block["value"]:
                block["value"], changed = value, True
    return changed


def rewrite_bodies(apps, schema_editor):
    KnowledgePage = apps.get_model("knowledgebase", "KnowledgePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    for page in KnowledgePage.objects.only("pk", "body").iterator():
        blocks = [dict(block) for block in page.body.raw_data]
        if repaired_stream(blocks):
            KnowledgePage.objects.filter(pk=page.pk).update(body=json.dumps(blocks))
    revisions = Revision.objects.filter(content_type__app_label="knowledgebase").only("pk", "content")
    for revision in revisions.iterator():
        body = (revision.content or {}).get("body")
        if not isinstance(body, str) or "<" not in body:
            continue
        blocks = json.loads(body)
        if isinstance(blocks, list) and repaired_stream(blocks):
            revision.content["body"] = json.dumps(blocks)
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledgebase", "0002_article_h2_headings"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rewrite_bodies, migrations.RunPython.noop)]
