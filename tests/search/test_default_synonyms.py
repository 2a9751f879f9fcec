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

    # The secretariat's group is kept as it is; the default group that shares a word with it is not added.
    assert SynonymGroup.objects.get(note="eigen lijst").terms == "erf, erfbezoek"
    assert not SynonymGroup.objects.filter(terms__contains="integrale actie").exists()
    assert counts["synonym groups"] == len(DEFAULT_SYNONYMS) - 1 == SynonymGroup.objects.count() - 1


def test_seeding_adds_the_new_default_groups_beside_an_older_list_and_changes_none():
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.create(terms="hennepkwekerij, wietplantage", note="ingekort door het secretariaat")

    platform_seed()
    again = platform_seed()

    assert again["synonym groups"] == 0
    assert SynonymGroup.objects.get(note="ingekort door het secretariaat").terms == "hennepkwekerij, wietplantage"
    assert ("land", "en", "tuinbouworganisatie") in synonym_table()[("lto",)]


def test_there_are_at_least_forty_default_groups_each_a_real_group_without_shared_words():
    assert len(DEFAULT_SYNONYMS) >= 40
    seen = set()
    for terms, _note in DEFAULT_SYNONYMS:
        group = SynonymGroup(terms=terms)
        group.clean()  # as the admin validates: two members or more, letters in each
        members = {member.lower() for member in group.members()}
        assert not members & seen, members & seen
        seen |= members
