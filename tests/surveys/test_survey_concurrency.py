"""A double submit under real concurrency (two threads, separate transactions) gives one response, and a used
code leaves no row behind."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.roles import Role
from stakeholders.models import Municipality
from surveys import codes as codes_module
from surveys import services, views
from surveys.models import InvitationCode, Response
from tests.pdfs import pdf_string_list

FULL = {
    "respondent_type": "bewoner",
    "kent_signalen": "ja",
    "meldingsbereid": "ja",
    "benaderd": "nee",
    "vertrouwen_politie": "4",
    "vertrouwen_gemeente": "3",
}
CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


@pytest.fixture
def open_with_codes(transactional_db, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secretariat = make_user(Role.SECRETARIAT, district=None)
    today = timezone.localdate()
    campaign = services.campaign_create(
        user=secretariat, municipality=Municipality.objects.get(cbs_code="GM0432"), title="T",
        opens_on=today, closes_on=today + datetime.timedelta(days=30), mayor_name="X",
    )  # fmt: skip
    raw = "\n".join(["straat;huisnummer;postcode;plaats"] + [f"Weg;{i};1716 AB;Opmeer" for i in range(1, 6)])
    services.letters_make(user=secretariat, campaign=campaign, name="a.csv", raw=raw.encode())
    campaign.refresh_from_db()
    with campaign.letters_file.open("rb") as handle:
        printed = [t for t in pdf_string_list(handle.read()) if CODE.match(t)]
    services.campaign_open(user=secretariat, campaign=campaign)
    return campaign, printed


def test_two_simultaneous_submits_of_one_code_give_one_response_and_no_500(open_with_codes, monkeypatch):
    _campaign, printed = open_with_codes
    code = printed[0]
    barrier = threading.Barrier(2, timeout=10)
    real = services.response_submit

    def synchronised(**kwargs):
        barrier.wait()
        return real(**kwargs)

    monkeypatch.setattr(views.services, "response_submit", synchronised)
    statuses = []

    def submit():
        client = Client(raise_request_exception=False)
        client.post("/vragenlijst/", {"code": code, "website": ""})
        statuses.append(client.post("/vragenlijst/invullen/", {**FULL, "action": "versturen"}).status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Response.objects.count() == 1
    assert sorted(statuses) == [200, 302], statuses


def test_a_used_code_leaves_no_row_behind(open_with_codes):
    """The code row is deleted when it is used (in its own transaction), so no stored row of a used code can be
    set beside a response, by id, by order or by the database's own transaction numbers."""
    campaign, printed = open_with_codes
    client = Client()
    client.post("/vragenlijst/", {"code": printed[3], "website": ""})
    client.post("/vragenlijst/invullen/", {**FULL, "action": "versturen"})
    assert Response.objects.count() == 1
    hashes = set(InvitationCode.objects.filter(campaign=campaign).values_list("code_hash", flat=True))
    assert codes_module.code_hash(printed[3]) not in hashes and len(hashes) == 4
