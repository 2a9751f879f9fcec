import datetime

import pytest
from django.core.management import call_command

from stakeholders.models import District, Module, Municipality, PartnerType, Theme

pytestmark = pytest.mark.django_db


def test_seed_loads_the_reference_facts():
    call_command("seed_reference_data")
    assert District.objects.count() == 3
    assert Municipality.objects.count() == 35  # 34 of 2021 plus Dijk en Waard
    assert Module.objects.count() == 5
    assert PartnerType.objects.filter(code="liander").exists()
    assert Theme.objects.filter(code="drugsafval").exists()


def test_seed_is_idempotent_and_keeps_edits_of_other_rows():
    call_command("seed_reference_data")
    first = {m.cbs_code: m.pk for m in Municipality.objects.all()}
    call_command("seed_reference_data")
    assert {m.cbs_code: m.pk for m in Municipality.objects.all()} == first
    assert District.objects.count() == 3
    assert Theme.objects.count() == 13


def test_the_2022_mergers():
    call_command("seed_reference_data")
    assert Municipality.objects.valid_on(datetime.date(2021, 6, 30)).count() == 34
    assert Municipality.objects.valid_on(datetime.date(2022, 6, 30)).count() == 32
    dijk_en_waard = Municipality.objects.get(cbs_code="GM1980")
    assert set(dijk_en_waard.predecessors.values_list("name", flat=True)) == {"Heerhugowaard", "Langedijk"}
    assert Municipality.objects.get(name="Beemster").succeeded_by.name == "Purmerend"
    assert dijk_en_waard.valid_from == datetime.date(2022, 1, 1)


def test_every_municipality_belongs_to_a_district():
    call_command("seed_reference_data")
    counts = {d.code: d.municipalities.valid_on(datetime.date(2022, 6, 30)).count() for d in District.objects.all()}
    assert counts == {"NHN": 16, "ZW": 7, "KEN": 9}
