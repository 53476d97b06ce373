"""The test suite: the same settings as local, with a fast hasher, in-memory mail and temp media."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "opstap-test-key")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test process counts its own API calls, also when CI sets REDIS_URL: parallel tests are not one client.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A worker process started by a test is given the test's own media folder, to store files the test then reads.
MEDIA_ROOT = Path(os.environ.get("OPSTAP_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="opstap-media-"))  # noqa: F405
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="opstap-static-"))  # noqa: F405
# The manifest needs collectstatic; tests render templates without it.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Tasks run in-process even when CI sets REDIS_URL, so a test sees at once what a task did. The broker stays
# REDIS_URL's: the tests of the trip through Redis to a real worker switch this off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
# ... and inside the request or commit that asks for them; the tests of the background thread switch it on.
TASKS_IN_BACKGROUND_THREAD = False
# A report build that sleeps this many seconds before it starts, so a test can kill its worker in the middle.
REPORT_BUILD_DELAY_SECONDS = float(os.environ.get("OPSTAP_TEST_REPORT_DELAY_SECONDS", "0"))
# Each test process sends the outbox under a lock of its own: parallel test workers are not one another's senders.
OUTBOX_LOCK_FILE = str(Path(tempfile.gettempdir()) / f"opstap-outbox-test-{os.getpid()}")  # noqa: F405
# A send the broker refused is left to the periodic tasks, not to a thread that would outlive the test; the tests
# of that thread switch it on for themselves.
DISPATCH_RETRY_SECONDS = 0
# A worker process started by a test writes its mail into this folder, where the test counts it.
if os.environ.get("OPSTAP_TEST_MAIL_DIR"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": os.environ["OPSTAP_TEST_MAIL_DIR"]},
        }
    }
