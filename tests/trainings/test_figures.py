"""Monitoring's module 3 figures come from the training records from their first year; the figures entered by
hand stay for the years before (and their certificates count in the total to date)."""

import datetime

import pytest
from django.utils import timezone

from monitoring.models import Training
from monitoring.selectors_figures import figure_tables
from stakeholders.models import Municipality
from trainings import services
from trainings.models import ELearningEnrolment, Registration, TrainingSession

from .conftest import HAARLEM, organisation_of, sign_in, training_session

pytestmark = pytest.mark.django_db


def _row(tables, name):
    return next(r.figures for b in tables.blocks for r in b.rows if r.municipality.name == name)


@pytest.fixture
def records(people):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    year = timezone.localdate().year
    # Before the portal: typed in by the secretariat.
    Training.objects.create(
        municipality=haarlem, kind="elearning", held_on=datetime.date(2023, 3, 1), participants=5, certificates=3
    )
    Training.objects.create(municipality=haarlem, kind="training", held_on=datetime.date(2023, 6, 1), participants=7)
    today = timezone.localdate()
    for i in range(4):
        enrolment = services.enrolment_create(
            user=people["aov"], municipality=haarlem, name=f"D{i}", email=f"d{i}@h.nl"
        )
        if i < 2:
            services.enrolment_complete(
                user=people["aov"], enrolment=enrolment, completed_on=today, certificate_on=today
            )
    session = training_session(days=1)
    for role in ("aov", "partner"):
        services.registration_create(user=people[role], session=session, organisation=organisation_of(people[role]))
    start = timezone.now() - datetime.timedelta(hours=3)
    if timezone.localtime(start).year != year:  # just after New Year: keep the session in this year
        start = timezone.now() - datetime.timedelta(minutes=1)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + datetime.timedelta(minutes=1))
    session.refresh_from_db()
    services.attendance_save(
        user=people["secretariat"], session=session, present_ids=set(session.registrations.values_list("pk", flat=True))
    )
    return haarlem, year


def test_this_years_module_3_figures_come_from_the_records(records, people):
    haarlem, year = records
    # A figure typed in for a year the portal holds records of would count twice: it is left out.
    Training.objects.create(
        municipality=haarlem, kind="elearning", held_on=datetime.date(year, 1, 1), participants=9, certificates=1
    )
    figures = _row(figure_tables(year=year), "Haarlem")
    assert figures.elearning_participants == 4
    assert figures.certificates == 2
    assert figures.certificates_to_date == 3 + 2  # the hand-entered certificates of 2023 still count
    # The AOV came for Haarlem's organisation; the partner's organisation belongs to no municipality.
    assert figures.training_attendance == 1
    assert Registration.objects.filter(attended=True).count() == 2


def test_earlier_years_keep_the_hand_entered_figures(records):
    figures = _row(figure_tables(year=2023), "Haarlem")
    assert figures.elearning_participants == 5
    assert figures.certificates == 3
    assert figures.certificates_to_date == 3
    assert figures.training_attendance == 7


def test_without_records_every_year_is_hand_entered(reference_data):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    year = timezone.localdate().year
    Training.objects.create(municipality=haarlem, kind="training", held_on=datetime.date(year, 1, 1), participants=6)
    assert _row(figure_tables(year=year), "Haarlem").training_attendance == 6


def test_the_dashboard_shows_the_records_and_the_hand_form_refuses_their_years(client, records, people):
    haarlem, year = records
    sign_in(client, people["secretariat"])
    page = client.get(f"/voortgang/{HAARLEM}/?jaar={year}").content.decode()
    assert "Deelnemers e-learning" in page
    response = client.post(
        f"/voortgang/{HAARLEM}/training/",
        {"kind": "elearning", "held_on": timezone.localdate().isoformat(), "participants": "3", "certificates": "0"},
    )
    assert response.status_code == 200
    assert (
        "komen de cijfers van module 3 uit de trainingen en de e-learning in het portaal" in response.content.decode()
    )
    assert not Training.objects.filter(held_on__year=year).exists()
    # An earlier year can still be typed in.
    response = client.post(
        f"/voortgang/{HAARLEM}/training/",
        {"kind": "training", "held_on": "2022-05-01", "participants": "4", "certificates": "0"},
    )
    assert response.status_code == 302
    assert ELearningEnrolment.objects.count() == 4
