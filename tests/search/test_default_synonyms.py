"""The default synonym groups are reference data: `seed_reference_data` puts them in a database that has none
(after a flush, a restore into an empty database, or a test that emptied the tables), and never touches groups
the secretariat keeps."""

import pytest

from search.models import SynonymGroup
from search.synonyms import DEFAULT_SYNONYMS, synonym_table
from vbg_platform.seed import platform_seed

pytestmark = pytest.mark.django_db


def test_seeding_an_empty_table_puts_the_default_groups_in_place_and_they_take_effect():
    SynonymGroup.objects.all().delete()

    counts = platform_seed()

    assert counts["synonym groups"] == len(DEFAULT_SYNONYMS) == SynonymGroup.objects.count()
    assert ("hennepkwekerij",) in synonym_table()[("wietplantage",)]


def test_seeding_keeps_the_groups_the_secretariat_edited():
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.create(terms="erf, erfbezoek", note="eigen lijst")

    counts = platform_seed()

    assert counts["synonym groups"] == 0
    assert list(SynonymGroup.objects.values_list("terms", flat=True)) == ["erf, erfbezoek"]
