"""Browser tests: Playwright drives Debian's /usr/bin/chromium against a real ASGI server
(uvicorn in a thread), so websocket journeys run end to end. No browser is downloaded: the system one is used."""

import asyncio
import os
import shutil
import socket
import threading
import time

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# How long a step may wait for the page. Generous: CI runs the suite a second time on PostgreSQL while
# the machine is busy, and a journey that waits longer still proves the same thing.
BROWSER_TIMEOUT_MS = 20_000

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    """Mark browser tests and run them last (the Playwright session below outlives them)."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker):
    import uvicorn

    from vbg_platform.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="websockets-sansio"
        )
    )
    holder: dict = {}

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        holder["loop"] = loop
        loop.run_until_complete(server.serve())

    thread = threading.Thread(target=serve, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("The ASGI live server did not start")
        time.sleep(0.05)
    server.url = f"http://127.0.0.1:{port}"
    server.loop = holder["loop"]
    yield server
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live(asgi_server, transactional_db, reference_data):
    """The server URL, with committed data visible to its threads."""
    return asgi_server


@pytest.fixture
def in_server(asgi_server):
    """Run a sync callable the way a view does under ASGI (its pushes go through the server's loop)."""
    from asgiref.sync import sync_to_async

    def _call(func, **kwargs):
        return asyncio.run_coroutine_threadsafe(sync_to_async(func)(**kwargs), asgi_server.loop).result(timeout=20)

    return _call


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: in CI the browser tests may not be skipped")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)

    # Playwright's sync API keeps an event loop in this thread; the test code around it is
    # ordinary synchronous Django (ORM calls in fixtures), so Django's async guard is lifted here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield page
    context.close()
