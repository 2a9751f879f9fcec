"""Digests, unsubscribe links, the preferences page and the events the apps raise."""

import datetime

import pytest
from django.core.management import call_command

from core.roles import Role
from notifications.mail import digests_send, unsubscribe_token
from notifications.models import Delivery, Notification, Preference, SentMail
from notifications.services import notify
from stakeholders.models import District, Membership, Theme
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


def _digest_user(make_user, district="KEN"):
    user = make_user(Role.PARTNER, district=district)
    Preference.objects.create(user=user, event="meetings.agenda_published", delivery=Delivery.DAILY)
    Preference.objects.create(user=user, event="announcement", delivery=Delivery.DAILY)
    return user


# --- Digests ---------------------------------------------------------------------------------------


def test_a_digest_with_nothing_to_send_sends_no_mail(make_user, mailoutbox):
    _digest_user(make_user)
    assert digests_send(frequency=Delivery.DAILY) == {"sent": 0, "failed": 0}
    call_command("send_digests", "--frequency", "all")
    assert mailoutbox == [] and not SentMail.objects.exists()


def test_the_digest_groups_by_district_and_type_and_goes_once(make_user, mailoutbox):
    user = _digest_user(make_user)
    ken = District.objects.get(code="KEN")
    for title in ("Overleg maart", "Overleg juni"):
        notify(
            recipients=[user],
            kind="meetings.agenda_published",
            title=f"Agenda: {title}",
            subject=meeting("KEN", title=title),
            district_id=ken.pk,
        )
    notify(recipients=[user], kind="announcement", title="Nieuwe folder <b>drugsafval</b>")
    assert digests_send(frequency=Delivery.DAILY)["sent"] == 1
    [mail] = mailoutbox
    assert "3 nieuwe meldingen" in mail.subject
    body = mail.body
    assert body.index("== Algemeen ==") < body.index("== Kennemerland ==") < body.index("Agenda: Overleg maart")
    assert "Agenda gepubliceerd" in body and "Nieuwe folder <b>drugsafval</b>" in body
    html = mail.alternatives[0][0]
    assert "Nieuwe folder &lt;b&gt;drugsafval&lt;/b&gt;" in html and "<b>drugsafval" not in html
    assert "/meldingen/afmelden/" in html
    assert SentMail.objects.get().notifications.count() == 3
    assert digests_send(frequency=Delivery.DAILY)["sent"] == 0 and len(mailoutbox) == 1


def test_read_notifications_are_left_out_of_the_digest(client, make_user, mailoutbox):
    user = _digest_user(make_user)
    notify(recipients=[user], kind="announcement", title="Al gelezen")
    client.force_login(user)
    client.post("/meldingen/gelezen/")
    digests_send(frequency=Delivery.DAILY)
    assert mailoutbox == []


def test_a_user_removed_from_the_district_before_the_digest_gets_nothing_of_it(make_user, mailoutbox):
    user = _digest_user(make_user)
    page = meeting("KEN", title="Overleg met gevoelige agenda")
    notify(recipients=[user], kind="meetings.agenda_published", title="Agenda: gevoelig", subject=page)
    Membership.objects.filter(organisation__affiliations__contact=user.contact).update(
        until=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert digests_send(frequency=Delivery.DAILY)["sent"] == 0
    assert mailoutbox == []


def test_a_failing_mail_server_keeps_the_items_for_the_next_digest(make_user, mailoutbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    user = _digest_user(make_user)
    notify(recipients=[user], kind="announcement", title="Niet verloren")

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert digests_send(frequency=Delivery.DAILY) == {"sent": 0, "failed": 1}
    assert SentMail.objects.get().error.startswith("ConnectionRefusedError")
    monkeypatch.undo()
    assert digests_send(frequency=Delivery.DAILY)["sent"] == 1
    assert "Niet verloren" in mailoutbox[0].body


# --- Unsubscribe -----------------------------------------------------------------------------------


def test_unsubscribe_asks_first_then_stops_mail_for_that_category_only(client, make_user):
    user = make_user(Role.PARTNER)
    url = f"/meldingen/afmelden/{unsubscribe_token(user, 'actions')}/"
    response = client.get(url)
    assert response.status_code == 200 and "Actiepunten" in response.text
    assert not Preference.objects.filter(user=user).exists()  # a link checker's GET changes nothing
    assert "geen e-mail meer" in client.post(url).text
    [n] = notify(recipients=[user], kind="actions.assigned", title="x")
    assert n.delivery == Delivery.PORTAL
    [n] = notify(recipients=[user], kind="meetings.minutes_published", title="y")
    assert n.delivery == Delivery.IMMEDIATE


def test_one_click_unsubscribe_from_the_mail_client(client, make_user):
    user = make_user(Role.PARTNER)
    Preference.objects.create(user=user, event="meetings.minutes_adopted", delivery=Delivery.WEEKLY)
    url = f"/meldingen/afmelden/{unsubscribe_token(user, 'meetings')}/"
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Preference.objects.get(user=user, event="meetings.minutes_adopted").delivery == Delivery.PORTAL


@pytest.mark.parametrize("token", ["onzin", "eyJ1IjoxLCJjIjoiYWN0aW9ucyJ9:1abc:def"])
def test_a_forged_or_broken_unsubscribe_token_is_404(client, token):
    assert client.get(f"/meldingen/afmelden/{token}/").status_code == 404
    assert client.post(f"/meldingen/afmelden/{token}/").status_code == 404


# --- The preferences page --------------------------------------------------------------------------


def test_preferences_page_saves_choices_and_follows(client, make_user):
    user = make_user(Role.PARTNER)
    theme = Theme.objects.get(code="drugsafval")
    client.force_login(user)
    page = client.get("/meldingen/voorkeuren/")
    assert "Agenda gepubliceerd" in page.text and "Doorverwijzing aan u toegewezen" not in page.text
    assert theme.name in page.text
    response = client.post(
        "/meldingen/voorkeuren/",
        {"event__meetings.agenda_published": "weekly", f"theme__{theme.pk}": "daily"},
        follow=True,
    )
    assert "opgeslagen" in response.text
    assert Preference.objects.get(user=user, event="meetings.agenda_published").delivery == "weekly"
    assert Preference.objects.get(user=user, event="knowledge.new_page", theme=theme).delivery == "daily"
    client.post("/meldingen/voorkeuren/", {f"theme__{theme.pk}": ""})
    assert not Preference.objects.filter(user=user, event="knowledge.new_page").exists()


def test_preferences_page_refuses_bad_values_and_keeps_what_was_stored(client, make_user):
    coach = make_user(Role.COACH, district=None)
    Preference.objects.create(user=coach, event="referrals.assigned", delivery=Delivery.DAILY)
    client.force_login(coach)
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.accounts.factories import confirmed_totp_device

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(coach).persistent_id
    session.save()
    response = client.post("/meldingen/voorkeuren/", {"event__referrals.assigned": "off"})
    assert response.status_code == 200 and "Selecteer een geldige keuze" in response.text
    response = client.post("/meldingen/voorkeuren/", {"event__referrals.assigned": "sms"})
    assert response.status_code == 200
    assert Preference.objects.get(user=coach).delivery == Delivery.DAILY


def test_preferences_page_needs_login(client):
    response = client.get("/meldingen/voorkeuren/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]


# --- Events raised by the apps ---------------------------------------------------------------------


def test_a_follower_hears_of_a_new_page_in_their_theme_but_not_of_another_districts_page(make_user):
    theme = Theme.objects.get(code="drugsafval")
    ken, nhn = make_user(Role.PARTNER, district="KEN"), make_user(Role.PARTNER, district="NHN")
    for user in (ken, nhn):
        Preference.objects.create(user=user, event="knowledge.new_page", theme=theme, delivery=Delivery.DAILY)
    page = article("Drugsafval in de sloot", themes=("drugsafval",), visibility="districts", districts=("KEN",))
    page.save_revision().publish()
    assert list(Notification.objects.filter(kind="knowledge.new_page").values_list("recipient_id", flat=True)) == [
        ken.pk
    ]
    page.save_revision().publish()  # published again: nobody hears twice
    assert Notification.objects.filter(kind="knowledge.new_page").count() == 1
    other = article("Hennep in de schuur", themes=("hennep",))
    other.save_revision().publish()
    assert Notification.objects.filter(kind="knowledge.new_page").count() == 1


def test_action_item_owner_is_told_and_reminded_once(make_user):
    from meetings.services.actions import action_item_add
    from meetings.services.reminders import action_item_reminders_send

    owner = make_user(Role.PARTNER, district="KEN")
    secretariat = make_user(Role.SECRETARIAT, district=None)
    page = meeting("KEN")
    item = action_item_add(
        user=secretariat,
        meeting=page,
        description="Folder drugsafval verspreiden",
        owner_contact=owner.contact,
        due_date=datetime.date.today() + datetime.timedelta(days=2),
    )
    assert Notification.objects.filter(recipient=owner, kind="actions.assigned").count() == 1
    assert action_item_reminders_send() == 1
    assert action_item_reminders_send() == 0
    assert action_item_reminders_send(today=item.due_date + datetime.timedelta(days=1)) == 1
    assert set(Notification.objects.filter(recipient=owner).values_list("kind", flat=True)) == {
        "actions.assigned",
        "actions.due_soon",
        "actions.overdue",
    }


def test_meeting_reminder_the_day_after_tomorrow_except_for_who_declined(make_user):
    from django.utils import timezone

    from meetings.models import Invitation
    from meetings.services.reminders import meeting_reminders_send

    coming, declined = make_user(Role.PARTNER, district="KEN"), make_user(Role.PARTNER, district="KEN")
    now = timezone.now()
    page = meeting("KEN", starts_in_days=2)
    Invitation.objects.create(meeting=page, contact=declined.contact, response=Invitation.Response.DECLINED)
    assert meeting_reminders_send(now=now) >= 1
    reminded = set(Notification.objects.filter(kind="meetings.reminder").values_list("recipient_id", flat=True))
    assert coming.pk in reminded and declined.pk not in reminded
    assert meeting_reminders_send(now=now) == 0


def test_the_referrer_hears_of_a_status_change_without_content(
    people, referral, mailoutbox, django_capture_on_commit_callbacks
):
    from referrals.services import coach_assign

    Preference.objects.create(user=people["aov"], event="referrals.status_changed", delivery=Delivery.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
    told = Notification.objects.get(recipient=people["aov"], kind="referrals.status_changed")
    coach_note = Notification.objects.get(recipient=people["coach"], kind="referrals.assigned")
    for notification in (told, coach_note):
        assert notification.body == ""
        for secret in ("Jan de Boer", "Polderweg", "06-12345678", "schulden"):
            assert secret not in notification.title
    assert {mail.to[0] for mail in mailoutbox} == {people["aov"].email, people["coach"].email}
    for mail in mailoutbox:
        for secret in ("Jan de Boer", "Polderweg", "06-12345678", "schulden", "jan@example.nl"):
            assert secret not in mail.subject + mail.body + mail.alternatives[0][0]


def test_the_secretariat_hears_when_a_representative_changes_the_profile(make_user):
    from stakeholders.models import Affiliation

    rep = make_user(Role.PARTNER, district="KEN")
    secretariat = make_user(Role.SECRETARIAT, district=None)
    affiliation = Affiliation.objects.get(contact=rep.contact)
    affiliation.is_representative = True
    affiliation.save()
    organisation = affiliation.organisation
    from stakeholders.forms import OrganisationProfileForm
    from stakeholders.services import organisation_update_profile

    form = OrganisationProfileForm(
        instance=organisation,
        data={"website": "https://nieuw.example.nl", "email": organisation.email, "phone": organisation.phone},
    )
    assert form.is_valid(), form.errors
    organisation_update_profile(user=rep, form=form)
    notification = Notification.objects.get(recipient=secretariat, kind="crm.organisation_changed")
    assert organisation.name in notification.title and "Website" in notification.body
    assert not Notification.objects.filter(recipient=rep).exists()


# --- The mail log ----------------------------------------------------------------------------------


def test_the_secretariat_reads_the_mail_log_and_the_beheerder_does_not(
    client, make_user, login_with_mfa, django_capture_on_commit_callbacks
):
    user = make_user(Role.PARTNER)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], kind="actions.assigned", title="Actiepunt voor het log")
    assert SentMail.objects.filter(subject__contains="Actiepunt voor het log").exists()
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    listing = client.get("/beheer/snippets/notifications/sentmail/")
    assert listing.status_code == 200 and "Actiepunt voor het log" in listing.text
    client.logout()
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    response = client.get("/beheer/snippets/notifications/sentmail/")
    assert response.status_code == 404 and "Actiepunt voor het log" not in response.text


# --- Announcements -----------------------------------------------------------------------------------


def test_the_secretariat_announces_to_one_platform(client, make_user, login_with_mfa):
    ken, nhn = make_user(Role.PARTNER, district="KEN"), make_user(Role.PARTNER, district="NHN")
    secretariat = make_user(Role.SECRETARIAT, district=None)
    login_with_mfa(client, secretariat)
    assert "Mededeling versturen" in client.get("/meldingen/").text
    response = client.post(
        "/meldingen/mededeling/",
        {
            "district": District.objects.get(code="KEN").pk,
            "title": "Overleg <i>verplaatst</i>",
            "body": "Nu in Haarlem",
            "url": "/overleg/",
        },
        follow=True,
    )
    assert "verstuurd aan 1 personen" in response.text
    [n] = Notification.objects.filter(kind="announcement")
    assert n.recipient == ken and n.title == "Overleg verplaatst" and n.body == "Nu in Haarlem"
    assert not Notification.objects.filter(recipient=nhn).exists()


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/a b"])
def test_an_announcement_link_must_stay_in_the_portal(client, make_user, login_with_mfa, url):
    login_with_mfa(client, make_user(Role.SECRETARIAT, district=None))
    response = client.post("/meldingen/mededeling/", {"title": "Let op", "url": url})
    assert response.status_code == 200 and "met / beginnen" in response.text
    assert not Notification.objects.exists()


def test_partners_cannot_announce(client, make_user):
    client.force_login(make_user(Role.PARTNER))
    assert client.get("/meldingen/mededeling/").status_code == 404
    assert client.post("/meldingen/mededeling/", {"title": "x"}).status_code == 404
    assert "Mededeling versturen" not in client.get("/meldingen/").text
