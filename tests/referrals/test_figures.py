"""Figures without people: small cells hidden, and not recoverable from totals."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.figures import HIDDEN, suppress
from referrals.models import FigureSnapshot, VulnerableLocation
from referrals.services import coach_assign, location_state_set, status_change

pytestmark = pytest.mark.django_db


def test_a_single_small_cell_gets_a_partner_in_its_row_and_column():
    matrix = {"A": {"x": 3, "y": 10, "z": 12}, "B": {"x": 9, "y": 7, "z": 20}}
    shown = suppress(matrix, ["x", "y", "z"])
    assert shown["A"]["x"] == HIDDEN
    hidden_in_row_a = sum(1 for c in "xyz" if shown["A"][c] == HIDDEN)
    hidden_in_column_x = sum(1 for r in "AB" if shown[r]["x"] == HIDDEN)
    assert hidden_in_row_a >= 2 and hidden_in_column_x >= 2
    # Every line with a hidden cell has at least two: a total minus the visible cells never gives one count.
    for line in [[("A", c) for c in "xyz"], [("B", c) for c in "xyz"], *[[(r, c) for r in "AB"] for c in "xyz"]]:
        assert sum(1 for r, c in line if shown[r][c] == HIDDEN) in (0, 2, 3)


def test_small_totals_are_hidden_and_zeros_stay():
    shown = suppress({"A": {"x": 2, "y": 0}}, ["x", "y"])
    assert shown["A"]["total"] == HIDDEN and shown["A"]["y"] == 0


def test_published_figures_are_kept_as_snapshots_and_name_nobody(people, referral, login_with_mfa, client):
    referral = coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
    status_change(user=people["coach"], referral=referral, to_status="contact_gelegd")
    status_change(
        user=people["coach"], referral=referral, to_status="eerste_gesprek", first_conversation_on=timezone.localdate()
    )
    login_with_mfa(client, people["secretariat"])
    page = client.get("/doorverwijzingen/cijfers/").content.decode()
    assert people["coach"].last_name in page and "Jan de Boer" not in page
    client.post("/doorverwijzingen/cijfers/", {"label": ""})
    assert not FigureSnapshot.objects.exists()
    client.post("/doorverwijzingen/cijfers/", {"label": "Stuurgroep 2026"})
    snapshot = FigureSnapshot.objects.get()
    assert snapshot.label == "Stuurgroep 2026" and "Jan" not in str(snapshot.tables)
    assert snapshot.tables["status"]["rows"][0][0] == "Haarlem" and HIDDEN in str(snapshot.tables)


def test_a_referred_location_keeps_its_state(people, referral):
    stale = referral.location  # the copy from before the referral: it still says "identified"
    for state in ("geidentificeerd", "bezocht", "geen_actie"):
        with pytest.raises(ValidationError, match="Deze locatie is doorverwezen"):
            location_state_set(user=people["aov"], location=stale, state=state)
    assert VulnerableLocation.objects.get(pk=stale.pk).state == "doorverwezen"
