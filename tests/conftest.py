import datetime
import os
import time

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

from core.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, confirmed_totp_device, current_totp
from tests.stakeholders.factories import AffiliationFactory, MembershipFactory

# --- A chosen clock for the whole run -------------------------------------------------------------------------
# VBG_TEST_CLOCK=2026-12-31T22:59:30Z runs the tests on a clock that starts at that instant and ticks: CI runs the
# date-sensitive tests from 30 s before midnight in Amsterdam (`make test-midnight`), so the run crosses midnight
# the way a late CI run does. Until the tests start the clock stands still at that instant: it is set here, when
# this first conftest is imported, so the other conftests, the helpers they import and the test modules all read
# it before midnight, as in a real late run. An environment variable, as xdist workers inherit it.


def _start_test_clock():
    value = os.environ.get("VBG_TEST_CLOCK", "")
    if not value:
        return None
    try:
        start = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"VBG_TEST_CLOCK={value!r} is not an ISO 8601 instant") from None
    if start.tzinfo is None:
        raise pytest.UsageError(f"VBG_TEST_CLOCK={value!r} needs a time zone (Z or +01:00)")
    # A timestamp, not the aware datetime: time-machine would otherwise set TZ to UTC, and dates in this
    # process are Amsterdam dates (Django sets TZ from TIME_ZONE).
    travel = time_machine.travel(start.timestamp(), tick=False)
    return start, travel, travel.start()


_TEST_CLOCK = _start_test_clock()


def _is_xdist_controller(config) -> bool:
    """The process that hands tests to xdist workers: it runs none itself, so it keeps the real clock."""
    return bool(config.getoption("numprocesses", None)) and not hasattr(config, "workerinput")


def pytest_configure(config):
    if _TEST_CLOCK and _is_xdist_controller(config):
        _TEST_CLOCK[1].stop()
        config._test_clock_real_start = time.time()


def pytest_collection_finish(session):
    if _TEST_CLOCK and not _is_xdist_controller(session.config):
        start, _travel, traveller = _TEST_CLOCK
        traveller.move_to(start.timestamp(), tick=True)  # the tests start at the instant and the clock ticks


def pytest_report_header(config):
    if _TEST_CLOCK:
        return f"test clock: starts at {_TEST_CLOCK[0].astimezone(_local_zone()):%Y-%m-%d %H:%M:%S %Z} and ticks"
    return None


def pytest_terminal_summary(terminalreporter, config):
    if not _TEST_CLOCK:
        return
    start = _TEST_CLOCK[0].astimezone(_local_zone())
    if _is_xdist_controller(config):  # the workers' clocks ran about as long as this process
        now = start + datetime.timedelta(seconds=time.time() - config._test_clock_real_start)
    else:
        now = datetime.datetime.now(_local_zone())
    crossed = "crossed midnight" if now.date() != start.date() else "did NOT cross midnight"
    terminalreporter.write_line(f"test clock: {start:%Y-%m-%d %H:%M:%S} -> {now:%Y-%m-%d %H:%M:%S %Z}, {crossed}")


def _local_zone():
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


@pytest.fixture(autouse=True, scope="session")
def _media_root_of_this_process(tmp_path_factory):
    """Uploads go to a directory of this test process (each xdist worker has its own), never the checkout's
    var/media that `make run` serves; tests that look at files set their own MEDIA_ROOT on top of this."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


def _clear_caches(*, with_database: bool) -> None:
    """Every configured cache (the shared page cache's entries and its version key, the login throttle,
    synonyms, Wagtail's site root paths) and Django's per-process content type cache. A database cache is
    cleared only where the test may use the database: without it, nothing can have been stored there."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    for alias in settings.CACHES:
        backend = caches[alias]
        if with_database or not isinstance(backend, DatabaseCache):
            backend.clear()
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Each test starts cold: one test's cached pages, throttle failures or content types never make another
    pass, change its query count or decide a permission (tests/test_cache_isolation.py proves it)."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    _clear_caches(with_database=bool(uses_db))
    yield
    _clear_caches(with_database=bool(uses_db))


@pytest.fixture(autouse=True)
def _dutch_first():
    """Each test starts in the portal's own language. A request in English (LocaleMiddleware) leaves English
    active in the thread afterwards, so a later test on the same worker rendered a form in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reference_data(db):
    from vbg_platform.seed import platform_seed

    platform_seed()


@pytest.fixture
def make_user(reference_data):
    """make_user(Role.PARTNER, district="KEN") -> a user whose contact works at an organisation
    that is a current member of that district's platform."""

    def _make(*roles, district: str | None = "KEN", **kwargs):
        from stakeholders.models import District

        user = UserFactory(roles=list(roles), **kwargs)
        if district:
            membership = MembershipFactory(district=District.objects.get(code=district))
            affiliation = AffiliationFactory(organisation=membership.organisation)
            user.contact = affiliation.contact
            user.save(update_fields=["contact"])
        return user

    return _make


@pytest.fixture
def login_with_mfa():
    """Log a client in the way a person does: password, then the TOTP code."""

    def _login(client, user):
        response = client.post("/account/inloggen/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        if user.requires_mfa:
            device = confirmed_totp_device(user)
            response = client.post("/account/mfa/", {"token": current_totp(device)})
            assert response.status_code == 302
        return client

    return _login


ALL_ROLES = list(Role)
