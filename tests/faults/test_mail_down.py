"""Mail server down: the action succeeds, the notification stays unsent with an error line in the mail log,
huey keeps the mail task for a retry, and when the server is back the retry delivers it.

In-process (Django test settings, huey immediate) with the real SMTP backend pointed at a loopback port where
first nothing listens and then a tiny SMTP sink written here.
"""

import datetime
import socket
import socketserver
import threading
from email import message_from_bytes, policy

import pytest
from django.test import override_settings

from core.roles import Role

from .conftest import closed_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        envelope = {"from": "", "to": []}
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                envelope = {"from": command.split(":", 1)[1].strip(" <>"), "to": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.messages.append((envelope, message_from_bytes(b"".join(lines), policy=policy.default)))
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SMTPSink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.messages = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


@pytest.fixture
def smtp_port():
    port = closed_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the mail port should be closed at first"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=3,
    ):
        yield port


@pytest.fixture
def huey_queue():
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    yield HUEY
    HUEY.flush()


def _due_in_two_minutes(huey) -> list:
    """Take the tasks scheduled within two minutes off the schedule (what the consumer would run then)."""
    moment = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(minutes=2)
    # Huey's immediate mode puts a retried task on its schedule twice; one task it is.
    return list({task.id: task for task in huey.read_schedule(moment)}.values())


def test_mail_server_down_loses_nothing(make_user, smtp_port, huey_queue, django_capture_on_commit_callbacks):
    from notifications.models import Notification, SentMail
    from notifications.services import notify

    partner = make_user(Role.PARTNER)
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(recipients=[partner], kind="actions.assigned", title="Actiepunt: signalenkaart maken")
    assert notification.delivery == "immediate"

    # The action succeeded; the mail did not go, and that is on record.
    notification.refresh_from_db()
    assert notification.emailed_at is None
    failed = SentMail.objects.get(recipient=partner)
    assert failed.error.startswith("ConnectionRefusedError"), failed.error
    assert list(failed.notifications.all()) == [notification]

    # Huey keeps the task for a retry (retries=5, retry_delay=60).
    [retry] = _due_in_two_minutes(huey_queue)
    assert retry.name.endswith("send_notification_email") and retry.args == (notification.pk,)
    assert retry.retries == 4

    # The mail server comes back; the retry (run now instead of in a minute) delivers.
    with SMTPSink(smtp_port) as sink:
        huey_queue.execute(retry, timestamp=retry.eta)  # the moment the consumer would run it
    assert huey_queue.scheduled() == []
    [(envelope, message)] = sink.messages
    assert envelope["to"] == [partner.email]
    assert message["Subject"] == "Nieuwe melding: Actiepunt: signalenkaart maken"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert SentMail.objects.filter(recipient=partner, error="").count() == 1
    assert Notification.objects.filter(recipient=partner).count() == 1


def test_password_reset_with_the_mail_server_down_is_not_an_error_page(client, make_user, smtp_port, huey_queue):
    """The person sees the usual "sent" page; the reset mail waits in the queue for the mail server."""
    partner = make_user(Role.PARTNER)
    response = client.post("/account/wachtwoord-vergeten/", {"email": partner.email})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/account/wachtwoord-vergeten/verstuurd/"
    [retry] = _due_in_two_minutes(huey_queue)
    with SMTPSink(smtp_port) as sink:
        huey_queue.execute(retry, timestamp=retry.eta)  # the moment the consumer would run it
    [(envelope, message)] = sink.messages
    assert envelope["to"] == [partner.email]
    assert "/account/wachtwoord-herstellen/" in message.get_body(("plain",)).get_content()
