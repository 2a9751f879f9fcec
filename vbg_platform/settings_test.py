"""Test settings: the production settings with fast hashing and inline background work."""

import os

os.environ.setdefault("VBG_TESTING", "true")
os.environ.setdefault("HUEY_IMMEDIATE", "true")

from vbg_platform.settings import *  # noqa: E402,F403
from vbg_platform.settings import DATABASES, HUEY  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not in-memory) test database, so the browser tests' live server thread shares it;
    # one per process, so two test runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
