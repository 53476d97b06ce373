"""Settings shared by every environment, read from the environment (12-factor).

Every setting a deployment may change is listed in the README with its default.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A fixed key is only acceptable while developing; a deployment must set its own.
_DEVELOPMENT_SECRET_KEY = "opstap-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    # The administration names these apps in Dutch through our own configs of them.
    "core.apps.AxesConfig",
    "django_otp",
    "core.apps.OTPTOTPAppConfig",
    "core.apps.OTPStaticAppConfig",
    "simple_history",
    "post_office",
    "core",
    "pilots",
    "candidates",
    "employers",
    "reports",
    # The API (config/api.py): in INSTALLED_APPS so that its docs page uses the swagger-ui files it ships, no CDN.
    "ninja",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id, and the query count covers the whole request.
    "core.request_id.RequestIdMiddleware",
    "core.bench.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.TwoFactorMiddleware",
    # After authentication: the history rows of a request record its user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a refused login further up into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# The embedded default keeps `make demo` free of services; PostgreSQL in CI and production.
VAR_DIR = Path(env("OPSTAP_VAR_DIR", default=str(BASE_DIR / "var")))
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'opstap.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Wait for a lock instead of failing at once when the worker and the web process write together.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles the plan of a query it expects to be expensive; for the portal's short list
    # queries the compiling costs more than it saves (2.3 s became 3.9 s at 50,000 candidates). Off unless asked.
    if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and not env.bool(
        "DATABASE_JIT", default=False
    ):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that combination
# is locked out for AXES_COOLOFF_TIME. Locking the combination rather than the address keeps colleagues behind
# one office NAT able to log in; locking it rather than the username keeps an attacker from locking anyone out
# from afar. Against password spraying (many usernames, one try each) an address as a whole is locked too, after
# the higher AXES_IP_FAILURE_LIMIT failures within the cool-off (our own setting, read by core.throttling, whose
# handler gives the address that limit of its own). Every lock is an audit event.
AXES_HANDLER = "core.throttling.LoginThrottleHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# A successful login forgets that username's failures from that address, not the address's others.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy every request comes from the proxy's address; then read the client's address from the
# header the proxy sets, e.g. AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_FORWARDED_FOR,REMOTE_ADDR. The proxy count
# is the number of proxy addresses that header lists after the client's: 0 when one proxy in front writes only
# the client's address. A header of another length is not trusted and the lock-out falls back to REMOTE_ADDR.
# Only list a header that the proxy itself sets, never one a browser can send through unchanged.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])

# Two-step verification with an authenticator app (TOTP) is optional for everyone; the roles listed in
# OTP_REQUIRED_ROLES (codes: adviser, coordinator, training_partner, employer_contact, administrator) must set it
# up before they can use the portal or the admin.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])
_ROLE_CODES = {"adviser", "coordinator", "training_partner", "employer_contact", "administrator"}
_unknown_roles = set(OTP_REQUIRED_ROLES) - _ROLE_CODES
if _unknown_roles:
    # A misspelt role would silently leave that role without the second step.
    raise ImproperlyConfigured(f"OTP_REQUIRED_ROLES names unknown roles: {sorted(_unknown_roles)}")
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Opstap")
# How long the link in an invitation (core.invitations) lets the invited person choose a password.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# The change history is an audit trail: the admin shows it, but never turns a row back to an older version
# (that would bypass the services and their life-cycle rules).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Sessions end after SESSION_IDLE_MINUTES without a request: every request pushes the expiry forward again.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Every script and style comes from the portal's own static files, so nothing inline is allowed to run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws icons such as the menu toggle and the select arrow as data: SVG images.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "nl"
# British English: day before month and a 24-hour clock, as the portal's users read dates. A choice of the former
# code "en" is read as "en-gb" (core.middleware.ChosenLanguageMiddleware).
LANGUAGES = [("nl", _("Dutch")), ("en-gb", _("British English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date and time formats where Django's differ from what the portal's users expect (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Off, because every {{ id }} in a form value, an id or a data attribute would otherwise render as "2.556";
# large counts that people read use the intcomma filter, which groups digits the Dutch way.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"  # never served publicly: downloads go through views that check permission
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# E-mail: EMAIL_URL such as smtp+tls://user:password@mail.example.org:587; the console by default.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_mailer_options = {}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _mailer_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Opstap <noreply@opstap.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox (core.outbox, django-post-office): a mail that fails is tried again after OUTBOX_RETRY_MINUTES, then
# after twice that, and so on, OUTBOX_MAX_RETRIES times; a mail still waiting OUTBOX_STUCK_MINUTES after it was due
# means no worker sends (/readyz). Sent and failed mail is deleted after OUTBOX_KEEP_DAYS.
OUTBOX_RETRY_MINUTES = env.int("OUTBOX_RETRY_MINUTES", default=2)
OUTBOX_MAX_RETRIES = env.int("OUTBOX_MAX_RETRIES", default=6)
OUTBOX_STUCK_MINUTES = env.int("OUTBOX_STUCK_MINUTES", default=15)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
OUTBOX_LOCK_FILE = env("OUTBOX_LOCK_FILE", default=str(Path(tempfile.gettempdir()) / "opstap-outbox"))
POST_OFFICE = {
    "MAX_RETRIES": OUTBOX_MAX_RETRIES,
    "RETRY_INTERVAL": timedelta(minutes=OUTBOX_RETRY_MINUTES),
    # One message at a time on the sender's own connection: the outbox's sends are few.
    "THREADS_PER_PROCESS": 1,
    "LOG_LEVEL": 1,  # failures only: a log row per sent mail would keep recipients longer than the mail itself
}

# Celery: Redis as broker and result store when REDIS_URL is set; otherwise tasks run
# in-process, so the demo needs no services.
REDIS_URL = env("REDIS_URL", default="")
# The cache holds the API's rate-limit counts (core.api): in Redis when there is one, so that every web process
# counts the same calls; without Redis (the demo, one process) in the process's memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "opstap",
        }
    }
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without a broker, the work a change hands on (a report build, the outbox) runs in a background thread of the
# process once the change commits (core.dispatch), so the request that asked for it is answered at once.
TASKS_IN_BACKGROUND_THREAD = env.bool("TASKS_IN_BACKGROUND_THREAD", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The report builds run on a queue of their own, so a long PDF never holds up the mail, the heartbeat or the
# reminders, and the report workers can be scaled (and sized) apart: `celery -A config worker -Q reports`.
CELERY_TASK_ROUTES = {"reports.tasks.build_report": {"queue": "reports"}}
# A worker child that has grown past this many KiB (WeasyPrint on a large report) is replaced after its task.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=512_000)
# The worker logs through LOGGING below (JSON, with the request id), not through Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# With the broker away, publishing gives up at once instead of making the request wait (Celery's defaults retry for
# about 20 s): the work is already saved, and core.dispatch sends it once the broker answers.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# How long a process keeps trying to hand work to a broker that is away before it leaves it to the periodic tasks.
DISPATCH_RETRY_SECONDS = env.int("DISPATCH_RETRY_SECONDS", default=600)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every minute: a worker answers beat's heartbeat, so /readyz sees both run (core.health reads this interval).
    # A heartbeat no worker took within the minute expires: a worker back from an outage finds no pile of them.
    "beat-heartbeat": {
        "task": "core.tasks.beat_heartbeat",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
    # Every morning, in TIME_ZONE: employers are reminded of proposals they have not answered.
    "remind-unanswered-proposals": {
        "task": "employers.tasks.remind_unanswered_proposals",
        "schedule": crontab(hour=8, minute=0),
    },
    # Monday morning: each adviser gets one e-mail of the follow-ups due that week or overdue.
    "send-followup-digests": {
        "task": "candidates.tasks.send_followup_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Every morning, before the digest: outcomes recorded without follow-ups get theirs.
    "schedule-missing-followups": {
        "task": "candidates.tasks.schedule_missing_followups",
        "schedule": crontab(hour=6, minute=0),
    },
    # Every five minutes: report jobs whose worker died are started again, those the queue never took are sent.
    "watch-report-jobs": {
        "task": "reports.tasks.watch_report_jobs",
        "schedule": crontab(minute="*/5"),
    },
    # Every night: reports past REPORT_KEEP_DAYS or beyond REPORT_KEEP_PER_PILOT are deleted with their files.
    "delete-old-reports": {
        "task": "reports.tasks.delete_old_reports",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every minute: the outbox sends the mail that is due, tries failed mail again and what a lost dispatch left.
    "send-outbox-mail": {
        "task": "core.tasks.send_outbox_mail",
        "schedule": crontab(minute="*"),
    },
    # Every night: sent and failed mail older than OUTBOX_KEEP_DAYS is deleted.
    "delete-old-outbox-mail": {
        "task": "core.tasks.delete_old_outbox_mail",
        "schedule": crontab(hour=3, minute=45),
    },
    # Every night: candidates with no activity for RETENTION_MONTHS months are anonymised.
    "anonymise-inactive-candidates": {
        "task": "candidates.tasks.anonymise_inactive_candidates",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every quarter of an hour: referral lists past IMPORT_PENDING_HOURS, and files without their row, are deleted.
    "delete-expired-pending-uploads": {
        "task": "candidates.tasks.delete_expired_pending_uploads",
        "schedule": crontab(minute="*/15"),
    },
    # Every minute: the API's webhooks that are due are sent, failed ones tried again (core.api).
    "deliver-webhooks": {
        "task": "core.tasks.deliver_webhooks",
        "schedule": crontab(minute="*"),
    },
    # Every night: API calls past API_CALL_KEEP_DAYS and idempotency keys past API_IDEMPOTENCY_KEEP_DAYS go.
    "delete-old-api-records": {
        "task": "core.tasks.delete_old_api_records",
        "schedule": crontab(hour=3, minute=50),
    },
}

# The partners' API (core.api, config/api.py). Calls per client per minute (0: no limit), counted in the cache,
# which is Redis (shared by the web processes) when REDIS_URL is set.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=60)
# A webhook that fails is tried again after API_WEBHOOK_RETRY_SECONDS, then twice that, ..., this many tries in all.
API_WEBHOOK_RETRY_SECONDS = env.int("API_WEBHOOK_RETRY_SECONDS", default=30)
API_WEBHOOK_MAX_ATTEMPTS = env.int("API_WEBHOOK_MAX_ATTEMPTS", default=8)
API_CALL_KEEP_DAYS = env.int("API_CALL_KEEP_DAYS", default=365)
API_IDEMPOTENCY_KEEP_DAYS = env.int("API_IDEMPOTENCY_KEEP_DAYS", default=7)

# The intake workspace.
CANDIDATE_IMPORT_MAX_BYTES = env.int("CANDIDATE_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# An uploaded referral list waits this long for its confirmation; then it is deleted (names, birth dates, phones).
IMPORT_PENDING_HOURS = env.int("IMPORT_PENDING_HOURS", default=2)
# A referral list with more rows than this is checked and imported by a worker, its page following the progress;
# a smaller one is checked while the adviser waits for the preview.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=300)
RESERVE_RECONFIRM_DAYS = env.int("RESERVE_RECONFIRM_DAYS", default=90)

# During the track: a started candidate whose attendance over the last ATTENDANCE_WINDOW_DAYS days is below
# ATTENDANCE_THRESHOLD_PERCENT is flagged on the adviser's start page.
ATTENDANCE_THRESHOLD_PERCENT = env.int("ATTENDANCE_THRESHOLD_PERCENT", default=80)
ATTENDANCE_WINDOW_DAYS = env.int("ATTENDANCE_WINDOW_DAYS", default=14)

# Evaluation reports hide a count from 1 up to (not including) this threshold, so that no one can be recognised.
REPORT_SMALL_COUNT_THRESHOLD = env.int("REPORT_SMALL_COUNT_THRESHOLD", default=5)

# AVG (GDPR) retention: a candidate with no activity for this many months (and not in a running track) is anonymised
# by the nightly task.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=24)

# Report jobs: a build is asked to stop after REPORT_SOFT_TIME_LIMIT seconds and killed after REPORT_TIME_LIMIT
# (below the broker's visibility timeout, twice CELERY_TASK_TIME_LIMIT, or Redis hands the job out twice: production
# refuses to start otherwise, see config/time_limits.py).
# A job found running longer than that (its worker died) is started again up to REPORT_MAX_ATTEMPTS times in all.
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=240)
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=300)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
# Finished reports are deleted, file and all, once older than REPORT_KEEP_DAYS days, and beyond the newest
# REPORT_KEEP_PER_PILOT of each pilot; 0 switches a rule off.
REPORT_KEEP_DAYS = env.int("REPORT_KEEP_DAYS", default=365)
REPORT_KEEP_PER_PILOT = env.int("REPORT_KEEP_PER_PILOT", default=20)

# The employer portal.
# Where the portal is reached from outside, for links in e-mail (no request to take the host from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# After how many working days (Monday to Friday, Dutch public holidays aside) an unanswered placement proposal is
# reminded and flagged.
PLACEMENT_REMINDER_WORKING_DAYS = env.int("PLACEMENT_REMINDER_WORKING_DAYS", default=5)

# The console log: one JSON object a line (core.logging) unless LOG_FORMAT=plain; plain by default while DEBUG is
# on. Every line carries the id of the request, or of the request that sent the task (core.request_id).
LOG_FORMAT = env("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# make bench only (benchmarks/bench.py): X-Query-Count on every response, and the trivial pages it measures
# against (core.bench). Never on in a deployment.
BENCH_QUERY_COUNT = env.bool("BENCH_QUERY_COUNT", default=False)
BENCH_PAGES = env.bool("BENCH_PAGES", default=False)
