"""Issue #21: the longer default synonym list; groups whose words the database already holds are left as they
are (search.synonyms.default_synonyms_ensure)."""

from django.db import migrations


def add_default_synonyms(apps, schema_editor):
    from search.synonyms import default_synonyms_ensure

    default_synonyms_ensure(apps.get_model("portal_search", "SynonymGroup"), in_migration=True)


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0004_one_analysis_chain")]

    operations = [migrations.RunPython(add_default_synonyms, migrations.RunPython.noop)]
