"""Throwaway PostgreSQL and Redis on their own ports, and the real ASGI app under uvicorn against them.

Never the machine's (or CI's) shared services: every instance here lives in a temporary directory, listens on
a free loopback port and is stopped at the end. The binaries must exist in CI (CI=true); elsewhere a missing
binary skips these tests.
"""

import http.cookiejar
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
UVICORN = ROOT / ".venv" / "bin" / "uvicorn"
PYTHON = sys.executable
PASSWORD = "Een-Goed-Wachtwoord-2026"


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} is missing: in CI the fault tests may not be skipped")
    pytest.skip(f"{what} is not installed here")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port nobody listens on (bound and released: connecting is refused at once)."""
    return free_port()


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except Exception as error:  # noqa: BLE001 - keep polling until the deadline
            last = error
        else:
            if result:
                return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last!r})")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def _unprivileged_prefix() -> tuple[list[str], str | None]:
    """initdb and postgres refuse to run as root: as root, run them as the postgres (or nobody) user."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], name
    pytest.skip("running as root without a postgres or nobody user to run PostgreSQL as")


@dataclass
class ThrowawayPostgres:
    directory: Path
    port: int
    prefix: list[str]
    log: Path = field(init=False)

    def __post_init__(self):
        self.log = self.directory / "postgres.log"

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "vbg") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30"]
        return subprocess.run([*command, "-o", options, *args], check=check, capture_output=True, text=True, timeout=60)

    def init(self) -> None:
        subprocess.run(
            [*self.prefix, str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast", check=False)

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def sql(self, statement: str, database: str = "vbg", params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="session")
def postgres():
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        _missing(f"PostgreSQL ({PG_BIN}/initdb)")
    prefix, owner = _unprivileged_prefix()
    directory = Path(tempfile.mkdtemp(prefix="vbg-faults-pg-"))
    if owner:
        account = pwd.getpwnam(owner)
        os.chown(directory, account.pw_uid, account.pw_gid)
    instance = ThrowawayPostgres(directory, free_port(), prefix)
    try:
        instance.init()
        instance.start()
        instance.sql("CREATE DATABASE vbg", database="postgres")
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- Redis ----------------------------------------------------------------------------------------------------


@dataclass
class ThrowawayRedis:
    directory: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        wait_for(lambda: _port_open(self.port), timeout=10, what="redis to listen")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@pytest.fixture(scope="session")
def redis_server():
    if not Path(REDIS_SERVER).exists():
        _missing("redis-server")
    directory = Path(tempfile.mkdtemp(prefix="vbg-faults-redis-"))
    instance = ThrowawayRedis(directory, free_port())
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def redis_running(redis_server):
    """Every test starts (and leaves) with Redis up, whatever the test before it did."""
    if not redis_server.running:
        redis_server.start()
    yield redis_server
    if not redis_server.running:
        redis_server.start()


# --- The app under uvicorn ------------------------------------------------------------------------------------


@dataclass
class App:
    base: str
    env: dict
    directory: Path
    process: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def shell(self, code: str, **env: str) -> str:
        """Python in a manage.py shell against the app's services; the last line of output is the answer."""
        saved, self.env = self.env, {**self.env, **env}
        try:
            return self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]
        finally:
            self.env = saved

    def log_tail(self, lines: int = 60) -> str:
        path = self.directory / "uvicorn.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _app_env(postgres: ThrowawayPostgres, redis: ThrowawayRedis, directory: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "VBG_", "HUEY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vbg_platform.settings",
        DEBUG="true",
        DATABASE_URL=postgres.url(),
        REDIS_URL=redis.url,
        # Nothing listens there: the search engine falls back to the database documents.
        ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}",
        EMAIL_URL=f"smtp://127.0.0.1:{closed_port()}",
        MEDIA_ROOT=str(directory / "media"),
        # As .env.example had it: persistent connections (used when the settings' connection pool is off).
        CONN_MAX_AGE="60",
        PYTHONUNBUFFERED="1",
    )
    return env


SET_UP = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable")
call_command("seed_reference_data", verbosity=0)
"""

CREATE_USERS = """
from core.roles import Role
from stakeholders.models import District
from tests.accounts.factories import UserFactory
from tests.stakeholders.factories import AffiliationFactory, MembershipFactory
district = District.objects.get(code="KEN")
partner = UserFactory(email="partner@faults.example", roles=[Role.PARTNER])
membership = MembershipFactory(district=district)
partner.contact = AffiliationFactory(organisation=membership.organisation).contact
partner.save(update_fields=["contact"])
UserFactory(email="secretariaat@faults.example", roles=[Role.SECRETARIAT])
print("users", partner.pk)
"""


@pytest.fixture(scope="session")
def app(postgres, redis_server):
    """The production ASGI app (dev settings) on a free port against the throwaway services."""
    if not UVICORN.exists():
        _missing(str(UVICORN))
    directory = Path(tempfile.mkdtemp(prefix="vbg-faults-app-"))
    port = free_port()
    instance = App(
        base=f"http://127.0.0.1:{port}", env=_app_env(postgres, redis_server, directory), directory=directory
    )
    # One process for the set-up (each manage.py start costs seconds): migrate, cache table, reference data, users.
    instance.shell(SET_UP + CREATE_USERS)
    log = open(directory / "uvicorn.log", "ab")  # noqa: SIM115 - owned by the process
    instance.process = subprocess.Popen(
        [str(UVICORN), "vbg_platform.asgi:application", "--ws", "websockets-sansio", "--lifespan", "off",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=instance.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    log.close()
    try:
        wait_for(lambda: _port_open(port), timeout=60, what="uvicorn to listen")
        yield instance
    finally:
        os.killpg(instance.process.pid, signal.SIGTERM)
        try:
            instance.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(instance.process.pid, signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)


# --- A small browser: urllib with a cookie jar ----------------------------------------------------------------


@dataclass
class Response:
    status: int
    text: str
    headers: Message  # case-insensitive, as HTTP header names are
    url: str

    def json(self):
        import json

        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies and CSRF like a person's browser; redirects are not followed (a 302 is the answer)."""

    def __init__(self, base: str, timeout: float = 10):
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf_token()}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.csrf_token()
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.read().decode(errors="replace"), response.headers, path)
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(errors="replace"), error.headers, path)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def csrf_token(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.get("/account/inloggen/")
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        raise AssertionError("no csrftoken cookie from the login page")

    def login(self, email: str) -> "Browser":
        response = self.post("/account/inloggen/", {"username": email, "password": PASSWORD})
        assert response.status == 302, (response.status, re.sub(r"\s+", " ", response.text)[:500])
        return self


@pytest.fixture
def browser(app):
    return lambda: Browser(app.base)
