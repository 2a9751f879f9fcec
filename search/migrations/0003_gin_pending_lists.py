from django.db import migrations

from search.db_sql import POSTGRES_GIN_TUNING, POSTGRES_GIN_TUNING_REVERSE, VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0002_full_text")]

    operations = [VendorRunSQL("postgresql", POSTGRES_GIN_TUNING, POSTGRES_GIN_TUNING_REVERSE)]
