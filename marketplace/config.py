"""Configuration read from the environment."""

from __future__ import annotations

import os
import secrets
import warnings
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def province_code_setting(env) -> str:
    """Return `PROVINCE_CODE` (default 31, Hải Phòng) as two digits; refuse an unknown code.

    `PROVINCE_NAME` and `LOCALITIES_FILE` are deprecated: the name and the units come from the
    administrative dataset (marketplace/core/geography.py), so they are ignored with a warning.
    """
    from marketplace.core.geography import DEFAULT_PROVINCE_CODE, normalise_province_code

    for old in ("PROVINCE_NAME", "LOCALITIES_FILE"):
        if env.get(old):
            warnings.warn(
                f"{old} is deprecated and ignored: set PROVINCE_CODE (the province's name and "
                "its commune-level units come from the administrative dataset)",
                FutureWarning,
                stacklevel=2,
            )
    raw = env.get("PROVINCE_CODE") or DEFAULT_PROVINCE_CODE
    code = normalise_province_code(raw)
    if code is None:
        raise ValueError(f"PROVINCE_CODE={raw!r} is not one of the 34 province codes")
    return code


def instance_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, generating it once on first use.

    The key is written to a private temporary file and linked into place, so a process
    starting at the same time never reads a file created but not yet written (it would
    sign sessions and visitor marks with an empty key). An empty key file is refused.
    """
    path = Path(instance_path) / "secret_key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32))
    try:
        os.link(tmp, path)  # fails if another process (or an earlier run) made the file
    except FileExistsError:
        pass
    except OSError:  # a filesystem without hard links
        if not path.exists():
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to generate a new key, or set SECRET_KEY")
    return key


class Config:
    """Settings for development and production, from environment variables."""

    def __init__(self, instance_path: str) -> None:
        env = os.environ
        # A blank SECRET_KEY would sign sessions with a key anyone knows: use the instance's.
        secret_key = env.get("SECRET_KEY") or ""
        self.SECRET_KEY = secret_key if secret_key.strip() else instance_secret_key(instance_path)
        default_db = "sqlite:///" + str(Path(instance_path) / "marketplace.db")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("DATABASE_URL") or default_db)
        # No ping at every checkout: a connection that rested in the pool longer than this
        # is pinged (core.database.install_rested_ping); 0 pings at every checkout.
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {}
        self.DATABASE_PING_AFTER_SECONDS = float(env.get("DATABASE_PING_AFTER_SECONDS", "1"))
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
        self.LANGUAGES = ["vi", "en"]
        self.BOOTSTRAP_SERVE_LOCAL = True
        self.WTF_CSRF_ENABLED = True
        # Form tokens expire: a form left open longer asks to be sent again (8 hours).
        self.WTF_CSRF_TIME_LIMIT = int(env.get("WTF_CSRF_TIME_LIMIT", 8 * 3600))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"))
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024))
        # Days a running trial must have lasted before its organisation may review the solution.
        self.REVIEW_MIN_TRIAL_DAYS = int(env.get("REVIEW_MIN_TRIAL_DAYS", "7"))
        # The served province (two-digit official code); see README "Địa giới hành chính".
        self.PROVINCE_CODE = province_code_setting(env)
        self.STRIPE_SECRET_KEY = env.get("STRIPE_SECRET_KEY", "")
        self.STRIPE_PUBLISHABLE_KEY = env.get("STRIPE_PUBLISHABLE_KEY", "")
        self.STRIPE_WEBHOOK_SECRET = env.get("STRIPE_WEBHOOK_SECRET", "")
        self.STRIPE_API_BASE = env.get("STRIPE_API_BASE", "")
        # Bank transfers: the bank hub's webhook secret (empty refuses every notification)
        # and the days an order waits for its transfer before it expires.
        self.BANK_WEBHOOK_SECRET = env.get("BANK_WEBHOOK_SECRET", "")
        self.ORDER_EXPIRY_DAYS = int(env.get("ORDER_EXPIRY_DAYS", "7"))
        # Days before a transfer-paid period ends that its renewal order is issued.
        self.RENEWAL_NOTICE_DAYS = int(env.get("RENEWAL_NOTICE_DAYS", "7"))
        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(env.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"), default=True)
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", "no-reply@chogiaiphapso.vn")
        # Without MAIL_SERVER every e-mail is written here as an .eml file (and logged).
        self.MAIL_FILE_DIR = env.get("MAIL_FILE_DIR") or str(Path(instance_path) / "mail")
        # Send what a request queued right after its response; the rest waits for
        # `flask outbox send`.
        self.MAIL_SEND_AFTER_REQUEST = _bool(env.get("MAIL_SEND_AFTER_REQUEST"), default=True)
        self.UPLOAD_FOLDER = env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads")
        self.UPLOAD_MAX_BYTES = int(env.get("UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
        # Largest canvas an upload may declare (width × height), checked from the header
        # before anything is decoded: 24 megapixels is a 6000 × 4000 camera photo.
        self.UPLOAD_MAX_PIXELS = int(env.get("UPLOAD_MAX_PIXELS", 24_000_000))
        # Stored image bytes per organisation, counted from the uploads table.
        self.UPLOAD_QUOTA_BYTES = int(env.get("UPLOAD_QUOTA_BYTES", 200 * 1024 * 1024))
        # Uploads attached to nothing are removed by `flask uploads purge` after this long.
        self.UPLOAD_ORPHAN_HOURS = float(env.get("UPLOAD_ORPHAN_HOURS", "24"))
        self.PER_PAGE = 20
        # The public address: absolute links in e-mails and in API answers (never the
        # request's Host). An https address also marks every cookie Secure.
        self.SITE_URL = (env.get("SITE_URL") or default_site_url(env)).rstrip("/")
        # Sign-in throttle (accounts/throttle.py): failures per (account, address) before
        # that pair waits; per account and per address before attempts are slowed to one
        # per LOGIN_SLOWDOWN_SECONDS. Sign-ups: accounts created per address.
        self.LOGIN_PAIR_LIMIT = env.get("LOGIN_PAIR_LIMIT", "5 per 15 minutes")
        self.LOGIN_ACCOUNT_LIMIT = env.get("LOGIN_ACCOUNT_LIMIT", "50 per 15 minutes")
        self.LOGIN_ADDRESS_LIMIT = env.get("LOGIN_ADDRESS_LIMIT", "300 per 15 minutes")
        self.LOGIN_SLOWDOWN_SECONDS = int(env.get("LOGIN_SLOWDOWN_SECONDS", "10"))
        self.REGISTER_LIMIT = env.get("REGISTER_LIMIT", "5 per hour")
        # Password-reset links asked for one typed e-mail, and from one client address.
        self.RESET_ACCOUNT_LIMIT = env.get("RESET_ACCOUNT_LIMIT", "3 per hour")
        self.RESET_ADDRESS_LIMIT = env.get("RESET_ADDRESS_LIMIT", "10 per hour")
        # Verification links (sign-up resend, e-mail change) sent per account and per address.
        self.VERIFY_ACCOUNT_LIMIT = env.get("VERIFY_ACCOUNT_LIMIT", "3 per hour")
        self.VERIFY_ADDRESS_LIMIT = env.get("VERIFY_ADDRESS_LIMIT", "3 per hour")
        # One Redis shared by every host: the content stamp, the kept pages, the catalogue's
        # counts, the rate limits and the sign-in throttle (README "Production").
        self.REDIS_URL = env.get("REDIS_URL", "")
        self.CACHE_KEY_PREFIX = env.get("CACHE_KEY_PREFIX", "marketplace:")
        self.PASSWORD_HASH_METHOD = env.get("PASSWORD_HASH_METHOD", "scrypt")
        # JSON API: fixed-window limit per client IP; counters in memory (per process) or Redis.
        self.API_RATE_LIMIT = env.get("API_RATE_LIMIT", "120 per minute")
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        # Per-process caches of public data (seconds; 0 turns one off): the catalogue's
        # counts and ranked search ids, and whole pages for visitors without a session.
        self.CATALOG_CACHE_SECONDS = float(env.get("CATALOG_CACHE_SECONDS", "30"))
        self.PAGE_CACHE_SECONDS = float(env.get("PAGE_CACHE_SECONDS", "30"))
        # The public dashboard's figures (activity, which renews no content stamp): counted
        # at most this often (insights/dashboard.py `kept_dashboard`).
        self.DASHBOARD_CACHE_SECONDS = float(env.get("DASHBOARD_CACHE_SECONDS", "300"))
        # The content stamp's file without REDIS_URL (default instance/content.stamp): given
        # to the search index's builder process, which must read the same one.
        self.PAGE_CACHE_STAMP = env.get("PAGE_CACHE_STAMP", "")
        # The parts of signed-in pages that are the same for everyone (core/fragments.py).
        self.FRAGMENT_CACHE_SECONDS = float(
            env.get("FRAGMENT_CACHE_SECONDS", self.CATALOG_CACHE_SECONDS)
        )
        # A signed-in user's row and unread count, per process, under a stamp of their own
        # that every commit writing users or notifications renews (core/stamps.py).
        self.ACCOUNT_CACHE_SECONDS = float(
            env.get("ACCOUNT_CACHE_SECONDS", self.CATALOG_CACHE_SECONDS)
        )
        # Searches: "tantivy", an index of the public listings in each process, built from
        # the database and brought up to date with the content stamp (the database answers
        # while it is built), or "database" (FTS5 / tsvector) alone (catalog/search_engine.py).
        self.SEARCH_ENGINE = env.get("SEARCH_ENGINE", "tantivy")
        # "background" (a builder process per host, the database answering meanwhile) or
        # "inline" (in the process that needs it, as in the tests).
        self.SEARCH_ENGINE_BUILD = env.get("SEARCH_ENGINE_BUILD", "background")
        # The host's index folder (catalog/search_engine_host.py); default instance/search-index.
        self.SEARCH_INDEX_PATH = env.get("SEARCH_INDEX_PATH", "")
        # How long the host's builder process stays, watching for changes, after the last one.
        self.SEARCH_BUILDER_IDLE_SECONDS = float(env.get("SEARCH_BUILDER_IDLE_SECONDS", "300"))
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are
        # trusted (0: none; the client address is then the socket's).
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", "0"))
        # Operations (README "Vận hành / Operations"): logs, error reports, metrics.
        self.LOG_FORMAT = env.get("LOG_FORMAT", "text")
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        self.SENTRY_DSN = env.get("SENTRY_DSN", "")
        self.SENTRY_TRACES_SAMPLE_RATE = float(env.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
        self.METRICS_TOKEN = env.get("METRICS_TOKEN", "")
        # Views and comparison adds: how many anonymous visitors (address + browser) of one
        # address count per solution and day; the rest are ignored (made-up User-Agents).
        self.COUNTER_ADDRESS_CAP = int(env.get("COUNTER_ADDRESS_CAP", "50"))
        # Views are written together, this many seconds after the first of a batch
        # (insights/view_queue.py); 0 writes each view on its own after its response.
        self.VIEW_COUNT_DELAY_SECONDS = float(env.get("VIEW_COUNT_DELAY_SECONDS", "2"))


class TestConfig(Config):
    """Settings for the test suite: a given database, CSRF off unless a test turns it on."""

    def __init__(self, instance_path: str, database_url: str) -> None:
        super().__init__(instance_path)
        self.TESTING = True
        self.SECRET_KEY = secrets.token_hex(16)
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.WTF_CSRF_ENABLED = False
        self.CATALOG_CACHE_SECONDS = 0
        # Each view written after its response, as the tests read the counters at once.
        self.VIEW_COUNT_DELAY_SECONDS = 0
        self.PAGE_CACHE_SECONDS = 0
        self.DASHBOARD_CACHE_SECONDS = 0
        self.FRAGMENT_CACHE_SECONDS = 0
        self.ACCOUNT_CACHE_SECONDS = 0
        # Searches ask the database unless a test turns the engine on (or the suite is run
        # with SEARCH_ENGINE=tantivy); tests/catalog/test_search_engine.py holds it to them.
        self.SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "database")
        self.SEARCH_ENGINE_BUILD = "inline"
        self.SEARCH_BUILDER_IDLE_SECONDS = 0.0  # a builder process a test starts exits when done
        self.SEARCH_INDEX_PATH = str(Path(instance_path) / f"search-index-{secrets.token_hex(6)}")
        # Each app has its own content stamp unless a test shares one on purpose.
        self.PAGE_CACHE_STAMP = str(Path(instance_path) / f"content-{secrets.token_hex(6)}.stamp")
        # E-mails stay queued unless a test sends them; each app writes its own folder.
        self.MAIL_SEND_AFTER_REQUEST = False
        self.MAIL_FILE_DIR = str(Path(instance_path) / f"mail-{secrets.token_hex(6)}")
        # Fast hashing keeps the suite quick; production uses scrypt.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def default_site_url(env) -> str:
    """Return the address the development server listens on, from its own settings.

    `flask run` reads FLASK_RUN_HOST/FLASK_RUN_PORT (`make run` sets them from HOST/PORT);
    the request's Host header is never used (it would let anyone forge links in e-mails).
    """
    host = env.get("FLASK_RUN_HOST") or "127.0.0.1"
    port = env.get("FLASK_RUN_PORT") or env.get("PORT") or "5000"
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def normalise_database_url(url: str) -> str:
    """Point postgres URLs at psycopg 3, whatever scheme they were given with."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
