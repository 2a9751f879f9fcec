"""The `ws_broadcast` benches (issues #9 and #24): one notification to many open bells, through Redis.

The real ASGI app runs in a uvicorn subprocess on a free loopback port, on the bench database and a Redis
db of its own. Logged-in Partner users (no MFA) hold its websocket open from one asyncio loop here, and this
process calls `notify` for all of them, the way any capability does: `ws_broadcast` with an announcement,
`ws_broadcast_subject` with a meeting's published agenda (a subject whose visibility is decided per
recipient). Latency is the time from the broadcast (and from just before the notify call) to a client
receiving its `new` message."""

import asyncio
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from channels.layers import channel_layers
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils.module_loading import import_string

from accounts.models import User, UserSession
from accounts.services import session_register
from core.channel_layers import redis_channel_layer
from core.roles import GROUP_NAMES, Role
from meetings.models import DistrictPlatformPage, MeetingPage
from notifications import services
from notifications.models import Notification
from notifications.services import notify
from stakeholders.models import Affiliation, Contact, Membership, Organisation, PartnerType

BENCH_EMAIL = "ws-bench-{:03d}@bench.invalid"
BENCH_MEMBER_EMAIL = "ws-member-{:03d}@bench.invalid"  # ws_broadcast_subject's, on a district platform
BENCH_ORGANISATION = "Bench-organisatie (websockets)"
BENCH_MEETING_SLUG = "bench-websockets"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
# A Redis db of the bench's own, so it never meets other users of a shared Redis (WS_BENCH_REDIS_DB picks
# another where db 3 is taken). Pub/sub channels are not per db: the layer's prefix and the user ids are.
BENCH_REDIS_DB = int(os.environ.get("WS_BENCH_REDIS_DB", "3"))
DELIVERY_TIMEOUT = 10.0  # seconds after the notify call; later counts as lost
SERVER_START_TIMEOUT = 60.0
CONNECT_CONCURRENCY = 25  # websocket handshakes in flight at once


def ws_broadcast(name: str = "ws_broadcast", *, clients: int = 200, broadcasts: int = 10, warmup: int = 2) -> dict:
    """`clients` websockets receive `warmup + broadcasts` announcements; the timed ones give the figures."""
    return _measure(
        name,
        clients=clients,
        broadcasts=broadcasts,
        warmup=warmup,
        users=bench_users,
        notify_kwargs=lambda: {"kind": "announcement"},
    )


def ws_broadcast_subject(
    name: str = "ws_broadcast_subject", *, clients: int = 200, broadcasts: int = 10, warmup: int = 2
) -> dict:
    """As `ws_broadcast`, with a notification about a subject: a meeting's published agenda, to Partners of the
    meeting's platform who all may see it. Who may see the meeting is decided when it is sent; each socket
    forwards what reaches it."""
    meeting: list = []

    def users(count: int) -> list:
        members, page = bench_members(count)
        meeting.append(page)
        return members

    return _measure(
        name,
        clients=clients,
        broadcasts=broadcasts,
        warmup=warmup,
        users=users,
        notify_kwargs=lambda: {
            "kind": "meetings.agenda_published",
            "subject": meeting[0],
            "district_id": meeting[0].get_parent().specific.district_id,
        },
    )


def _measure(
    name: str,
    *,
    clients: int,
    broadcasts: int,
    warmup: int,
    users: Callable[[int], list],
    notify_kwargs: Callable[[], dict],
) -> dict:
    try:
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
    except ImportError:
        return {"name": name, "skipped": "needs uvicorn and websockets (requirements-dev.txt)"}
    redis_url = _bench_redis_url(getattr(settings, "REDIS_URL", "") or DEFAULT_REDIS_URL)
    problem = _redis_problem(redis_url)
    if problem:
        return {"name": name, "skipped": f"no Redis at {_redis_address(redis_url)}: {problem}"}
    database_url = _database_url()
    if database_url is None:
        return {"name": name, "skipped": f"the server subprocess cannot share a {connection.vendor} database"}

    listeners = users(clients)
    user_ids = [user.pk for user in listeners]
    extra = notify_kwargs()
    _forget(user_ids)  # leftovers of an interrupted run
    session_keys: list[str] = []
    layer = {"default": redis_channel_layer(redis_url)}  # as the server subprocess configures it
    try:
        _open_sessions(listeners, into=session_keys)
        with (
            _asgi_server(database_url=database_url, redis_url=redis_url) as port,
            override_settings(CHANNEL_LAYERS=layer),
        ):
            channel_layers.backends.clear()
            latencies, end_to_end, lost, store_durations = asyncio.run(
                _run_clients(
                    port=port,
                    session_keys=session_keys,
                    rounds=warmup + broadcasts,
                    timed_from=warmup,
                    broadcast=lambda title: _broadcast(user_ids, title, **extra),
                )
            )
    finally:
        channel_layers.backends.clear()
        _close_sessions(session_keys)
        _forget(user_ids)

    latencies.sort()
    end_to_end.sort()
    store_durations.sort()
    return {
        "name": name,
        "clients": clients,
        "broadcasts": broadcasts,
        "p50_ms": _ms(_percentile(latencies, 50)),
        "p95_ms": _ms(_percentile(latencies, 95)),
        "max_ms": _ms(latencies[-1] if latencies else None),
        "lost": lost,
        # The figures above run from the broadcast (the push through the layer, after commit) to each client.
        # From the notify call instead, storing the notifications and committing included:
        "store_ms": _ms(_percentile(store_durations, 50)),
        "end_to_end_p50_ms": _ms(_percentile(end_to_end, 50)),
        "end_to_end_p95_ms": _ms(_percentile(end_to_end, 95)),
        "layer": "redis pub/sub",
    }


# --- Setup: users, sessions, the server ------------------------------------------------------------------------


def bench_users(count: int, *, email: str = BENCH_EMAIL) -> list:
    """`count` active Partner users (no MFA), created once and reused by later runs."""
    from django.contrib.auth.models import Group

    emails = [email.format(number) for number in range(1, count + 1)]
    with transaction.atomic():
        partner, _created = Group.objects.get_or_create(name=GROUP_NAMES[Role.PARTNER])
        existing = {user.email: user for user in User.objects.filter(email__in=emails)}
        users = []
        for number, address in enumerate(emails, start=1):
            user = existing.get(address)
            if user is None:  # no password: nobody logs in with these accounts
                user = User.objects.create_user(address, first_name="Bench", last_name=f"Websocket {number:03d}")
            elif not user.is_active:
                user.is_active = True
                user.save(update_fields=["is_active"])
            users.append(user)
        partner.user_set.add(*users)
    return users


def bench_members(count: int) -> tuple[list, object]:
    """`count` Partner users (no MFA) working at one organisation on the first district's platform, and a
    (past) meeting of that platform; created once and reused, like `bench_users`."""
    import datetime

    from django.utils import timezone

    users = bench_users(count, email=BENCH_MEMBER_EMAIL)
    with transaction.atomic():
        platform = DistrictPlatformPage.objects.select_related("district").order_by("district__code").first()
        if platform is None:
            raise RuntimeError("No district platform page: run seed_reference_data first")
        organisation = Organisation.objects.filter(name=BENCH_ORGANISATION).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                name=BENCH_ORGANISATION, partner_type=PartnerType.objects.order_by("pk").first()
            )
        elif not organisation.is_active:
            organisation.is_active = True
            organisation.save(update_fields=["is_active"])
        if not Membership.objects.current().filter(organisation=organisation, district=platform.district).exists():
            Membership.objects.create(
                organisation=organisation, district=platform.district, since=datetime.date(2020, 1, 1)
            )
        working = set(
            Affiliation.objects.current().filter(organisation=organisation).values_list("contact_id", flat=True)
        )
        for user in users:
            if user.contact_id is None:
                user.contact = Contact.objects.create(first_name=user.first_name, last_name=user.last_name)
                User.objects.filter(pk=user.pk).update(contact=user.contact)
            if user.contact_id not in working:
                Affiliation.objects.create(
                    contact_id=user.contact_id, organisation=organisation, start_date=datetime.date(2020, 1, 1)
                )
        meeting = MeetingPage.objects.child_of(platform).filter(slug=BENCH_MEETING_SLUG).first()
        if meeting is None:
            # In the past, so the pages' own bench (the next meeting of a platform) never picks it.
            starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=365)
            meeting = MeetingPage(
                title="Bench-overleg (websockets)",
                slug=BENCH_MEETING_SLUG,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                location="Bench",
            )
            platform.add_child(instance=meeting)
        elif not meeting.live:
            meeting.save_revision().publish()
    return users, meeting


def _open_sessions(users: list, *, into: list[str]) -> None:
    """One logged-in session per user, stored where the server reads sessions (the shared database); their
    keys go `into` the list as they are made, so a failure half-way still has them cleaned up."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for user in users:
        store = store_class()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        into.append(store.session_key)
        session_register(user=user, session_key=store.session_key)


def _close_sessions(keys: list[str]) -> None:
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for key in keys:
        store_class(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()


def _forget(user_ids: list[int]) -> None:
    """Remove what the bench leaves: its users' notifications (the pub/sub layer stores nothing in Redis)."""
    Notification.objects.filter(recipient_id__in=user_ids).delete()


def _bench_redis_url(url: str) -> str:
    """The same Redis server, the bench's own db."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        return urlunsplit(parts._replace(path=f"/{BENCH_REDIS_DB}"))
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"] + [("db", str(BENCH_REDIS_DB))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _redis_address(url: str) -> str:
    """The URL without credentials, for messages."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _redis_problem(url: str) -> str | None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: no usable Redis, skip
        return f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
    return None


def _database_url() -> str | None:
    """This process's database as a DATABASE_URL for the server (the test database too, under pytest)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if db["NAME"] == ":memory:" or "mode=memory" in str(db["NAME"]):
            return None
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = quote(db.get("HOST") or "", safe="")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(db['NAME'], safe='')}"
    return None


@contextmanager
def _asgi_server(*, database_url: str, redis_url: str) -> Iterator[int]:
    """The real ASGI app under uvicorn in a subprocess on a free loopback port; always stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "vbg_platform.settings"),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "VBG_TESTING": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "vbg_platform.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ws",
        "websockets-sansio",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
            command, cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_listening(process, port, log)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_listening(process: subprocess.Popen, port: int, log) -> None:
    """uvicorn loads the app before it binds, so an accepted connection means the app is ready."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"The ASGI server exited with {process.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"The ASGI server did not listen on port {port} within {SERVER_START_TIMEOUT} s")
            time.sleep(0.1)


# --- The measurement --------------------------------------------------------------------------------------------


def _broadcast(user_ids: list[int], title: str, **notify_kwargs) -> tuple[float, float, float]:
    """The product path: notify everyone (an announcement, or about a subject); its pushes run when the
    transaction commits. Returns when the call started, when the broadcast through the layer started (after
    the rows are stored and committed) and when the call ended. The recipients are fresh instances each time,
    as a caller's are (no roles cached on them)."""
    recipients = list(User.objects.filter(pk__in=user_ids))
    pushed: list[float] = []
    push_many = services.push_many

    def timed_push_many(messages):
        pushed.append(time.perf_counter())
        return push_many(messages)

    services.push_many = timed_push_many  # a stopwatch around the real push, for this call only
    try:
        started = time.perf_counter()
        with transaction.atomic():
            notify(recipients=recipients, title=title, email=False, **notify_kwargs)
        finished = time.perf_counter()
    finally:
        services.push_many = push_many
    return started, pushed[0] if pushed else finished, finished


async def _run_clients(
    *,
    port: int,
    session_keys: list[str],
    rounds: int,
    timed_from: int,
    broadcast: Callable[[str], tuple[float, float, float]],
) -> tuple[list[float], list[float], int, list[float]]:
    """Connect every client, then broadcast `rounds` times, one after the other. Returns, for the rounds from
    `timed_from` on, the latencies (s) from the broadcast and from the notify call, the number of messages not
    received in time, and how long storing took before each broadcast."""
    from websockets.asyncio.client import connect

    uri = f"ws://127.0.0.1:{port}/ws/notifications/"
    origin = f"http://127.0.0.1:{port}"
    expected = len(session_keys)
    arrivals: dict[str, dict[int, float]] = {}
    all_arrived: dict[str, asyncio.Event] = {}
    handshakes = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_client(key: str):
        async with handshakes:
            websocket = await connect(
                uri,
                origin=origin,
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"},
                open_timeout=30,
                ping_interval=None,
            )
            first = json.loads(await asyncio.wait_for(websocket.recv(), timeout=30))
            if first.get("type") != "count":
                raise RuntimeError(f"Expected the unread count first, got {first!r}")
            return websocket

    async def read(index: int, websocket) -> None:
        async for raw in websocket:
            arrived = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") != "new":
                continue
            got = arrivals.setdefault(message["title"], {})
            got[index] = arrived
            if len(got) == expected:
                all_arrived.setdefault(message["title"], asyncio.Event()).set()

    sockets = await asyncio.gather(*(open_client(key) for key in session_keys))
    readers = [asyncio.create_task(read(index, websocket)) for index, websocket in enumerate(sockets)]
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    end_to_end: list[float] = []
    durations: list[float] = []
    lost = 0
    # One thread for every notify call: one database connection, closed at the end.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ws-bench-notify") as executor:
        try:
            for number in range(1, rounds + 1):
                title = f"Bench-mededeling {number}"
                done = all_arrived.setdefault(title, asyncio.Event())
                started, pushed, finished = await loop.run_in_executor(executor, broadcast, title)
                remaining = started + DELIVERY_TIMEOUT - time.perf_counter()
                try:
                    await asyncio.wait_for(done.wait(), timeout=max(remaining, 0))
                except TimeoutError:
                    pass
                got = dict(arrivals.get(title, {}))
                lost += expected - len(got)
                if number > timed_from:
                    latencies.extend(arrived - pushed for arrived in got.values())
                    end_to_end.extend(arrived - started for arrived in got.values())
                    durations.append(pushed - started)
        finally:
            await loop.run_in_executor(executor, connections.close_all)
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*(websocket.close() for websocket in sockets), return_exceptions=True)
            await asyncio.gather(*readers, return_exceptions=True)
    return latencies, end_to_end, lost, durations


def _percentile(sorted_values: list[float], percent: float) -> float | None:
    """Nearest rank, as vbg_platform.bench: always a measured value."""
    if not sorted_values:
        return None
    rank = max(math.ceil(percent / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
