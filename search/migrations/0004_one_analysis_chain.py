"""Issue #21: both databases index the stems search.analysis makes, with the parts of compounds. PostgreSQL's
vector is made from those stems; every stored document is analysed again (its folded words are kept, so no
content object is read), which also fires the PostgreSQL trigger."""

from django.db import migrations

from search.db_sql import POSTGRES_PYTHON_STEMS, POSTGRES_PYTHON_STEMS_REVERSE, VendorRunSQL


def restem(apps, schema_editor):
    from search import analysis

    SearchDocument = apps.get_model("portal_search", "SearchDocument")
    SearchTerm = apps.get_model("portal_search", "SearchTerm")
    lexicon = analysis.Lexicon(set(SearchTerm.objects.values_list("word", flat=True)))
    batch = []
    for document in SearchDocument.objects.only("id", "title_folded", "text_folded").iterator(chunk_size=1000):
        title = document.title_folded.split()
        body = document.text_folded.split()[len(title) :]
        document.title_stems = " ".join(analysis.stems_of(title, lexicon))
        document.body_stems = " ".join(analysis.stems_of(body, lexicon))
        batch.append(document)
        if len(batch) >= 1000:
            SearchDocument.objects.bulk_update(batch, ["title_stems", "body_stems"])
            batch = []
    SearchDocument.objects.bulk_update(batch, ["title_stems", "body_stems"])


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0003_gin_pending_lists")]

    operations = [
        VendorRunSQL("postgresql", POSTGRES_PYTHON_STEMS, POSTGRES_PYTHON_STEMS_REVERSE),
        migrations.RunPython(restem, migrations.RunPython.noop),
    ]
