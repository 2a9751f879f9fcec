"""The example nginx site of deploy/nginx, started on loopback in front of the live ASGI server: pages,
static files with their cache headers, no media, and the bell's websocket through the proxy. In CI nginx
is installed by .ci/run and this test may not be skipped (it sits with the browser tests for that)."""

import asyncio
import gzip
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from core.roles import Role

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
HASHED = "css/portal.0123456789ab.css"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs it; the proxy test may not be skipped in CI")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    # Readable by nginx's unprivileged workers (pytest's own tmp_path is private to this user).
    tmp_path = Path(tempfile.mkdtemp(prefix="vbg-nginx-"))
    tmp_path.chmod(0o755)
    static_root = tmp_path / "static"
    (static_root / "css").mkdir(parents=True)
    body = b"body { color: #1b1b1b; }\n" * 50
    (static_root / HASHED).write_bytes(body)
    (static_root / f"{HASHED}.gz").write_bytes(gzip.compress(body))
    for path in (static_root, static_root / "css"):
        path.chmod(0o755)
    locations = (DEPLOY / "vbg-locations.conf").read_text().replace("STATIC_PARENT_PLACEHOLDER", str(tmp_path))
    (tmp_path / "vbg-locations.conf").write_text(locations)
    upstream_port = live.url.rsplit(":", 1)[1]
    port = _free_port()
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    upstream vbg_app {{ server 127.0.0.1:{upstream_port}; keepalive 8; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        include {tmp_path}/vbg-locations.conf;
    }}
}}
"""
    )
    check = subprocess.run([binary, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"])
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test URL
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_pages_static_files_and_media_through_the_proxy(nginx):
    status, headers, body = _get(f"{nginx}/")
    assert status == 200 and b"Veilig Buitengebied" in body
    assert "Content-Security-Policy" in headers and headers.get("X-Cache") in ("HIT", "MISS")
    assert "Server" not in headers or "nginx/" not in headers["Server"]  # no version in the banner
    status, headers, _ = _get(f"{nginx}/static/{HASHED}", {"Accept-Encoding": "gzip"})
    assert status == 200 and "immutable" in headers["Cache-Control"] and headers.get("Content-Encoding") == "gzip"
    assert _get(f"{nginx}/media/original_images/geheim.jpg")[0] == 404
    assert _get(f"{nginx}/health/live/")[2] == b"ok"


def test_the_bells_websocket_passes_the_proxy(nginx, client, make_user):
    from websockets.asyncio.client import connect

    user = make_user(Role.PARTNER)
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    ws_url = nginx.replace("http://", "ws://") + "/ws/notifications/"

    async def scenario():
        async with connect(ws_url, additional_headers={"Cookie": cookie}, origin=nginx) as socket_:
            return await asyncio.wait_for(socket_.recv(), timeout=10)

    # In a thread of its own: the browser tests' Playwright loop may be running in this one.
    with ThreadPoolExecutor(max_workers=1) as executor:
        assert '"type": "count"' in executor.submit(asyncio.run, scenario()).result(timeout=30)
