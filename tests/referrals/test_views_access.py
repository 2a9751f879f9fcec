"""The whole access matrix of the register's screens: status codes, no content leaks, and an access-log
entry for every request, allowed or denied (design section 3)."""

import datetime
import re
import time

import pytest
from django.test import Client

from referrals.models import AccessLogEntry, Referral, VulnerableLocation
from referrals.services import coach_assign

pytestmark = pytest.mark.django_db

SECRET_BITS = ["Jan de Boer", "Polderweg", "schulden", "jan@example.nl"]
ROLES = [
    "aov",
    "aov_elsewhere",
    "coach",
    "other_coach",
    "coordinator",
    "secretariat",
    "privacy_officer",
    "admin",
    "superuser",
    "partner",
]


@pytest.fixture
def clients(people, login_with_mfa):
    made = {}
    for role in ROLES:
        client = Client()
        user = people[role]
        if role in ("partner",):
            client.force_login(user)
        else:
            login_with_mfa(client, user)
        made[role] = client
    return made


@pytest.fixture
def assigned(people, referral):
    return coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])


def _last_entry(user):
    return AccessLogEntry.objects.filter(actor_id=user.pk).order_by("-pk").first()


def test_referral_detail_per_role(people, clients, assigned):
    expected = {"aov": 200, "coach": 200, "coordinator": 200}
    for role in ROLES:
        response = clients[role].get(f"/doorverwijzingen/{assigned.pk}/")
        assert response.status_code == expected.get(role, 404), role
        entry = _last_entry(people[role])
        assert entry is not None and entry.object_id == str(assigned.pk), role
        assert entry.result == ("allowed" if role in expected else "denied"), role
        html = response.content.decode()
        if role not in expected:
            assert not any(bit in html for bit in SECRET_BITS), role
    coach_html = clients["coach"].get(f"/doorverwijzingen/{assigned.pk}/").content.decode()
    assert "Jan de Boer" in coach_html and "schulden" in coach_html
    aov_html = clients["aov"].get(f"/doorverwijzingen/{assigned.pk}/").content.decode()
    assert "Jan de Boer" in aov_html  # they sent it
    assert (
        response["Cache-Control"]
        and "no-store" in clients["coach"].get(f"/doorverwijzingen/{assigned.pk}/")["Cache-Control"]
    )


def test_titles_and_urls_carry_no_content(clients, assigned):
    html = clients["coach"].get(f"/doorverwijzingen/{assigned.pk}/").content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert not any(bit in title for bit in SECRET_BITS)


def test_lists_and_tools_per_role(people, clients, assigned):
    table = {
        "/doorverwijzingen/": {"aov", "aov_elsewhere", "coach", "other_coach", "coordinator"},
        "/doorverwijzingen/cijfers/": {"secretariat", "coordinator"},
        "/doorverwijzingen/toegangslog/": {"privacy_officer"},
        "/doorverwijzingen/verzoek-betrokkene/": {"privacy_officer"},
        "/doorverwijzingen/locaties/nieuw/": {"aov", "aov_elsewhere"},
    }
    for url, allowed in table.items():
        for role in ROLES:
            assert clients[role].get(url).status_code == (200 if role in allowed else 404), (url, role)
    other = clients["other_coach"].get("/doorverwijzingen/").content.decode()
    assert str(assigned.pk) not in other


def test_figures_show_no_people_and_hide_small_counts(clients, assigned):
    html = clients["secretariat"].get("/doorverwijzingen/cijfers/").content.decode()
    assert "&lt;5" in html and "Haarlem" in html
    assert not any(bit in html for bit in SECRET_BITS) and str(assigned.pk) not in html


def test_tampered_posts_are_refused_logged_and_change_nothing(people, clients, assigned):
    # Another coach tries to add a note and to move the status.
    response = clients["other_coach"].post(
        f"/doorverwijzingen/{assigned.pk}/notitie/", {"note-kind": "notitie", "note-text": "x"}
    )
    assert response.status_code == 404 and _last_entry(people["other_coach"]).result == "denied"
    # The AOV tries to assign themselves a coach.
    response = clients["aov"].post(
        f"/doorverwijzingen/{assigned.pk}/toewijzen/", {"assign-coach": people["other_coach"].pk}
    )
    assert response.status_code in (302, 404)
    assert Referral.objects.get().coach == people["coach"]
    assert _last_entry(people["aov"]).result == "denied"
    # The coach jumps the workflow: refused with a Dutch message.
    response = clients["coach"].post(
        f"/doorverwijzingen/{assigned.pk}/status/",
        {"status-to_status": "vervolg", "status-follow_up": "wijkteam"},
        follow=True,
    )
    assert "kan een doorverwijzing niet naar" in response.content.decode()
    status_entry = AccessLogEntry.objects.filter(actor_id=people["coach"].pk, action="status").latest("pk")
    assert Referral.objects.get().status == "toegewezen" and status_entry.result == "refused"
    # An oversized note.
    response = clients["coach"].post(
        f"/doorverwijzingen/{assigned.pk}/notitie/", {"note-kind": "notitie", "note-text": "x" * 5001}, follow=True
    )
    note_entry = AccessLogEntry.objects.filter(actor_id=people["coach"].pk, action="change").latest("pk")
    assert not assigned.notes.exists() and note_entry.result == "refused"
    # An unknown id.
    assert clients["coach"].get("/doorverwijzingen/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_an_aov_cannot_register_for_another_municipality_by_tampering(people, clients):
    from stakeholders.models import Municipality

    alkmaar = Municipality.objects.get(cbs_code="GM0361")
    response = clients["aov"].post(
        "/doorverwijzingen/locaties/nieuw/",
        {
            "municipality": alkmaar.pk,
            "premises_kind": "schuur",
            "signals": ["leegstand"],
            "source": "melding",
            "address": "A 1",
            "owner_name": "B",
        },
    )
    assert (
        response.status_code == 200
        and "geen geldige keuze" in response.content.decode().lower()
        or "Selecteer" in response.content.decode()
    )
    assert not VulnerableLocation.objects.filter(municipality=alkmaar).exists()


def test_the_privacy_officer_exports_and_erases_one_owner(people, clients, assigned):
    client = clients["privacy_officer"]
    found = client.post(
        "/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": "jan de boer", "do": "find"}
    )
    assert "1 locatie gevonden" in found.content.decode()
    export = client.post(
        "/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": "Jan de Boer", "do": "export"}
    )
    assert export["Content-Type"].startswith("application/json") and "schulden" in export.content.decode()
    client.post("/doorverwijzingen/verzoek-betrokkene/", {"field": "owner_name", "value": "Jan de Boer", "do": "erase"})
    assert Referral.objects.exists()  # not without the confirmation
    client.post(
        "/doorverwijzingen/verzoek-betrokkene/",
        {
            "field": "owner_name",
            "value": "Jan de Boer",
            "do": "erase",
            "confirm": "1",
            "looked_up": looked_up_token(found.content.decode()),
        },
    )
    assert not Referral.objects.exists() and not VulnerableLocation.objects.exists()
    actions = set(AccessLogEntry.objects.filter(actor_id=people["privacy_officer"].pk).values_list("action", flat=True))
    assert {"export", "erase"} <= actions


def looked_up_token(html: str) -> str:
    """The lookup the page showed a count for; "Wissen" sends it back."""
    return re.search(r'name="looked_up" value="([^"]+)"', html).group(1)


def test_the_access_log_export_is_for_the_privacy_officer(people, clients, assigned):
    clients["admin"].get(f"/doorverwijzingen/{assigned.pk}/")
    csv_text = clients["privacy_officer"].get("/doorverwijzingen/toegangslog/?export=csv").content.decode()
    assert str(assigned.pk) in csv_text and "denied" in csv_text
    assert not any(bit in csv_text for bit in SECRET_BITS)


def test_idle_referral_sessions_end_after_fifteen_minutes(clients, assigned):
    client = clients["coach"]
    assert client.get(f"/doorverwijzingen/{assigned.pk}/").status_code == 200
    session = client.session
    session["referrals_last_seen"] = time.time() - 16 * 60
    session.save()
    response = client.get(f"/doorverwijzingen/{assigned.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_purge_removes_expired_closed_referrals_and_logs_it(people, assigned):
    from django.core.management import call_command
    from django.utils import timezone

    Referral.objects.filter(pk=assigned.pk).update(
        status="afgesloten", outcome="geholpen", closed_at=timezone.now() - datetime.timedelta(days=3 * 365)
    )
    call_command("purge_expired_referrals", "--dry-run", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Referral.objects.exists()
    call_command("purge_expired_referrals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Referral.objects.exists() and not VulnerableLocation.objects.exists()
    assert AccessLogEntry.objects.filter(object_id=str(assigned.pk), action="purge", role="systeem").exists()


def test_the_coach_list_runs_a_constant_number_of_queries_and_decrypts_nothing(people, clients, location, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referrals import crypto
    from referrals.models import Referral as ReferralModel

    def add(n):
        for _i in range(n):
            ReferralModel.objects.create(
                location=location,
                municipality=location.municipality,
                reason="r",
                owner_consent=True,
                legal_basis="toestemming",
                coach=people["coach"],
                status="toegewezen",
            )

    def count():
        clients["coach"].get("/doorverwijzingen/")
        with CaptureQueriesContext(connection) as context:
            assert clients["coach"].get("/doorverwijzingen/").status_code == 200
        return len(context)

    add(3)
    small = count()
    add(15)
    calls = []
    monkeypatch.setattr(crypto, "decrypt", lambda token: calls.append(token) or "")
    assert count() == small and calls == []
