"""Design section 3: an AOV registers "self and own municipality's staff" for a training session. Only staff of
the AOV's own municipality with a portal account; the colleague is told; the cap and the waiting list hold; the
AOV sees and cancels what they made, nobody else sees it; leaving the municipality ends that view."""

import pytest
from django.core.exceptions import ValidationError

from core.roles import Role
from notifications.models import Notification
from stakeholders.models import Affiliation
from trainings import services
from trainings.models import Registration

from .conftest import colleague_of as any_colleague_of
from .conftest import organisation_of, sign_in, training_session

pytestmark = pytest.mark.django_db


def colleague_of(make_user, user):
    """A colleague who is in the directory ("Wie is wie"): the picker shows names, so only those."""
    colleague = any_colleague_of(make_user, user)
    colleague.contact.directory_consent = True
    colleague.contact.save(update_fields=["directory_consent"])
    return colleague


def _register_colleague(client, aov, session, colleague):
    sign_in(client, aov)
    return client.post(f"/trainingen/sessie/{session.pk}/collega-aanmelden/", {"colleague": colleague.pk})


def test_an_aov_registers_a_colleague_who_is_told(client, people, make_user):
    aov = people["aov"]
    colleague = colleague_of(make_user, aov)
    session = training_session()
    page = sign_in(client, aov).get(f"/trainingen/sessie/{session.pk}/").content.decode()
    assert "Een collega aanmelden" in page
    form = client.get(f"/trainingen/sessie/{session.pk}/collega-aanmelden/").content.decode()
    assert colleague.get_full_name() in form
    assert people["partner"].get_full_name() not in form  # works elsewhere

    response = _register_colleague(client, aov, session, colleague)
    assert response.status_code == 302
    registration = Registration.objects.get(user=colleague)
    assert (registration.status, registration.registered_by, registration.organisation) == (
        "confirmed",
        aov,
        organisation_of(aov),
    )
    note = Notification.objects.get(recipient=colleague, kind="trainings.registered_by_colleague")
    assert aov.get_full_name() in note.title
    detail = client.get(response["Location"]).content.decode()
    assert "is aangemeld en krijgt daarvan bericht" in detail
    assert colleague.get_full_name() in detail  # under "Collega's van uw gemeente"
    # The colleague sees it as their own registration.
    client.logout()
    own = sign_in(client, colleague).get(f"/trainingen/sessie/{session.pk}/").content.decode()
    assert "U bent aangemeld namens" in own


def test_only_staff_of_the_own_municipality_and_never_twice(client, people, make_user):
    aov = people["aov"]
    colleague = colleague_of(make_user, aov)
    session = training_session()
    stranger = people["partner"]
    response = _register_colleague(client, aov, session, stranger)
    assert response.status_code == 400
    assert "Kies een collega die nu bij uw gemeente werkt." in response.content.decode()
    assert not Registration.objects.filter(user=stranger).exists()
    # The service refuses too, with its own Dutch message, whatever a caller passes.
    with pytest.raises(ValidationError, match="alleen collega's aanmelden"):
        services.registration_create(
            user=aov, session=session, organisation=organisation_of(stranger), participant=stranger
        )
    done = _register_colleague(client, aov, session, colleague)
    assert done.status_code == 302
    client.get(done["Location"])  # shows (and uses up) the confirmation
    form = client.get(f"/trainingen/sessie/{session.pk}/collega-aanmelden/").content.decode()
    assert colleague.get_full_name() not in form  # on the list already: not offered again
    again = _register_colleague(client, aov, session, colleague)
    assert again.status_code == 400
    assert Registration.objects.filter(user=colleague).count() == 1
    with pytest.raises(ValidationError, match="is al aangemeld voor deze sessie"):
        services.registration_create(
            user=aov, session=session, organisation=organisation_of(aov), participant=colleague
        )


def test_a_colleague_outside_the_directory_is_not_offered(client, people, make_user):
    """Their name may not be shown to the AOV; the secretariat registers them, or they register themselves."""
    aov = people["aov"]
    listed = colleague_of(make_user, aov)
    unlisted = any_colleague_of(make_user, aov)
    session = training_session()
    form = sign_in(client, aov).get(f"/trainingen/sessie/{session.pk}/collega-aanmelden/").content.decode()
    assert listed.get_full_name() in form
    assert unlisted.get_full_name() not in form and unlisted.email not in form
    assert _register_colleague(client, aov, session, unlisted).status_code == 400
    with pytest.raises(ValidationError, match="alleen collega's aanmelden"):
        services.registration_create(user=aov, session=session, organisation=organisation_of(aov), participant=unlisted)
    assert not Registration.objects.filter(user=unlisted).exists()


def test_the_view_ends_when_the_colleague_leaves_the_municipality(client, people, make_user):
    aov = people["aov"]
    colleague = colleague_of(make_user, aov)
    session = training_session()
    _register_colleague(client, aov, session, colleague)
    registration = Registration.objects.get(user=colleague)
    assert colleague.get_full_name() in client.get(f"/trainingen/sessie/{session.pk}/").content.decode()
    Affiliation.objects.filter(contact=colleague.contact).update(end_date="2020-01-01")
    assert colleague.get_full_name() not in client.get(f"/trainingen/sessie/{session.pk}/").content.decode()
    assert client.post(f"/trainingen/aanmelding/{registration.pk}/afmelden/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_the_cap_per_organisation_and_the_waiting_list_hold_for_colleagues(client, people, make_user):
    aov = people["aov"]
    first, second = colleague_of(make_user, aov), colleague_of(make_user, aov)
    session = training_session(capacity=1, max_per_organisation=2)
    services.registration_create(user=aov, session=session, organisation=organisation_of(aov))
    response = _register_colleague(client, aov, session, first)
    assert response.status_code == 302
    assert Registration.objects.get(user=first).status == "waiting"
    full = _register_colleague(client, aov, session, second)
    assert full.status_code == 400
    assert "zijn al 2 mensen aangemeld" in full.content.decode()
    assert not Registration.objects.filter(user=second).exists()


def test_a_partner_or_coach_cannot_register_others(client, people, make_user):
    session = training_session()
    partner = people["partner"]
    colleague = colleague_of(make_user, partner)
    for user in (partner, people["coach"], people["secretariat"]):
        client.logout()
        assert _register_colleague(client, user, session, colleague).status_code == 404
    assert not Registration.objects.filter(user=colleague).exists()
    page = sign_in(client, partner).get(f"/trainingen/sessie/{session.pk}/").content.decode()
    assert "Een collega aanmelden" not in page


def test_the_aov_cancels_what_they_made_and_loses_it_when_leaving(client, people, make_user):
    aov = people["aov"]
    colleague = colleague_of(make_user, aov)
    session = training_session()
    _register_colleague(client, aov, session, colleague)
    registration = Registration.objects.get(user=colleague)
    # Another AOV cannot cancel it (404, nothing changes).
    client.logout()
    sign_in(client, people["aov_elsewhere"])
    assert client.post(f"/trainingen/aanmelding/{registration.pk}/afmelden/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    # The AOV who made it can.
    client.logout()
    sign_in(client, aov)
    assert client.post(f"/trainingen/aanmelding/{registration.pk}/afmelden/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    # After leaving the municipality the AOV no longer sees or cancels registrations made there.
    _register_colleague(client, aov, session, colleague)
    again = Registration.objects.get(user=colleague, status="confirmed")
    Affiliation.objects.filter(contact=aov.contact).update(end_date="2020-01-01")
    aov.__dict__.pop("_scope_cache", None)
    client.logout()
    sign_in(client, aov)
    assert client.post(f"/trainingen/aanmelding/{again.pk}/afmelden/").status_code == 404
    again.refresh_from_db()
    assert again.status == "confirmed"


@pytest.mark.parametrize("role", [Role.COACH, Role.ADMIN])
def test_registering_a_colleague_needs_the_aov_role(client, people, make_user, role):
    outsider = make_user(role, district=None)
    session = training_session()
    sign_in(client, outsider)
    assert client.get(f"/trainingen/sessie/{session.pk}/collega-aanmelden/").status_code == 404


def test_anonymous_goes_to_login(client):
    session = training_session()
    response = client.get(f"/trainingen/sessie/{session.pk}/collega-aanmelden/")
    assert response.status_code == 302
    assert "/account/inloggen/" in response["Location"]
