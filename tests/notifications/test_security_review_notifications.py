"""Security review of the notifications capability (commit 11fe395): each test pins one leak that was found."""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from core.roles import GROUP_NAMES, Role
from notifications.models import Notification, SentMail
from notifications.services import announcement_send, notify
from stakeholders.models import District
from tests.meetings.factories import meeting

# --- A district announcement is district-only content ------------------------------------------------


@pytest.mark.django_db
def test_a_coach_who_is_no_longer_a_partner_stops_seeing_a_district_announcement(client, make_user, login_with_mfa):
    """Design 3: district-only content is for Partners and AOVs of the platform; a coach who still works at
    a member organisation does not get it through that job (as with district pages and meetings)."""
    user = make_user(Role.PARTNER, Role.COACH, district="KEN")
    secretariat = make_user(Role.SECRETARIAT, district=None)
    announcement_send(
        user=secretariat,
        title="Platform Kennemerland: inval gepland",
        body="Alleen voor de leden",
        district=District.objects.get(code="KEN"),
    )
    login_with_mfa(client, user)
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 1}
    user.groups.remove(Group.objects.get(name=GROUP_NAMES[Role.PARTNER]))
    assert client.get("/meldingen/ongelezen/").json() == {"unread": 0}
    assert "inval gepland" not in client.get("/meldingen/").text


# --- The mail log: referrals are counts only for the secretariat --------------------------------------


@pytest.mark.django_db
def test_the_mail_log_does_not_tell_the_secretariat_who_was_told_about_a_referral(
    client, people, location, login_with_mfa, django_capture_on_commit_callbacks
):
    """Who got a referral mail, and when, is more than a count: the coach's assignment and the AOV's status
    change must not be readable in the secretariat's mail log (listing or inspect)."""
    from referrals.services import coach_assign, referral_create

    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_create(
            user=people["aov"], location=location, reason="Schulden", owner_consent=True, legal_basis="toestemming"
        )
        coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
        notify(recipients=[people["partner"]], kind="actions.assigned", title="Gewoon actiepunt voor het log")
    referral_mails = SentMail.objects.filter(to__in=[people["coach"].email, people["coordinator"].email])
    assert referral_mails.exists()
    login_with_mfa(client, people["secretariat"])
    listing = client.get("/beheer/snippets/notifications/sentmail/")
    assert listing.status_code == 200 and "Gewoon actiepunt voor het log" in listing.text
    assert people["coach"].email not in listing.text and "doorverwijzing" not in listing.text
    for mail in referral_mails:
        response = client.get(f"/beheer/snippets/notifications/sentmail/inspect/{mail.pk}/")
        assert response.status_code == 404
        for view in ("edit", "history", "usage"):
            response = client.get(f"/beheer/snippets/notifications/sentmail/{view}/{mail.pk}/")
            assert response.status_code != 200 or people["coach"].email not in response.text
    # Still hidden once the notifications it carried are purged (after a year).
    from notifications.models import Notification

    Notification.objects.filter(kind__startswith="referrals.").delete()
    assert people["coach"].email not in client.get("/beheer/snippets/notifications/sentmail/").text
    assert all(mail.confidential for mail in referral_mails)


# --- Reminders: two runs at once remind once ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_reminder_runs_at_the_same_time_remind_each_person_once(make_user):
    """The daily task started twice (two workers, or by hand while the scheduler runs): the second run
    must wait for the first and then find everyone reminded, not read "nobody reminded yet" and repeat."""
    from django.db import close_old_connections
    from django.utils import timezone

    from meetings.services.reminders import meeting_reminders_send

    make_user(Role.PARTNER, district="KEN")
    make_user(Role.PARTNER, district="KEN")
    meeting("KEN", starts_in_days=2)
    now = timezone.now()
    first_done = threading.Event()
    counts = {}

    def first():
        try:
            with transaction.atomic():
                counts["first"] = meeting_reminders_send(now=now)
                first_done.set()
                time.sleep(1.5)  # still uncommitted while the second run starts
        finally:
            first_done.set()
            close_old_connections()

    def second():
        try:
            first_done.wait(10)
            counts["second"] = meeting_reminders_send(now=now)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert counts["first"] >= 2 and counts["second"] == 0
    reminders = Notification.objects.filter(kind="meetings.reminder")
    assert reminders.count() == reminders.values("recipient_id").distinct().count()
