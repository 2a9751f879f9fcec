"""Item 4 of issue #25: the public base URL in letters and mails. Production settings without a real public https
address fail the checks, with a message that names the setting; the development and test settings still start."""

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings

from core.utils import BaseUrlProblem, base_url_problems
from vbg_platform.checks import public_base_url_for_deployment, public_base_url_in_production

BAD = [
    ("", BaseUrlProblem.MISSING),
    ("   ", BaseUrlProblem.MISSING),
    ("http://127.0.0.1:8000", BaseUrlProblem.LOCAL),
    ("https://127.0.0.2", BaseUrlProblem.LOCAL),
    ("https://localhost", BaseUrlProblem.LOCAL),
    ("https://portal.localhost", BaseUrlProblem.LOCAL),
    ("https://[::1]:8000", BaseUrlProblem.LOCAL),
    ("https://0.0.0.0", BaseUrlProblem.LOCAL),
    ("https://192.168.1.10", BaseUrlProblem.LOCAL),
    ("https://testserver", BaseUrlProblem.LOCAL),
    ("http://portal.example.nl", BaseUrlProblem.NOT_HTTPS),
    ("portal.example.nl", BaseUrlProblem.MALFORMED),
    ("ftp://portal.example.nl", BaseUrlProblem.MALFORMED),
    ("https://", BaseUrlProblem.MALFORMED),
    ("https://portal.example.nl:port", BaseUrlProblem.MALFORMED),
    ("https://portal.example.nl/?a=1", BaseUrlProblem.MALFORMED),
    ("https://user@portal.example.nl", BaseUrlProblem.MALFORMED),
    ("https://[portal", BaseUrlProblem.MALFORMED),
]
GOOD = ["https://portal.example.nl", "https://portal.example.nl/", "https://portal.veiligbuitengebied.nl:8443"]


@pytest.mark.parametrize(("url", "problem"), BAD)
def test_a_bad_base_url_is_named(url, problem):
    assert problem in base_url_problems(url)


@pytest.mark.parametrize("url", GOOD)
def test_a_public_https_base_url_has_no_problem(url):
    assert base_url_problems(url) == []


@pytest.mark.parametrize(("url", "problem"), BAD)
def test_the_production_check_errors_on_every_bad_value_and_names_the_setting(url, problem):
    with override_settings(DEBUG=False, PRODUCTION=True, WAGTAILADMIN_BASE_URL=url):
        errors = public_base_url_in_production()
        assert errors and all(e.is_serious() for e in errors)
        assert all("WAGTAILADMIN_BASE_URL" in e.msg and "WAGTAILADMIN_BASE_URL" in e.hint for e in errors)
        # check --deploy in production reports it once, through the check that every command runs.
        assert public_base_url_for_deployment() == []
        assert len([e for e in run_checks(include_deployment_checks=True) if e.id.startswith("vbg.")]) == len(errors)


def test_a_missing_base_url_setting_is_an_error():
    with override_settings(DEBUG=False, PRODUCTION=True):
        del settings.WAGTAILADMIN_BASE_URL
        assert [e.id for e in public_base_url_in_production()] == ["vbg.E001"]


@pytest.mark.parametrize("url", GOOD)
def test_the_checks_pass_for_a_public_https_address(url):
    with override_settings(DEBUG=False, PRODUCTION=True, WAGTAILADMIN_BASE_URL=url):
        assert public_base_url_in_production() == []
    with override_settings(DEBUG=False, PRODUCTION=False, WAGTAILADMIN_BASE_URL=url):
        assert public_base_url_for_deployment() == []


def test_check_deploy_without_debug_reports_a_local_address_outside_production_mode_too():
    with override_settings(DEBUG=False, PRODUCTION=False, WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000"):
        assert public_base_url_in_production() == []  # the test run itself starts
        ids = {e.id for e in run_checks(include_deployment_checks=True)}
        assert {"vbg.E003", "vbg.E004"} <= ids


def test_development_and_test_runs_start_with_the_local_default():
    with override_settings(DEBUG=True, PRODUCTION=False, WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000"):
        assert public_base_url_for_deployment() == [] and public_base_url_in_production() == []
    with override_settings(DEBUG=False, PRODUCTION=False, WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000"):
        assert not [e for e in run_checks() if e.id.startswith("vbg.")]
