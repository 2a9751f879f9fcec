"""The secretariat's meeting work as a new user tried it (issue #19, items 13 to 15): comments worked into a
new version after the comment period and the commenters told, adoption only in a meeting that was held;
walk-ins from the CRM on the attendance list, a meeting recorded after the fact, a warning before a comment
period nobody can use and a message that says who was told; a confirmation naming who gets what before
the agenda goes out; and demo data whose published agenda has its invitations.

Bad input gets a Dutch error, keeps what was typed, and stores nothing."""

import datetime
import random
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.roles import Role
from meetings.demo import meetings_demo_load
from meetings.models import Attendance, Invitation, MeetingPage, Minutes, MinutesComment, MinutesVersion
from meetings.services import minutes as services
from notifications.models import Notification
from stakeholders.models import District
from tests.meetings.factories import meeting
from tests.stakeholders.factories import AffiliationFactory, ContactFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


# --- Fixtures and helpers ---------------------------------------------------------------------------------


@pytest.fixture
def people(make_user):
    return {
        "secretariat": make_user(Role.SECRETARIAT, district=None),
        "present": make_user(Role.PARTNER, district="KEN"),
        "second": make_user(Role.PARTNER, district="KEN"),
        "member": make_user(Role.AOV, district="KEN"),
    }


@pytest.fixture
def clients(people, login_with_mfa):
    result = {}
    for name, user in people.items():
        client = Client()
        if user.requires_mfa:
            login_with_mfa(client, user)
        else:
            client.force_login(user)
        result[name] = client
    return result


@pytest.fixture
def held(people):
    """Last week's meeting (no chair with an account: the secretariat publishes), two members present."""
    page = meeting("KEN", starts_in_days=-7, items=2, title="Platformoverleg Kennemerland najaar")
    for name in ("present", "second"):
        Attendance.objects.create(meeting=page, contact=people[name].contact, present=True)
    return page


def _texts(minutes, *values) -> dict[int, str]:
    return {item.pk: value for item, value in zip(minutes.items.all(), values, strict=False)}


def _commented(people, page) -> tuple[Minutes, MinutesComment, MinutesComment]:
    """Published, two comments, the comment period over."""
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=page)
    services.minutes_save(
        user=secretariat, minutes=minutes, texts=_texts(minutes, "De voorzitter opent.", "Drugsafval besproken.")
    )
    services.minutes_publish(user=secretariat, minutes=minutes)
    first, second = minutes.items.all()
    worked = services.minutes_comment_add(
        user=people["present"], minutes=minutes, item_id=second.pk, text="Graag noemen dat Haarlem meedoet."
    )
    declined = services.minutes_comment_add(
        user=people["second"], minutes=minutes, item_id=first.pk, text="De vergadering begon later."
    )
    Minutes.objects.filter(pk=minutes.pk).update(comments_until=timezone.now() - datetime.timedelta(minutes=1))
    minutes.refresh_from_db()
    return minutes, worked, declined


def _ken_contact(district: str = "KEN", **fields):
    organisation = MembershipFactory(district=District.objects.get(code=district)).organisation
    return AffiliationFactory(organisation=organisation, contact=ContactFactory(**fields)).contact


# --- #19.13: comments worked in after the period, adoption in a held meeting ------------------------------


def test_comments_are_worked_into_a_new_version_and_the_commenters_told(people, clients, held):
    minutes, worked, declined = _commented(people, held)
    first, second = minutes.items.all()
    published = minutes.versions.order_by("-number").first()
    secretariat = clients["secretariat"]
    base = f"/overleg/{held.pk}/notulen/"

    # The minutes page offers the amendment, and no adoption while comments wait for an answer.
    page = secretariat.get(base).text
    assert f'href="{base}aanpassen/"' in page and "2 reacties nog niet beantwoord" in page
    assert f'action="{base}vaststellen/"' not in page
    form = secretariat.get(base + "aanpassen/")
    assert form.status_code == 200
    assert "Graag noemen dat Haarlem meedoet." in form.text and f'name="answer-{worked.pk}"' in form.text

    # Bad input: no answer for one comment, no explanation for "niet verwerkt". Dutch errors, everything
    # typed is shown again, nothing stored.
    typed = "Drugsafval besproken.\n\nDe gemeente Haarlem doet mee."
    response = secretariat.post(
        base + "aanpassen/",
        {
            f"text-{first.pk}": "De voorzitter opent.",
            f"text-{second.pk}": typed,
            f"answer-{declined.pk}": "not_worked_in",
        },
    )
    assert response.status_code == 400
    assert "Kies wat er met deze reactie is gedaan." in response.text
    assert "Leg de indiener uit waarom de reactie niet is verwerkt." in response.text
    assert "De gemeente Haarlem doet mee." in response.text
    assert re.search(rf'name="answer-{declined.pk}" value="not_worked_in" checked', response.text)
    # "Verwerkt" while the text did not change is refused too.
    response = secretariat.post(
        base + "aanpassen/",
        {
            f"text-{first.pk}": "De voorzitter opent.",
            f"text-{second.pk}": "Drugsafval besproken.",
            f"answer-{worked.pk}": "worked_in",
            f"answer-{declined.pk}": "no_change",
        },
    )
    assert response.status_code == 400 and "de tekst is niet gewijzigd" in response.text
    assert minutes.versions.count() == published.number
    assert not MinutesComment.objects.exclude(resolution="").exists()
    assert not Notification.objects.filter(title__contains="beantwoord").exists()

    # The comment worked in, the other answered with a reason: a new version beside the published one.
    response = secretariat.post(
        base + "aanpassen/",
        {
            f"text-{first.pk}": "De voorzitter opent.",
            f"text-{second.pk}": typed,
            f"answer-{worked.pk}": "worked_in",
            f"answer-{declined.pk}": "not_worked_in",
            f"note-{declined.pk}": "Volgens de presentielijst begon het overleg op tijd.",
        },
        follow=True,
    )
    assert response.status_code == 200
    amended = minutes.versions.order_by("-number").first()
    assert amended.number == published.number + 1
    assert (amended.status, amended.snapshot["event"]) == ("published", "amended")
    assert "De gemeente Haarlem doet mee." in amended.snapshot["items"][1]["text"]
    assert "Haarlem" not in MinutesVersion.objects.get(pk=published.pk).snapshot["items"][1]["text"]
    assert f"opgeslagen als versie {amended.number}" in response.text
    assert "2 reacties beantwoord; 2 indieners ingelicht." in response.text
    worked.refresh_from_db()
    declined.refresh_from_db()
    assert (worked.resolution, worked.resolved_in_version) == ("worked_in", amended)
    assert declined.resolution == "not_worked_in"
    assert declined.resolution_note == "Volgens de presentielijst begon het overleg op tijd."

    # Each commenter hears what became of their comment.
    told = Notification.objects.get(recipient=people["present"], title__contains="beantwoord")
    assert f"verwerkt in de tekst (versie {amended.number})" in told.body and told.url == base
    told = Notification.objects.get(recipient=people["second"], title__contains="beantwoord")
    assert "niet verwerkt. Volgens de presentielijst begon het overleg op tijd." in told.body

    # Members see the answers and compare the published text with the amended one.
    member_page = clients["member"].get(base).text
    assert "Verwerkt in de tekst" in member_page and f"?a={published.number}&amp;b={amended.number}" in member_page
    compare = clients["member"].get(f"{base}versies/?a={published.number}&b={amended.number}")
    assert compare.status_code == 200 and "De gemeente Haarlem doet mee." in compare.text
    assert "Aangepast na de reacties" in compare.text


def test_amending_waits_for_the_end_of_the_comment_period(people, clients, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    services.minutes_publish(user=secretariat, minutes=minutes)
    item = minutes.items.first()
    response = clients["secretariat"].post(f"/overleg/{held.pk}/notulen/aanpassen/", {f"text-{item.pk}": "Anders."})
    assert response.status_code == 400 and "De reactietermijn loopt nog tot" in response.text
    assert "Anders." in response.text  # kept to copy
    item.refresh_from_db()
    assert item.text == "<p>Tekst.</p>" and minutes.versions.count() == 3
    # Members cannot amend at all.
    assert clients["present"].get(f"/overleg/{held.pk}/notulen/aanpassen/").status_code == 404


def test_adoption_waits_until_every_comment_is_answered(people, clients, held):
    minutes, worked, declined = _commented(people, held)
    later = meeting("KEN", starts_in_days=-1, title="Het overleg daarna")
    response = clients["secretariat"].post(f"/overleg/{held.pk}/notulen/vaststellen/", {"adopted_at_meeting": later.pk})
    assert response.status_code == 400 and "Er zijn 2 reacties nog niet beantwoord." in response.text
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.PUBLISHED
    services.minutes_amend(
        user=people["secretariat"],
        minutes=minutes,
        texts={},
        answers={
            worked.pk: services.CommentAnswer("no_change"),
            declined.pk: services.CommentAnswer("no_change", "Staat er al."),
        },
    )
    assert not minutes.versions.filter(snapshot__event="amended").exists()  # no text change, no new version
    services.minutes_adopt(user=people["secretariat"], minutes=minutes, adopted_at_meeting=later)
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.ADOPTED


def test_minutes_are_adopted_only_in_a_meeting_that_was_held(people, clients, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    services.minutes_publish(user=secretariat, minutes=minutes)
    Minutes.objects.filter(pk=minutes.pk).update(comments_until=timezone.now() - datetime.timedelta(minutes=1))
    minutes.refresh_from_db()
    to_come = meeting("KEN", starts_in_days=30, title="Overleg dat nog komt")
    base = f"/overleg/{held.pk}/notulen/"

    page = clients["secretariat"].get(base).text
    assert f'value="{to_come.pk}"' not in page
    assert "Er is nog geen later overleg van dit platform gehouden." in page
    response = clients["secretariat"].post(base + "vaststellen/", {"adopted_at_meeting": to_come.pk})
    assert response.status_code == 400
    assert "Kies een later overleg van hetzelfde platform dat al is gehouden." in response.text
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.PUBLISHED

    held_since = meeting("KEN", starts_in_days=-0.01, title="Overleg van vandaag")
    page = clients["secretariat"].get(base).text
    assert f'<option value="{held_since.pk}"' in page and f'value="{to_come.pk}"' not in page
    assert clients["secretariat"].post(base + "vaststellen/", {"adopted_at_meeting": held_since.pk}).status_code == 302
    assert Minutes.objects.get(pk=minutes.pk).adopted_at_meeting_id == held_since.pk


def test_demo_minutes_without_a_held_next_meeting_wait_for_their_comments(make_user):
    present = make_user(Role.PARTNER, district="KEN")
    page = meeting("KEN", starts_in_days=-60, title="Laatste overleg")
    Attendance.objects.create(meeting=page, contact=present.contact, present=True)
    meeting("KEN", starts_in_days=30, title="Volgend overleg")
    from meetings.demo_minutes import minutes_demo

    minutes = minutes_demo(page, rng=random.Random(1))
    assert minutes.status == Minutes.Status.PUBLISHED and minutes.adopted_at_meeting is None
    assert minutes.comments_until < timezone.now()
    assert MeetingPage.objects.get(pk=page.pk).status == MeetingPage.Status.DRAFT_MINUTES
    comment = MinutesComment.objects.get(item__minutes=minutes)
    assert comment.resolution == "" and comment.author == present


# --- #19.14: a comment period nobody can use, and who was told ------------------------------------------


def test_a_comment_period_with_nobody_present_needs_a_confirmation(people, clients, reference_data):
    page = meeting("KEN", starts_in_days=-3)
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=page)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    base = f"/overleg/{page.pk}/notulen/"

    form = clients["secretariat"].get(base).text
    assert "Er is niemand als aanwezig genoteerd." in form and 'name="nobody_present_ok"' in form
    response = clients["secretariat"].post(base + "publiceren/", {"comment_days": "9"})
    assert response.status_code == 400
    assert "niemand kan op deze concept-notulen reageren" in response.text
    assert 'value="9"' in response.text  # what was typed is kept
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.CONCEPT
    assert not Notification.objects.filter(kind="meetings.minutes_published").exists()

    response = clients["secretariat"].post(
        base + "publiceren/", {"comment_days": "9", "nobody_present_ok": "on"}, follow=True
    )
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.PUBLISHED
    assert "Niemand kan reageren" in response.text and "de leden zijn ingelicht" not in response.text


def test_the_publication_message_says_who_was_told(people, clients, held):
    no_account = _ken_contact()
    Attendance.objects.create(meeting=held, contact=no_account, present=True)
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    response = clients["secretariat"].post(
        f"/overleg/{held.pk}/notulen/publiceren/", {"comment_days": "7"}, follow=True
    )
    text = response.text
    assert "2 aanwezigen zijn ingelicht en kunnen reageren tot" in text
    assert "1 aanwezige heeft geen account op het portaal en kon niet worden ingelicht." in text
    # The AOV who was not there (the secretariat publishing is not told about its own act).
    assert "1 ander lid van het platform of het secretariaat heeft een melding gekregen." in text
    told = Notification.objects.filter(kind="meetings.minutes_published")
    assert set(told.values_list("recipient_id", flat=True)) == {
        people["present"].pk,
        people["second"].pk,
        people["member"].pk,
    }


# --- #19.14: walk-ins from the CRM, a meeting recorded after the fact -----------------------------------


def test_a_walk_in_is_found_in_the_crm_added_and_recorded(people, clients):
    page = meeting("KEN", starts_in_days=-2, title="Overleg zonder uitnodigingen")
    guest_org = OrganisationFactory(name="Recreatieschap Spaarnwoude", city="Velsen")
    guest = AffiliationFactory(
        organisation=guest_org, contact=ContactFactory(first_name="Joyce", last_name="Wessels")
    ).contact
    AffiliationFactory(contact=guest, organisation=OrganisationFactory(name="Stichting Groen"))
    secretariat = clients["secretariat"]
    url = f"/overleg/{page.pk}/aanwezigheid/"

    assert "Er is niemand uitgenodigd. Voeg hieronder toe wie er was." in secretariat.get(url).text
    # Search as you type: the results part, by organisation and place as well as by name.
    for query in ("wessels", "Spaarnwoude", "joyce velsen"):
        fragment = secretariat.get(url, {"zoek": query, "fragment": "1"})
        assert fragment.status_code == 200 and f'name="toevoegen" value="{guest.pk}"' in fragment.text, query
        assert "<html" not in fragment.text
    assert f'value="{guest.pk}"' not in secretariat.get(url, {"zoek": "nergens", "fragment": "1"}).text
    # Without JavaScript: the search button, then "Toevoegen": the row appears ticked, nothing stored yet.
    response = secretariat.post(url, {"zoek": "Wessels", "actie": "zoeken"})
    assert f'name="toevoegen" value="{guest.pk}"' in response.text
    response = secretariat.post(url, {"zoek": "Wessels", "toevoegen": str(guest.pk)})
    assert response.status_code == 200
    assert f'name="present-{guest.pk}" value="1" checked' in response.text
    assert "Niet uitgenodigd" in response.text and "Toegevoegd, nog niet opgeslagen" in response.text
    assert not Attendance.objects.filter(meeting=page).exists()

    # Saved with the organisation they represented: the meeting is held now.
    response = secretariat.post(
        url,
        {"inloop": str(guest.pk), f"present-{guest.pk}": "1", f"organisation-{guest.pk}": str(guest_org.pk)},
        follow=True,
    )
    assert "Aanwezigheid opgeslagen: 1 aanwezig." in response.text
    attendance = Attendance.objects.get(meeting=page, contact=guest)
    assert attendance.present and attendance.organisation == guest_org
    assert MeetingPage.objects.get(pk=page.pk).status == MeetingPage.Status.HELD
    # The walk-in stays on the list afterwards, and can be unticked.
    form = secretariat.get(url).text
    assert f'name="present-{guest.pk}" value="1" checked' in form
    secretariat.post(url, {f"organisation-{guest.pk}": str(guest_org.pk)})
    assert not Attendance.objects.get(meeting=page, contact=guest).present


def test_attendance_refuses_an_organisation_the_walk_in_does_not_work_for(people, clients):
    page = meeting("KEN", starts_in_days=-1)
    invited = _ken_contact(last_name="Aalders")
    Invitation.objects.create(meeting=page, contact=invited)
    guest = _ken_contact(last_name="Bosman")
    stranger = OrganisationFactory(name="Vreemde organisatie")
    response = clients["secretariat"].post(
        f"/overleg/{page.pk}/aanwezigheid/",
        {
            f"present-{invited.pk}": "1",
            "inloop": str(guest.pk),
            f"present-{guest.pk}": "1",
            f"organisation-{guest.pk}": str(stranger.pk),
        },
    )
    assert response.status_code == 400
    assert f"{guest} werkt niet bij de gekozen organisatie" in response.text
    assert "Er is niets opgeslagen" in response.text
    # The ticks and the walk-in are still there.
    assert f'name="present-{invited.pk}" value="1" checked' in response.text
    assert f'name="inloop" value="{guest.pk}"' in response.text
    assert not Attendance.objects.exists()
    assert MeetingPage.objects.get(pk=page.pk).status == MeetingPage.Status.PLANNED


def test_a_meeting_held_already_can_be_recorded_afterwards_in_the_admin(clients, reference_data):
    from tests.meetings.test_actions_and_attendance import _admin_add

    starts_at = timezone.now() - datetime.timedelta(days=10)
    response = _admin_add(clients["secretariat"], starts_at=starts_at, slug="vergeten-overleg")
    assert response.status_code == 200
    assert "Vink dan ‘Dit overleg is al gehouden’ aan." in response.text
    assert not MeetingPage.objects.filter(slug="vergeten-overleg").exists()

    response = _admin_add(clients["secretariat"], starts_at=starts_at, slug="vergeten-overleg", held_already="on")
    assert response.status_code == 302
    page = MeetingPage.objects.get(slug="vergeten-overleg")
    assert page.status == MeetingPage.Status.HELD and not page.invitations.exists()
    # Only when creating: the edit form of an existing meeting does not offer it.
    assert 'name="held_already"' not in clients["secretariat"].get(f"/beheer/pages/{page.pk}/edit/").text
    # A meeting still to come cannot be "held already".
    response = _admin_add(
        clients["secretariat"],
        starts_at=timezone.now() + datetime.timedelta(days=5),
        slug="te-vroeg",
        held_already="on",
    )
    assert "Een overleg dat al is gehouden, begint niet in de toekomst." in response.text
    assert not MeetingPage.objects.filter(slug="te-vroeg").exists()


def test_the_attendance_page_runs_a_fixed_number_of_queries(clients, reference_data):
    page = meeting("KEN", starts_in_days=-1)
    url = f"/overleg/{page.pk}/aanwezigheid/"

    def grow(n: int) -> None:
        for _n in range(n):
            Invitation.objects.create(meeting=page, contact=_ken_contact(last_name="Lid"))
            Attendance.objects.create(meeting=page, contact=_ken_contact(last_name="Gast"), present=True)

    counts, listed = [], 0
    for n in (2, 10):
        grow(n)
        listed += 2 * n  # one invitee and one walk-in each time
        clients["secretariat"].get(url, {"zoek": "Lid"})  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = clients["secretariat"].get(url, {"zoek": "Gast"})
        assert response.status_code == 200 and response.text.count("data-attendance-row=") == listed
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# --- #19.15: a confirmation that names who gets what before the agenda goes out ---------------------------


@pytest.fixture
def audience(people):
    """KEN: two members who consented (one with an account), one member who did not, one contact with
    neither consent nor account."""
    for name in ("present", "second"):
        people[name].contact.invitation_consent = name == "present"
        people[name].contact.save(update_fields=["invitation_consent"])
    return {
        "consented_contact": _ken_contact(invitation_consent=True),
        "unreachable": _ken_contact(invitation_consent=False),
    }


def _confirmation(client, page):
    response = client.get(f"/overleg/{page.pk}/agenda-publiceren/")
    assert response.status_code == 200
    invites = re.search(r'name="uitnodigingen" value="(\d+)"', response.text).group(1)
    portal = re.search(r'name="meldingen" value="(\d+)"', response.text).group(1)
    return response, {"uitnodigingen": invites, "meldingen": portal}


def test_publishing_the_agenda_asks_to_confirm_who_gets_what(
    people, clients, audience, django_capture_on_commit_callbacks
):
    page = meeting("KEN", starts_in_days=20, title="Platformoverleg Kennemerland voorjaar")
    secretariat = clients["secretariat"]
    # The meeting page links to the confirmation; nothing is sent by opening it.
    assert f'href="/overleg/{page.pk}/agenda-publiceren/"' in secretariat.get(page.url).text
    mail.outbox.clear()
    response, counts = _confirmation(secretariat, page)
    assert counts == {"uitnodigingen": "2", "meldingen": "2"}
    text = re.sub(r"\s+", " ", response.text)
    assert "<strong>2</strong> contactpersonen krijgen een uitnodiging per e-mail" in text
    assert "<strong>2</strong> leden krijgen alleen een melding op het portaal" in text
    assert "<strong>1</strong> contactpersoon van het platform hoort niets" in text
    assert "Ja, publiceer en verstuur 2 uitnodigingen" in text
    assert not Invitation.objects.exists() and mail.outbox == []
    assert MeetingPage.objects.get(pk=page.pk).status == MeetingPage.Status.PLANNED

    # A POST without the confirmed numbers sends nothing.
    response = secretariat.post(f"/overleg/{page.pk}/agenda-publiceren/")
    assert response.status_code == 400 and "er is niets verstuurd" in response.text
    assert not Invitation.objects.exists() and not Notification.objects.exists()

    # Confirmed: exactly those are invited and told, and the message repeats the numbers.
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(f"/overleg/{page.pk}/agenda-publiceren/", counts, follow=True)
    assert "De agenda is gepubliceerd. 2 uitnodigingen per e-mail verstuurd." in response.text
    assert "2 leden kregen alleen een melding op het portaal." in response.text
    assert set(Invitation.objects.values_list("contact_id", flat=True)) == {
        people["present"].contact_id,
        audience["consented_contact"].pk,
    }
    assert len(mail.outbox) == 2
    told = set(Notification.objects.filter(kind="meetings.agenda_published").values_list("recipient_id", flat=True))
    assert told == {people["present"].pk, people["second"].pk, people["member"].pk, people["secretariat"].pk}

    # Again: nobody new, so nothing to confirm; a newcomer is counted and only they are reached.
    response = secretariat.get(f"/overleg/{page.pk}/agenda-publiceren/")
    assert "Er is niemand nieuw om uit te nodigen" in response.text and 'name="uitnodigingen"' not in response.text
    newcomer = _ken_contact(invitation_consent=True)
    response, counts = _confirmation(secretariat, page)
    assert counts == {"uitnodigingen": "1", "meldingen": "0"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        secretariat.post(f"/overleg/{page.pk}/agenda-publiceren/", counts)
    assert [message.to for message in mail.outbox] == [[newcomer.email]]
    assert Notification.objects.filter(kind="meetings.agenda_published").count() == 4  # nobody told twice


def test_numbers_that_changed_since_the_confirmation_send_nothing(people, clients, audience):
    page = meeting("KEN", starts_in_days=20)
    _response, counts = _confirmation(clients["secretariat"], page)
    _ken_contact(invitation_consent=True)  # consented in between
    mail.outbox.clear()
    response = clients["secretariat"].post(f"/overleg/{page.pk}/agenda-publiceren/", counts)
    assert response.status_code == 400
    assert "Het aantal uitnodigingen is veranderd sinds u het zag." in response.text
    assert "Ja, publiceer en verstuur 3 uitnodigingen" in response.text  # the new numbers, to confirm
    assert not Invitation.objects.exists() and not Notification.objects.exists()
    assert MeetingPage.objects.get(pk=page.pk).status == MeetingPage.Status.PLANNED


def test_the_demo_meeting_with_a_published_agenda_has_its_invitations(reference_data):
    for district in ("KEN", "NHN", "ZW"):
        for n in range(6):
            _ken_contact(district, invitation_consent=n != 0, email=f"lid{n}.{district}@example.nl")
    meetings_demo_load(scale=1, seed=7)
    upcoming = MeetingPage.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")
    published = [m for m in upcoming if m.status == MeetingPage.Status.AGENDA_PUBLISHED]
    assert published, "the next meeting of each platform has its agenda published"
    for page in upcoming:
        invitations = list(page.invitations.select_related("contact"))
        if page.status == MeetingPage.Status.AGENDA_PUBLISHED:
            assert invitations, page.title
            assert all(i.contact.invitation_consent and i.contact.email for i in invitations)
            assert all((i.response == "pending") == (i.responded_at is None) for i in invitations)
            assert all(bool(i.deputy_name) == (i.response == "deputy") for i in invitations)
        else:
            assert page.status == MeetingPage.Status.PLANNED and not invitations, page.title
    ken_next = next(m for m in published if m.get_parent().specific.district.code == "KEN")
    assert ken_next.invitations.count() == 5
    assert {i.response for i in ken_next.invitations.all()} - {"pending"}  # some have answered
