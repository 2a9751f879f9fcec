"""The minutes cycle: written per agenda item by the secretariat, reviewed by the chair, published to the
members with a comment period for those present, adopted at a later meeting; every version kept and
comparable; agenda and minutes as PDF. Who may do what, and the bad input: clear Dutch errors, nothing lost."""

import datetime
import random
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.pdf import pdf_text
from core.roles import Role
from meetings.demo_minutes import minutes_demo
from meetings.models import ActionItem, Attendance, Decision, MeetingPage, Minutes, MinutesComment, MinutesVersion
from meetings.selectors_minutes import version_compare
from meetings.services import minutes as services
from notifications.models import Notification
from tests.meetings.factories import meeting
from tests.pdfs import pdf_strings

pytestmark = pytest.mark.django_db


# --- Fixtures and helpers ---------------------------------------------------------------------------------


@pytest.fixture
def people(make_user):
    return {
        "secretariat": make_user(Role.SECRETARIAT, district=None),
        "chair": make_user(Role.PARTNER, district="KEN"),
        "present": make_user(Role.PARTNER, district="KEN"),
        "absent": make_user(Role.AOV, district="KEN"),
        "member": make_user(Role.PARTNER, district="KEN"),
        "other_district": make_user(Role.PARTNER, district="NHN"),
    }


@pytest.fixture
def held(people):
    """A meeting of last week with a chair who has an account, one member present and one absent."""
    page = meeting("KEN", starts_in_days=-7, items=3, chair=people["chair"].contact, title="Overleg Zoë en Reneé")
    Attendance.objects.create(meeting=page, contact=people["present"].contact, present=True)
    Attendance.objects.create(meeting=page, contact=people["chair"].contact, present=True)
    Attendance.objects.create(meeting=page, contact=people["absent"].contact, present=False)
    return page


@pytest.fixture
def next_meeting(reference_data):
    """The meeting after `held`, held yesterday: minutes are adopted in a meeting that took place."""
    return meeting("KEN", starts_in_days=-1, title="Volgend overleg")


@pytest.fixture
def clients(people, login_with_mfa):
    """One logged-in client per person (the secretariat and the AOV through MFA, like people do)."""
    result = {}
    for name, user in people.items():
        client = Client()
        if user.requires_mfa:
            login_with_mfa(client, user)
        else:
            client.force_login(user)
        result[name] = client
    return result


def _texts(minutes, *values) -> dict[int, str]:
    return {item.pk: value for item, value in zip(minutes.items.all(), values, strict=False)}


def _published(people, page, *, days: int = 14) -> Minutes:
    """Through the services: written, approved by the chair, published."""
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=page)
    services.minutes_save(
        user=secretariat, minutes=minutes, texts=_texts(minutes, "Welkom.", "Besproken.\n\nTweede alinea.")
    )
    services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    services.minutes_chair_decide(user=people["chair"], minutes=minutes, approve=True)
    return services.minutes_publish(user=secretariat, minutes=minutes, comment_days=days).minutes


def _close_period(minutes) -> None:
    Minutes.objects.filter(pk=minutes.pk).update(comments_until=timezone.now() - datetime.timedelta(minutes=1))
    minutes.refresh_from_db()


def _status(minutes) -> str:
    return Minutes.objects.get(pk=minutes.pk).status


# --- The whole cycle through the front end ----------------------------------------------------------------


def test_the_whole_cycle_through_the_front_end(people, clients, held, next_meeting):
    secretariat, chair, present = clients["secretariat"], clients["chair"], clients["present"]
    base = f"/overleg/{held.pk}/notulen/"

    # The meeting page offers the secretariat to start; starting makes one item per agenda item, in order.
    assert f'action="{base}starten/"' in secretariat.get(held.url).text
    response = secretariat.post(base + "starten/")
    assert response.status_code == 302 and response["Location"] == base + "bewerken/"
    minutes = Minutes.objects.get(meeting=held)
    assert [i.title for i in minutes.items.all()] == ["Agendapunt 1", "Agendapunt 2", "Agendapunt 3"]
    assert [i.agenda_item_id for i in minutes.items.all()] == list(
        held.agenda_items.order_by("sort_order").values_list("pk", flat=True)
    )
    assert secretariat.post(base + "starten/", follow=True).status_code == 200
    assert Minutes.objects.filter(meeting=held).count() == 1

    # Writing in the portal's plain markup, one textarea per item.
    first, second, third = minutes.items.all()
    form = secretariat.get(base + "bewerken/")
    assert form.status_code == 200 and f'name="text-{first.pk}"' in form.text
    response = secretariat.post(
        base + "bewerken/",
        {
            f"text-{first.pk}": "De voorzitter opent.\n\n## Mededelingen\n\n- De wijkagent is nieuw.\n- Geen andere.",
            f"text-{second.pk}": "Besproken.<script>alert(1)</script>",
            f"text-{third.pk}": "",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.text == (
        "<p>De voorzitter opent.</p><h2>Mededelingen</h2><ul><li>De wijkagent is nieuw.</li><li>Geen andere.</li></ul>"
    )
    assert "script" not in second.text
    # The edit form gives the markup back, not HTML.
    assert "## Mededelingen\n\n- De wijkagent is nieuw." in secretariat.get(base + "bewerken/").text

    # Members do not see the minutes before publication; the chair does.
    assert present.get(base).status_code == 404
    assert chair.get(base).status_code == 200

    # Submitting to the chair tells the chair.
    assert secretariat.post(base + "voorleggen/").status_code == 302
    assert _status(minutes) == Minutes.Status.CHAIR_REVIEW
    assert Notification.objects.filter(recipient=people["chair"], kind="meetings.minutes_review").count() == 1
    # No editing while the chair has it.
    response = secretariat.post(base + "bewerken/", {f"text-{first.pk}": "Anders getypt."})
    assert response.status_code == 400 and "liggen bij de voorzitter" in response.text
    assert "Anders getypt." in response.text  # shown again to copy: nothing lost

    # The chair's review form; asking changes needs a comment (Dutch error, nothing changes).
    page = chair.get(base)
    assert f'action="{base}beoordelen/"' in page.text
    response = chair.post(base + "beoordelen/", {"decision": "changes", "comment": "  "})
    assert response.status_code == 400 and "Schrijf wat er aangepast moet worden." in response.text
    assert _status(minutes) == Minutes.Status.CHAIR_REVIEW
    response = chair.post(base + "beoordelen/", {"decision": "changes", "comment": "Graag punt 3 aanvullen."})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.CHANGES_REQUESTED and minutes.chair_comment == "Graag punt 3 aanvullen."
    assert Notification.objects.filter(recipient=people["secretariat"], kind="meetings.minutes_chair_decided").exists()
    assert "Graag punt 3 aanvullen." in secretariat.get(base + "bewerken/").text

    # The secretariat adds item 3, saves and submits in one go; the chair approves.
    response = secretariat.post(base + "bewerken/", {f"text-{third.pk}": "Rondvraag: geen vragen.", "next": "submit"})
    assert response.status_code == 302
    assert _status(minutes) == Minutes.Status.CHAIR_REVIEW
    assert chair.post(base + "beoordelen/", {"decision": "approve", "comment": ""}).status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.CONCEPT and services.chair_has_approved(minutes)
    assert "goedgekeurd door de voorzitter" in secretariat.get(base).text

    # Publishing with a comment period of 10 days.
    before = timezone.now()
    response = secretariat.post(base + "publiceren/", {"comment_days": "10"})
    assert response.status_code == 302
    minutes.refresh_from_db()
    held.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED
    ten_days = datetime.timedelta(days=10)
    assert before + ten_days <= minutes.comments_until <= timezone.now() + ten_days
    assert held.status == MeetingPage.Status.DRAFT_MINUTES
    told = Notification.objects.filter(kind="meetings.minutes_published")
    assert told.filter(recipient=people["present"], body__contains="U was aanwezig").exists()
    assert told.filter(recipient=people["member"]).exists()
    assert not told.filter(recipient=people["other_district"]).exists()

    # Members read it now; whoever was present comments per item.
    page = present.get(base)
    assert page.status_code == 200 and "De wijkagent is nieuw." in page.text
    assert f'action="{base}reageren/{first.pk}/"' in page.text
    response = present.post(f"{base}reageren/{first.pk}/", {"text": "Kleine correctie: <b>de</b> wijkagent."})
    assert response.status_code == 302 and response["Location"] == f"{base}#punt-{first.pk}"
    comment = MinutesComment.objects.get()
    assert comment.item == first and comment.author == people["present"]
    assert comment.text == "Kleine correctie: de wijkagent."
    assert "Kleine correctie: de wijkagent." in clients["member"].get(base).text

    # After the period the comment is worked in: a new version, the commenter told.
    _close_period(minutes)
    response = secretariat.post(
        base + "aanpassen/",
        {
            f"text-{first.pk}": "De voorzitter opent.\n\n## Mededelingen\n\n- De nieuwe wijkagent is welkom.",
            f"text-{second.pk}": "Besproken.",
            f"text-{third.pk}": "Rondvraag: geen vragen.",
            f"answer-{comment.pk}": "worked_in",
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.resolution == MinutesComment.Resolution.WORKED_IN
    assert Notification.objects.filter(recipient=people["present"], title__contains="beantwoord").exists()

    # Adopting at the next meeting.
    response = secretariat.post(base + "vaststellen/", {"adopted_at_meeting": next_meeting.pk})
    assert response.status_code == 302
    minutes.refresh_from_db()
    held.refresh_from_db()
    assert minutes.status == Minutes.Status.ADOPTED
    assert minutes.adopted_at_meeting == next_meeting and minutes.adopted_at is not None
    assert held.status == MeetingPage.Status.MINUTES_ADOPTED

    # Every state change left a version, numbered without gaps.
    versions = list(minutes.versions.order_by("number"))
    assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    assert [(v.status, v.snapshot["event"]) for v in versions] == [
        ("concept", "started"),
        ("concept", "saved"),
        ("chair_review", "submitted"),
        ("changes_requested", "changes_requested"),
        ("changes_requested", "saved"),
        ("chair_review", "submitted"),
        ("concept", "approved"),
        ("published", "published"),
        ("published", "amended"),
        ("adopted", "adopted"),
    ]
    assert versions[-1].snapshot["items"][2] == {"title": "Agendapunt 3", "text": "<p>Rondvraag: geen vragen.</p>"}
    assert "De nieuwe wijkagent is welkom." in versions[-1].snapshot["items"][0]["text"]
    assert "De nieuwe wijkagent" not in versions[7].snapshot["items"][0]["text"]  # the published one, kept
    assert versions[0].created_by == people["secretariat"] and versions[6].created_by == people["chair"]


# --- Who may do what ---------------------------------------------------------------------------------------


def test_partner_of_another_district_gets_404_everywhere(people, clients, held):
    minutes = _published(people, held)
    item = minutes.items.first()
    other = clients["other_district"]
    base = f"/overleg/{held.pk}/notulen/"
    for url in (base, base + "versies/?a=1&b=2", base + "bewerken/", f"/overleg/{held.pk}/notulen.pdf"):
        assert other.get(url).status_code == 404, url
    assert other.get(f"/overleg/{held.pk}/agenda.pdf").status_code == 404
    assert other.post(f"{base}reageren/{item.pk}/", {"text": "Hallo"}).status_code == 404
    assert other.post(base + "beoordelen/", {"decision": "approve"}).status_code == 404
    assert not MinutesComment.objects.exists()


def test_anonymous_is_sent_to_login(people, held, client):
    _published(people, held)
    for url in (f"/overleg/{held.pk}/notulen/", f"/overleg/{held.pk}/notulen.pdf", f"/overleg/{held.pk}/agenda.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/"), url


def test_members_do_not_see_minutes_before_publication(people, clients, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Concepttekst."))
    base = f"/overleg/{held.pk}/notulen/"
    for name in ("present", "member", "absent"):
        assert clients[name].get(base).status_code == 404
        assert clients[name].get(f"/overleg/{held.pk}/notulen.pdf").status_code == 404
        assert clients[name].get(base + "versies/").status_code == 404
    # The meeting page says they are coming, without a link.
    page = clients["member"].get(held.url).text
    assert "De notulen worden voorbereid." in page and base not in page
    assert clients["chair"].get(base).status_code == 200


def test_only_the_secretariat_writes_starts_publishes_and_adopts(people, clients, held, next_meeting):
    base = f"/overleg/{held.pk}/notulen/"
    for name in ("chair", "present", "member"):
        assert clients[name].post(base + "starten/").status_code == 404
    assert not Minutes.objects.exists()
    with pytest.raises(PermissionDenied):
        services.minutes_start(user=people["chair"], meeting=held)

    minutes = services.minutes_start(user=people["secretariat"], meeting=held)
    item = minutes.items.first()
    for name in ("chair", "present"):
        client = clients[name]
        assert client.get(base + "bewerken/").status_code == 404
        assert client.post(base + "bewerken/", {f"text-{item.pk}": "Van mij."}).status_code == 404
        assert client.post(base + "voorleggen/").status_code == 404
        assert client.post(base + "publiceren/", {"comment_days": "14"}).status_code == 404
        assert client.post(base + "vaststellen/", {"adopted_at_meeting": next_meeting.pk}).status_code == 404
    item.refresh_from_db()
    assert item.text == ""
    with pytest.raises(PermissionDenied):
        services.minutes_save(user=people["chair"], minutes=minutes, texts={item.pk: "Van mij."})
    with pytest.raises(PermissionDenied):
        services.minutes_publish(user=people["chair"], minutes=minutes)
    assert minutes.versions.count() == 1


def test_only_the_chair_reviews(people, clients, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    base = f"/overleg/{held.pk}/notulen/"
    # The secretariat reads the minutes but has no review form, and cannot decide for the chair.
    assert 'action="' + base + 'beoordelen/"' not in clients["secretariat"].get(base).text
    response = clients["secretariat"].post(base + "beoordelen/", {"decision": "approve"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.minutes_chair_decide(user=secretariat, minutes=minutes, approve=True)
    with pytest.raises(PermissionDenied):
        services.minutes_chair_decide(user=people["present"], minutes=minutes, approve=True)
    assert _status(minutes) == Minutes.Status.CHAIR_REVIEW
    # The chair decides once: afterwards there is nothing to review.
    services.minutes_chair_decide(user=people["chair"], minutes=minutes, approve=True)
    with pytest.raises(PermissionDenied):
        services.minutes_chair_decide(user=people["chair"], minutes=minutes, approve=False, comment="Toch niet.")
    assert clients["chair"].post(base + "beoordelen/", {"decision": "changes", "comment": "x"}).status_code == 404


def test_publishing_needs_the_chairs_approval_when_the_chair_has_an_account(people, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    with pytest.raises(ValidationError, match="Schrijf eerst het verslag"):
        services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    with pytest.raises(ValidationError, match="Leg de notulen eerst voor aan de voorzitter."):
        services.minutes_publish(user=secretariat, minutes=minutes)
    services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    with pytest.raises(ValidationError, match="liggen nog bij de voorzitter"):
        services.minutes_publish(user=secretariat, minutes=minutes)
    services.minutes_chair_decide(user=people["chair"], minutes=minutes, approve=True)
    # A change after the approval makes it lapse: the chair must look again.
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Andere tekst."))
    assert not services.chair_has_approved(minutes)
    with pytest.raises(ValidationError, match="Leg de notulen eerst voor"):
        services.minutes_publish(user=secretariat, minutes=minutes)
    # Saving without a change writes no version and keeps an approval.
    services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    services.minutes_chair_decide(user=people["chair"], minutes=minutes, approve=True)
    count = minutes.versions.count()
    assert services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Andere tekst.")) is None
    assert minutes.versions.count() == count and services.chair_has_approved(minutes)
    services.minutes_publish(user=secretariat, minutes=minutes)
    assert _status(minutes) == Minutes.Status.PUBLISHED
    with pytest.raises(ValidationError, match="past u aan na de reactietermijn"):
        services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Nog anders."))


def test_without_a_chair_account_the_secretariat_publishes_directly(people, reference_data):
    page = meeting("KEN", starts_in_days=-3)
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=page)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    with pytest.raises(ValidationError, match="geen voorzitter met een account"):
        services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    # Nobody was marked present: publishing needs the secretariat to confirm it goes on anyway.
    services.minutes_publish(user=secretariat, minutes=minutes, comment_days=7, nobody_present_confirmed=True)
    assert _status(minutes) == Minutes.Status.PUBLISHED


def test_minutes_start_checks(people, reference_data):
    secretariat = people["secretariat"]
    with pytest.raises(ValidationError, match="tijdens of na het overleg"):
        services.minutes_start(user=secretariat, meeting=meeting("KEN", starts_in_days=10))
    with pytest.raises(ValidationError, match="geen agendapunten"):
        services.minutes_start(user=secretariat, meeting=meeting("KEN", starts_in_days=-1, items=0))
    page = meeting("KEN", starts_in_days=-1)
    services.minutes_start(user=secretariat, meeting=page)
    with pytest.raises(ValidationError, match="Er zijn al notulen"):
        services.minutes_start(user=secretariat, meeting=page)


def test_comment_period_days_are_checked(people, clients, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(user=secretariat, minutes=minutes, texts=_texts(minutes, "Tekst."))
    services.minutes_submit_to_chair(user=secretariat, minutes=minutes)
    services.minutes_chair_decide(user=people["chair"], minutes=minutes, approve=True)
    base = f"/overleg/{held.pk}/notulen/"
    for value, message in (("0", "Kies minstens 1 dag."), ("61", "Kies hoogstens 60 dagen."), ("x", "heel aantal")):
        response = clients["secretariat"].post(base + "publiceren/", {"comment_days": value})
        assert response.status_code == 400 and message in response.text
    with pytest.raises(ValidationError, match="reactietermijn van 1 tot en met 60 dagen"):
        services.minutes_publish(user=secretariat, minutes=minutes, comment_days=0)
    assert _status(minutes) == Minutes.Status.CONCEPT


# --- Comments ---------------------------------------------------------------------------------------------


def test_a_member_who_was_not_present_cannot_comment(people, clients, held):
    minutes = _published(people, held)
    item = minutes.items.first()
    base = f"/overleg/{held.pk}/notulen/"
    for name in ("absent", "member"):
        page = clients[name].get(base)
        assert page.status_code == 200 and "reageren/" not in page.text
        response = clients[name].post(f"{base}reageren/{item.pk}/", {"text": "Mag ik ook?"})
        assert response.status_code == 400
        assert "Alleen wie bij het overleg aanwezig was" in response.text
        with pytest.raises(ValidationError, match="Alleen wie bij het overleg aanwezig was"):
            services.minutes_comment_add(user=people[name], minutes=minutes, item_id=item.pk, text="Mag ik ook?")
    assert not MinutesComment.objects.exists()


def test_a_comment_after_the_period_is_refused_in_dutch_and_the_text_is_kept(people, clients, held):
    minutes = _published(people, held)
    item = minutes.items.first()
    _close_period(minutes)
    before = (minutes.status, minutes.comments_until, minutes.versions.count())
    response = clients["present"].post(
        f"/overleg/{held.pk}/notulen/reageren/{item.pk}/", {"text": "Mijn late opmerking over punt 1."}
    )
    assert response.status_code == 400
    assert "De reactietermijn is gesloten op" in response.text
    assert "uw reactie is niet opgeslagen" in response.text
    assert "Mijn late opmerking over punt 1." in response.text  # nothing lost: the text is shown again
    assert not MinutesComment.objects.exists()
    minutes.refresh_from_db()
    assert (minutes.status, minutes.comments_until, minutes.versions.count()) == before
    with pytest.raises(ValidationError, match="De reactietermijn is gesloten"):
        services.minutes_comment_add(user=people["present"], minutes=minutes, item_id=item.pk, text="Toch?")


def test_comment_checks(people, clients, held):
    minutes = _published(people, held)
    item = minutes.items.first()
    other = meeting("KEN", starts_in_days=-20)
    other_minutes = services.minutes_start(user=people["secretariat"], meeting=other)
    base = f"/overleg/{held.pk}/notulen/"
    response = clients["present"].post(f"{base}reageren/{item.pk}/", {"text": "   "})
    assert response.status_code == 400 and not MinutesComment.objects.exists()
    response = clients["present"].post(f"{base}reageren/{other_minutes.items.first().pk}/", {"text": "Hier?"})
    assert response.status_code == 400 and "hoort niet bij deze notulen" in response.text
    response = clients["present"].post(f"{base}reageren/{item.pk}/", {"text": "x" * 2001})
    assert response.status_code == 400
    assert not MinutesComment.objects.exists()
    # Not before publication, and not after adoption.
    with pytest.raises(PermissionDenied):
        services.minutes_comment_add(
            user=people["present"], minutes=other_minutes, item_id=other_minutes.items.first().pk, text="Vroeg"
        )


# --- Adoption ---------------------------------------------------------------------------------------------


def test_adoption_needs_a_later_meeting_of_the_same_platform_after_the_period(people, clients, held, next_meeting):
    minutes = _published(people, held)
    secretariat = people["secretariat"]
    earlier = meeting("KEN", starts_in_days=-100)
    elsewhere = meeting("NHN", starts_in_days=80)
    with pytest.raises(ValidationError, match="De reactietermijn loopt nog tot"):
        services.minutes_adopt(user=secretariat, minutes=minutes, adopted_at_meeting=next_meeting)
    page = clients["secretariat"].get(f"/overleg/{held.pk}/notulen/").text
    assert "De reactietermijn loopt tot" in page and "vaststellen/" not in page
    _close_period(minutes)
    for wrong in (earlier, elsewhere, held):
        with pytest.raises(ValidationError, match="Kies een later overleg van hetzelfde platform dat al is gehouden."):
            services.minutes_adopt(user=secretariat, minutes=minutes, adopted_at_meeting=wrong)
    response = clients["secretariat"].post(
        f"/overleg/{held.pk}/notulen/vaststellen/", {"adopted_at_meeting": earlier.pk}
    )
    assert (
        response.status_code == 400
        and "Kies een later overleg van hetzelfde platform dat al is gehouden." in response.text
    )
    page = clients["secretariat"].get(f"/overleg/{held.pk}/notulen/").text
    assert f'<option value="{next_meeting.pk}"' in page and f'<option value="{earlier.pk}"' not in page
    assert _status(minutes) == Minutes.Status.PUBLISHED
    services.minutes_adopt(user=secretariat, minutes=minutes, adopted_at_meeting=next_meeting)
    with pytest.raises(ValidationError, match="al vastgesteld"):
        services.minutes_adopt(user=secretariat, minutes=minutes, adopted_at_meeting=next_meeting)
    with pytest.raises(ValidationError, match="Reageren kan alleen"):
        services.minutes_comment_add(
            user=people["present"], minutes=minutes, item_id=minutes.items.first().pk, text="Te laat"
        )


# --- Versions ---------------------------------------------------------------------------------------------


def test_version_compare_shows_changed_lines(people, clients, held):
    secretariat = people["secretariat"]
    minutes = services.minutes_start(user=secretariat, meeting=held)
    services.minutes_save(
        user=secretariat, minutes=minutes, texts=_texts(minutes, "Eerste regel.\n\nOude zin.\n\nLaatste regel.")
    )
    services.minutes_save(
        user=secretariat, minutes=minutes, texts=_texts(minutes, "Eerste regel.\n\nNieuwe zin.\n\nLaatste regel.")
    )
    response = clients["secretariat"].get(f"/overleg/{held.pk}/notulen/versies/?a=2&b=3")
    assert response.status_code == 200
    html = response.text
    assert re.search(r"<del><span class=\"visually-hidden\">Verwijderd: </span>Oude zin\.</del>", html)
    assert re.search(r"<ins><span class=\"visually-hidden\">Toegevoegd: </span>Nieuwe zin\.</ins>", html)
    assert '<del><span class="visually-hidden">Verwijderd: </span>Eerste regel.' not in html
    assert "style=" not in html.split('<main id="inhoud"')[1] and "<script>" not in html.split("<main")[1]
    # Reversed numbers compare the same way; unknown numbers get a Dutch message.
    assert "Nieuwe zin." in clients["secretariat"].get(f"/overleg/{held.pk}/notulen/versies/?a=3&b=2").text
    response = clients["secretariat"].get(f"/overleg/{held.pk}/notulen/versies/?a=1&b=99")
    assert response.status_code == 400 and "Kies twee versies uit de lijst." in response.text
    response = clients["secretariat"].get(f"/overleg/{held.pk}/notulen/versies/?a=x")
    assert response.status_code == 400
    # Without numbers: the last two.
    assert "Nieuwe zin." in clients["secretariat"].get(f"/overleg/{held.pk}/notulen/versies/").text


def test_version_compare_function_per_item():
    old = MinutesVersion(snapshot={"items": [{"title": "A", "text": "<p>een</p><p>twee</p>"}], "status": "concept"})
    new = MinutesVersion(
        snapshot={"items": [{"title": "A", "text": "<p>een</p><p>drie</p><ul><li>vier</li></ul>"}], "status": "x"}
    )
    (diff,) = version_compare(old=old, new=new)
    assert diff.changed
    assert [(r.kind, r.old, r.new) for r in diff.rows] == [
        ("equal", "een", "een"),
        ("replace", "twee", "drie"),
        ("insert", "", "- vier"),
    ]


def test_members_compare_only_published_versions(people, clients, held, next_meeting):
    minutes = _published(people, held)
    _close_period(minutes)
    services.minutes_adopt(user=people["secretariat"], minutes=minutes, adopted_at_meeting=next_meeting)
    published, adopted = minutes.versions.order_by("-number").values_list("number", flat=True)[:2][::-1]
    member = clients["member"]
    base = f"/overleg/{held.pk}/notulen/versies/"
    assert member.get(f"{base}?a={published}&b={adopted}").status_code == 200
    response = member.get(f"{base}?a=1&b={adopted}")
    assert response.status_code == 400 and "Kies twee versies" in response.text
    assert clients["chair"].get(f"{base}?a=1&b={adopted}").status_code == 200


# --- PDFs -------------------------------------------------------------------------------------------------


def test_agenda_pdf_for_members_in_house_style(people, clients, held):
    item = held.agenda_items.order_by("sort_order").first()
    Decision.objects.create(meeting=held, agenda_item=item, text="Het platform stemt in met de brief.")
    ActionItem.objects.create(
        meeting=held,
        agenda_item=item,
        description="Stuurt de brief naar de eigenaren.",
        owner_contact=people["present"].contact,
    )
    response = clients["member"].get(f"/overleg/{held.pk}/agenda.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    text = pdf_strings(response.content)
    assert "Overleg Zoë en Reneé" in text  # Dutch characters print as they are
    assert "VEILIG BUITENGEBIED" in text and "Platform Kennemerland" in text
    assert "1." in text and "Agendapunt 1" in text and "15 min." in text and "Bespreken" in text
    assert "Het platform stemt in met de brief." in text and "Stuurt de brief naar de eigenaren." in text
    assert clients["secretariat"].get(f"/overleg/{held.pk}/agenda.pdf").status_code == 200
    assert clients["other_district"].get(f"/overleg/{held.pk}/agenda.pdf").status_code == 404


def test_minutes_pdf_says_concept_until_adopted(people, clients, held, next_meeting):
    minutes = _published(people, held)
    response = clients["member"].get(f"/overleg/{held.pk}/notulen.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_strings(response.content)
    assert "Overleg Zoë en Reneé" in text and "CONCEPT" in text and "Tweede alinea." in text
    assert str(people["present"].contact) in text  # the attendance list
    assert clients["other_district"].get(f"/overleg/{held.pk}/notulen.pdf").status_code == 404

    _close_period(minutes)
    services.minutes_adopt(user=people["secretariat"], minutes=minutes, adopted_at_meeting=next_meeting)
    text = pdf_strings(clients["member"].get(f"/overleg/{held.pk}/notulen.pdf").content)
    assert "CONCEPT" not in text and "Vastgesteld in het overleg van" in text


def test_pdf_text_keeps_dutch_and_replaces_the_rest():
    assert pdf_text("Reünie in ’s-Hertogenbosch – café € 5") == "Reünie in ’s-Hertogenbosch – café € 5"
    assert pdf_text("Łódź → Zoë\u200b\x07") == "Lódz -> Zoë"
    assert pdf_text("😀") == "?"


# --- Pages and query counts -------------------------------------------------------------------------------


def test_meeting_page_section_links_to_minutes_and_pdfs(people, clients, held):
    _published(people, held)
    page = clients["member"].get(held.url).text
    assert 'id="notulen"' in page
    assert f'href="/overleg/{held.pk}/notulen/"' in page
    assert f'href="/overleg/{held.pk}/notulen.pdf"' in page and f'href="/overleg/{held.pk}/agenda.pdf"' in page
    assert "Concept-notulen gepubliceerd" in page


def _minutes_with(people, *, items: int) -> MeetingPage:
    page = meeting("KEN", starts_in_days=-7, items=items, chair=people["chair"].contact)
    Attendance.objects.create(meeting=page, contact=people["present"].contact, present=True)
    for agenda_item in page.agenda_items.all():
        Decision.objects.create(meeting=page, agenda_item=agenda_item, text="Besloten.")
        ActionItem.objects.create(
            meeting=page,
            agenda_item=agenda_item,
            description="Doet iets.",
            owner_contact=people["member"].contact,
        )
    minutes = _published(people, page)
    for item in minutes.items.all():
        for _n in range(2):
            services.minutes_comment_add(user=people["present"], minutes=minutes, item_id=item.pk, text="Reactie.")
    return page


@pytest.mark.parametrize("who", ["present", "secretariat", "chair"])
def test_minutes_page_query_count_does_not_grow_with_items(people, clients, who):
    small, large = _minutes_with(people, items=3), _minutes_with(people, items=12)
    counts = []
    for page in (small, large):
        clients[who].get(f"/overleg/{page.pk}/notulen/")  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            response = clients[who].get(f"/overleg/{page.pk}/notulen/")
        assert response.status_code == 200
        assert response.text.count("data-comment=") == 2 * page.agenda_items.count()
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# --- Demo -------------------------------------------------------------------------------------------------


def test_minutes_demo_adopts_minutes_for_a_past_meeting(people, held):
    later = meeting("KEN", starts_in_days=-1, title="Het overleg daarna")
    minutes = minutes_demo(held, rng=random.Random(3))
    assert minutes.status == Minutes.Status.ADOPTED and minutes.adopted_at_meeting == later
    assert all(item.text.startswith(("<p>", "<h2>", "<ul>")) for item in minutes.items.all())
    versions = list(minutes.versions.order_by("number"))
    assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    assert versions[-1].status == "adopted" and versions[0].snapshot["event"] == "started"
    assert MeetingPage.objects.get(pk=held.pk).status == MeetingPage.Status.MINUTES_ADOPTED
    # Idempotent, and nothing for a meeting still to come.
    assert minutes_demo(held, rng=random.Random(3)) is None
    assert minutes_demo(meeting("KEN", starts_in_days=5), rng=random.Random(3)) is None
    # What the demo made shows like the real thing.
    client = Client()
    client.force_login(people["member"])
    assert client.get(f"/overleg/{held.pk}/notulen/").status_code == 200
    assert client.get(f"/overleg/{held.pk}/notulen.pdf").content.startswith(b"%PDF")
