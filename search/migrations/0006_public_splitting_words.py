"""Compounds are split only with words of documents every signed-in person may read (SearchTerm.public): mark those words
and analyse every stored document again with them, so no stored stem comes from a word of a hidden document."""

from django.db import migrations, models

from search.db_sql import SQLITE_TRIGGERS, VendorRunSQL

OPEN_LEVELS = ["public", "logged_in"]  # search.access.open_to_everyone_signed_in, as stored


def mark_public_and_restem(apps, schema_editor):
    from search import analysis

    SearchDocument = apps.get_model("portal_search", "SearchDocument")
    SearchTerm = apps.get_model("portal_search", "SearchTerm")
    public: set[str] = set()
    for text in (
        SearchDocument.objects.filter(
            access_level__in=OPEN_LEVELS, needs_district=False, needs_group=False, scope_changes_on__isnull=True
        )
        .values_list("text_folded", flat=True)
        .iterator(chunk_size=2000)
    ):
        public.update(text.split())
    ordered = sorted(public)
    for start in range(0, len(ordered), 500):
        SearchTerm.objects.filter(word__in=ordered[start : start + 500]).update(public=True)
    lexicon = analysis.Lexicon(set(SearchTerm.objects.filter(public=True).values_list("word", flat=True)))
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
    dependencies = [("portal_search", "0005_default_synonyms")]

    operations = [
        migrations.AddField(
            model_name="searchterm",
            name="public",
            field=models.BooleanField(default=False),
        ),
        # Adding a column makes SQLite remake the vocabulary table, which drops its triggers (search.db_sql).
        VendorRunSQL("sqlite", SQLITE_TRIGGERS, migrations.RunSQL.noop),
        migrations.RunPython(mark_public_and_restem, migrations.RunPython.noop),
    ]
