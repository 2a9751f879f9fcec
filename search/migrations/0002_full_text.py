from django.db import migrations

from search.db_sql import (
    POSTGRES,
    POSTGRES_REVERSE,
    SQLITE_REVERSE,
    SQLITE_TABLES,
    SQLITE_TRIGGERS,
    VendorRunSQL,
)

# The groups named in the search issue; the secretariat keeps them up to date in the admin.
DEFAULT_SYNONYMS = [
    ("hennepkwekerij, wietplantage, wietkwekerij, kwekerij, hennepplantage", "cannabis"),
    ("drugsafval, drugsdumping, drugsdump", "afval van drugsproductie"),
    ("AOV, adviseur openbare veiligheid", "functie"),
    ("BOL, bewustwording op locatie", "module 5"),
    ("XTC, MDMA, ecstasy", "synthetische drugs"),
    ("drugslab, drugslaboratorium, productielocatie", "synthetische drugs"),
    ("schuur, loods, stal, opstal", "agrarische gebouwen"),
    ("leegstand, leegstaand, leegstaande", "vastgoed"),
    ("ondermijning, ondermijnende criminaliteit", "thema"),
    ("RIEC, regionaal informatie- en expertisecentrum", "partner"),
]


def add_default_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("portal_search", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(SynonymGroup(terms=terms, note=note) for terms, note in DEFAULT_SYNONYMS)


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_documents")]

    operations = [
        VendorRunSQL("sqlite", SQLITE_TABLES + SQLITE_TRIGGERS, SQLITE_REVERSE),
        VendorRunSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
        migrations.RunPython(add_default_synonyms, migrations.RunPython.noop),
    ]
