"""`make loadtest`: the production server (uvicorn, WORKERS processes) on loopback under wrk and locust.

Prints one JSON line per scenario on stdout: {"name", "rps", "p50_ms", "p95_ms", "p99_ms", "errors",
"requests", "goal_rps", "met"}; progress goes to stderr. Run from the project root:

    .venv/bin/python scripts/loadtest/run.py [--only anon_home,partner_meeting] [--skip-setup]

It uses a database and a Redis db of its own (vbg_loadtest, Redis db 4), built once with the demo data at
scale 10 like `make bench` and reused. Logged-in scenarios send a session made here for the demo user in an
explicit Cookie header: production mode marks the session and CSRF cookies Secure, so an HTTP client on
loopback would not send them back by itself, and the settings stay those of production.
"""

import argparse
import csv
import email.message
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from base64 import urlsafe_b64encode
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VAR = ROOT / "var" / "loadtest"
PYTHON = sys.executable

PG_SERVER = os.environ.get("LOADTEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("LOADTEST_PG_DB", "vbg_loadtest")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/4")
SCALE = os.environ.get("LOADTEST_SCALE", "10")
WORKERS = os.environ.get("WORKERS", "2")
UVICORN = [
    str(Path(PYTHON).parent / "uvicorn"),
    "vbg_platform.asgi:application",
    "--ws",
    "websockets-sansio",
    "--lifespan",
    "off",
    "--no-access-log",
]

WRK_THREADS, WRK_CONNECTIONS = 2, 20
WRK_DURATION = os.environ.get("LOADTEST_WRK_DURATION", "20s")
LOCUST_USERS, LOCUST_SPAWN_RATE = 50, 10
LOCUST_DURATION = os.environ.get("LOADTEST_LOCUST_DURATION", "60s")

# The goals of issue #11 for two workers on the 2-CPU machine; None: no throughput goal, only zero errors.
GOAL_ANONYMOUS, GOAL_LOGGED_IN = 400, 160
# The mixed journey with writes (issue #22): at least one write per second overall, p95 at most 150 ms.
GOAL_MIXED_WRITES_PER_S, GOAL_MIXED_P95_MS = 1.0, 150.0
PARTNER = "partner@demo.veiligbuitengebied.nl"
SECRETARIAT = "secretariaat@demo.veiligbuitengebied.nl"
LOCUST_SESSIONS = 50  # one session per simulated user of a class, as real users have


def log(message: str) -> None:
    print(f"[loadtest] {message}", file=sys.stderr, flush=True)


# --- Parsing (no servers, no Django: tests/core/test_loadtest_parsing.py) ----------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """wrk's text summary (with --latency) plus the LOADTEST_JSON line of report.lua when present.

    Errors are socket errors (connect, read, write, timeout) plus responses with a status of 400 or more
    (wrk's "Non-2xx or 3xx responses")."""
    figures: dict = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise ValueError("no Requests/sec in the wrk output")
    figures["rps"] = float(match.group(1))
    match = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    figures["requests"] = int(match.group(1)) if match else 0
    for percent in (50, 75, 90, 99):
        match = re.search(rf"^\s*{percent}(?:\.0+)?%\s+([\d.]+\w+)", output, re.MULTILINE)
        if match:
            figures[f"p{percent}_ms"] = _duration_ms(match.group(1))
    socket_errors = 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        socket_errors = sum(int(group) for group in match.groups())
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    status_errors = int(match.group(1)) if match else 0
    match = re.search(r"^LOADTEST_JSON (\{.*\})\s*$", output, re.MULTILINE)
    if match:
        exact = json.loads(match.group(1))
        figures["requests"] = exact["requests"]
        for percent in (50, 95, 99):
            figures[f"p{percent}_ms"] = exact[f"p{percent}_us"] / 1000
        socket_errors, status_errors = exact["socket_errors"], exact["status_errors"]
    figures["errors"] = socket_errors + status_errors
    return figures


def parse_locust_csv(text: str, row_name: str = "Aggregated") -> dict:
    """One row of locust's <prefix>_stats.csv: the "Aggregated" row by default. Errors are its failures
    (locust counts connection errors and every response the locustfile marks as failed)."""
    for row in csv.DictReader(io.StringIO(text)):
        if row["Name"] == row_name:

            def number(column: str, row=row) -> float | None:
                value = row.get(column, "")
                return float(value) if value not in ("", "N/A") else None

            return {
                "rps": number("Requests/s"),
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": number("50%"),
                "p95_ms": number("95%"),
                "p99_ms": number("99%"),
            }
    raise ValueError(f"no row {row_name!r} in the locust stats")


def result_line(name: str, figures: dict, goal_rps: float | None) -> dict:
    """The JSON line of one scenario. A goal is met with zero errors and, when it has one, the throughput."""

    def rounded(value, digits):
        return None if value is None else round(value, digits)

    errors = figures.get("errors", 0)
    rps = figures.get("rps")
    line = {
        "name": name,
        "rps": rounded(rps, 1),
        "p50_ms": rounded(figures.get("p50_ms"), 2),
        "p95_ms": rounded(figures.get("p95_ms"), 2),
        "p99_ms": rounded(figures.get("p99_ms"), 2),
        "errors": errors,
        "requests": figures.get("requests", 0),
        "goal_rps": goal_rps,
        "met": errors == 0 and (goal_rps is None or (rps or 0) >= goal_rps),
    }
    line.update({key: value for key, value in figures.items() if key not in line and key.startswith("note")})
    return line


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


# --- Environment, database, server ---------------------------------------------------------------------


def production_environment() -> dict:
    """Production mode with throwaway secrets (as .ci/run makes them); plain HTTP on loopback."""
    env = dict(os.environ)
    for name in ("DEBUG", "VBG_TESTING", "ELASTICSEARCH_URL", "EMAIL_URL"):
        env.pop(name, None)
    env.update(
        DEBUG="false",
        SECRET_KEY="loadtest-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Production mode refuses a local base URL (vbg_platform/checks.py); the load test sends no letter or mail.
        WAGTAILADMIN_BASE_URL="https://portal.example.nl",
        FIELD_ENCRYPTION_KEYS=urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"{PG_SERVER}/{PG_DB}",
        REDIS_URL=REDIS_URL,
        # Django's default of 0 (a connection per request): persistent connections leak under ASGI (one per
        # request thread) until PostgreSQL refuses clients ("too many clients already").
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "0"),
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    return env


def _manage(*args: str, env: dict, log_file) -> None:
    command = [PYTHON, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=log_file, stderr=log_file)  # noqa: S603 - fixed


def prepare_database(env: dict) -> None:
    """Create vbg_loadtest when missing and bring it up to date (idempotent: reused after the first run)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if not exists:
            log(f"creating database {PG_DB} (the demo data at scale {SCALE} takes a few minutes the first time)")
            connection.execute(f'CREATE DATABASE "{PG_DB}"')
    setup_env = {**env, "DEBUG": "true"}  # as the Makefile's bench target loads the demo data
    VAR.mkdir(parents=True, exist_ok=True)
    with open(VAR / "setup.log", "w") as log_file:
        log("migrate, createcachetable, seed_reference_data, load_demo_data (log: var/loadtest/setup.log)")
        _manage("migrate", "--no-input", "-v0", env=setup_env, log_file=log_file)
        _manage("createcachetable", env=setup_env, log_file=log_file)
        _manage("seed_reference_data", env=setup_env, log_file=log_file)
        _manage("load_demo_data", "--scale", SCALE, env=setup_env, log_file=log_file)
        log("collectstatic into var/static")
        _manage("collectstatic", "--no-input", "-v0", env=env, log_file=log_file)
    with psycopg.connect(f"{PG_SERVER}/{PG_DB}", autocommit=True) as connection:
        connection.execute("ANALYZE")


def flush_redis() -> None:
    """Only the load test's own Redis db: the cached pages and sessions of an earlier run go."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def services_missing() -> list[str]:
    import psycopg
    import redis

    missing = []
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=5).close()
    except psycopg.Error:
        missing.append(f"PostgreSQL at {PG_SERVER} (LOADTEST_PG_SERVER)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError:
        missing.append(f"Redis at {REDIS_URL} (LOADTEST_REDIS_URL)")
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`make serve`'s uvicorn command in its own process group, always stopped on exit."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.process = env, port, None
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self):
        command = [*UVICORN, "--host", "127.0.0.1", "--port", str(self.port), "--workers", WORKERS]
        self.log_file = open(VAR / "server.log", "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter's uvicorn
            command, cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see var/loadtest/server.log")
            try:
                with urllib.request.urlopen(f"{self.base}/health/live/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        log(f"server up on {self.base} with {WORKERS} workers")
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError("the server did not answer /health/live/ within 60 seconds")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (the parent and its workers), from /proc."""
        total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.process.pid:  # process group
                total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()
        log("server stopped")


# --- Sessions and URLs (Django, in the server's production environment) ----------------------------------


def _session_cookie(email: str) -> str:
    """A session as the login view leaves it (and MFA passed for a role that needs it), as a Cookie value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(email__iexact=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def gather_targets() -> dict:
    """Sessions and the URLs of the scenarios, from the load-test database."""
    import django
    from django.utils import timezone

    django.setup()
    from accounts.models import User
    from core.models import PrivacyStatementPage
    from knowledgebase.models import KnowledgePage
    from meetings.models import ActionItem, ActionItemUpdate, Decision, MeetingPage, Minutes, MinutesComment
    from stakeholders.selectors import organisations_visible_to

    # What earlier runs wrote is removed, so that every run starts from the same pages.
    ActionItemUpdate.objects.filter(note__startswith="[loadtest]").delete()
    Decision.objects.filter(text__startswith="[loadtest]").delete()
    MinutesComment.objects.filter(text__startswith="[loadtest]").delete()

    public = KnowledgePage.objects.live().filter(visibility="public").order_by("pk")
    partners_only = KnowledgePage.objects.live().filter(visibility="partners").order_by("pk")
    kennemerland = MeetingPage.objects.live().filter(url_path__contains="/platform-ken/")
    next_meeting = kennemerland.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    past_meeting = kennemerland.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    partner = User.objects.get(email__iexact=PARTNER)
    organisations = organisations_visible_to(partner).order_by("pk").values_list("pk", flat=True)[:40]
    open_items = ActionItem.objects.filter(status__in=ActionItem.OPEN_STATUSES).order_by("pk")
    # Draft minutes of a Kennemerland meeting the partner attended, open for comments during the run (the
    # load test's own database: its comment period is moved on if it has passed).
    minutes = Minutes.objects.filter(status=Minutes.Status.PUBLISHED, meeting__in=kennemerland).order_by("-pk").first()
    if minutes is not None and (minutes.comments_until is None or minutes.comments_until < timezone.now()):
        Minutes.objects.filter(pk=minutes.pk).update(comments_until=timezone.now() + timezone.timedelta(days=1))
    return {
        "partner_cookie": _session_cookie(PARTNER),
        "partner_cookies": [_session_cookie(PARTNER) for _ in range(LOCUST_SESSIONS)],
        "secretariat_cookies": [_session_cookie(SECRETARIAT) for _ in range(LOCUST_SESSIONS)],
        "public_article": public.first().url,
        "public_articles": [page.url for page in public[:30]],
        "partners_article": partners_only.first().url,
        "partners_articles": [page.url for page in partners_only[:30]],
        "privacy_page": PrivacyStatementPage.objects.live().first().url,
        "meeting": next_meeting.url,
        "meetings": [page.url for page in kennemerland.order_by("-starts_at")[:20]],
        "decision_meeting_id": past_meeting.pk,
        "organisations": [f"/wie-is-wie/organisaties/{pk}/" for pk in organisations],
        "action_items": list(open_items.values_list("pk", flat=True)[:40]),
        "vote_pages": list(partners_only.values_list("pk", flat=True)[:30]),
        "invitation_meeting_id": next_meeting.pk,  # the demo partner is invited to it
        "comment_minutes": (
            {"meeting_id": minutes.meeting_id, "item_ids": list(minutes.items.values_list("pk", flat=True))}
            if minutes is not None
            else None
        ),
    }


def wrk_scenarios(targets: dict) -> list[tuple[str, str, str | None, float | None]]:
    """(name, path, Cookie header or None, goal in requests per second)."""
    partner = targets["partner_cookie"]
    return [
        ("floor_plain_view", "/health/live/", None, None),
        ("anon_home", "/", None, GOAL_ANONYMOUS),
        ("anon_article", targets["public_article"], None, GOAL_ANONYMOUS),
        ("partner_meeting", targets["meeting"], partner, GOAL_LOGGED_IN),
        ("partner_directory", "/wie-is-wie/", partner, GOAL_LOGGED_IN),
        ("partner_article", targets["partners_article"], partner, GOAL_LOGGED_IN),
        ("search_partner", "/zoeken/?q=drugsafval", partner, GOAL_LOGGED_IN),
    ]


def fetch(base: str, path: str, cookie: str | None = None) -> tuple[int, "email.message.Message"]:
    # Always http://127.0.0.1:<port>: the server started here.
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            response.read()
            return response.status, response.headers  # case-insensitive: servers differ in header case
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def check_and_warm(base: str, scenarios) -> dict[str, str]:
    """Every scenario's page must answer 200 as such (a redirect to the login page would measure the wrong
    page), and anonymous pages must come from the page cache. Returns the problems by scenario."""
    problems = {}
    for name, path, cookie, _goal in scenarios:
        for _ in range(10):  # both workers: templates, caches, connections
            status, headers = fetch(base, path, cookie)
        if status != 200:
            problems[name] = f"{path} answered {status}"
        elif name.startswith("anon_") and headers.get("X-Cache") != "HIT":
            problems[name] = f"{path} not served from the page cache (X-Cache: {headers.get('X-Cache')})"
    return problems


def run_wrk(server: Server, name: str, path: str, cookie: str | None, goal: float | None) -> dict:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_DURATION}", "--latency"]
    command += ["-s", str(HERE / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    log(f"wrk {name}: {path} (load average before: {os.getloadavg()[0]:.1f})")
    cpu = server.cpu_seconds()
    output = subprocess.run(  # noqa: S603 - fixed arguments
        [*command, server.base + path], capture_output=True, text=True, check=True
    ).stdout
    (VAR / f"wrk-{name}.txt").write_text(output)
    figures = parse_wrk(output)
    # What a request costs the server in CPU: the figure that holds when other work shares the machine.
    used = server.cpu_seconds() - cpu
    log(f"{name}: server CPU {used / max(figures['requests'], 1) * 1000:.2f} ms per request")
    return result_line(name, figures, goal)


def run_locust(base: str, targets: dict) -> list[dict]:
    config = VAR / "locust-targets.json"
    config.write_text(json.dumps(targets))
    prefix = VAR / "locust"
    classes_file = VAR / "locust-classes.json"
    classes_file.unlink(missing_ok=True)
    command = [
        str(Path(PYTHON).parent / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(LOCUST_USERS),
        "--spawn-rate",
        str(LOCUST_SPAWN_RATE),
        "--run-time",
        LOCUST_DURATION,
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    log(f"locust: {LOCUST_USERS} users, spawn rate {LOCUST_SPAWN_RATE}/s, {LOCUST_DURATION}")
    env = {**os.environ, "LOADTEST_TARGETS": str(config), "LOADTEST_CLASSES_OUT": str(classes_file)}
    with open(VAR / "locust.log", "w") as log_file:
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603
    per_class = json.loads(classes_file.read_text()) if classes_file.exists() else {}
    writes = per_class.pop("writes", {"rps": 0.0, "requests": 0})
    figures = parse_locust_csv(Path(f"{prefix}_stats.csv").read_text())
    # A task that raised (a changed form, a parsing slip) sends no request: count it, or a broken journey passes.
    exceptions = Path(f"{prefix}_exceptions.csv")
    figures["errors"] += count_locust_exceptions(exceptions.read_text()) if exceptions.exists() else 0
    lines = [mixed_line(figures, writes)]
    for name, figures in per_class.items():
        lines.append(result_line(f"mixed_journey_{name}", figures, None))
    return lines


def count_locust_exceptions(text: str) -> int:
    """The number of exceptions in locust's <prefix>_exceptions.csv (one row per distinct traceback)."""
    return sum(int(row["Count"]) for row in csv.DictReader(io.StringIO(text)))


def mixed_line(figures: dict, writes: dict) -> dict:
    """The mixed journey as a whole: met with zero errors, p95 within its goal and enough writes per second."""
    line = result_line("mixed_journey", figures, None)
    line["writes_per_s"] = round(writes.get("rps") or 0.0, 2)
    line["writes"] = writes.get("requests", 0)
    line["write_p95_ms"] = writes.get("p95_ms")
    line["goal_p95_ms"], line["goal_writes_per_s"] = GOAL_MIXED_P95_MS, GOAL_MIXED_WRITES_PER_S
    line["met"] = (
        line["errors"] == 0
        and (line["p95_ms"] or 0) <= GOAL_MIXED_P95_MS
        and line["writes_per_s"] >= GOAL_MIXED_WRITES_PER_S
    )
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated scenario names (mixed_journey for locust)")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            log(f"{tool} is not installed: sudo apt-get install -y {tool}")
            return 2

    missing = services_missing()
    if missing:
        log("the load test needs " + " and ".join(missing))
        return 2
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    env = production_environment()
    os.environ.update({key: env[key] for key in env})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vbg_platform.settings")
    VAR.mkdir(parents=True, exist_ok=True)
    if not args.skip_setup:
        prepare_database(env)
    flush_redis()
    targets = gather_targets()
    scenarios = [s for s in wrk_scenarios(targets) if not only or s[0] in only]
    all_met, errors = True, 0
    with Server(env, free_port()) as server:
        problems = check_and_warm(server.base, wrk_scenarios(targets))
        for name, path, cookie, goal in scenarios:
            if name in problems:
                line = result_line(name, {"errors": 1, "note": problems[name]}, goal)
            else:
                line = run_wrk(server, name, path, cookie, goal)
            all_met &= line["met"]
            errors += line["errors"]
            emit(line)
        if not only or "mixed_journey" in only:
            for line in run_locust(server.base, targets):
                all_met &= line["met"]
                errors += line["errors"] if line["name"] == "mixed_journey" else 0
                emit(line)
    log("all goals met" if all_met else 'some goals not met (see the lines with "met": false)')
    # Missed throughput goals are figures to report; errors mean something is broken.
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
