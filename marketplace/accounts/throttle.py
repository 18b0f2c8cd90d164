"""Slow down password guessing without letting a stranger lock the owner out.

Policy (numbers from the configuration; README "Đăng nhập: chống dò mật khẩu"):

- Failures are counted per (account, address): after `LOGIN_PAIR_LIMIT` (5 per 15 minutes)
  that address may not try that account again until the window ends. Other addresses, and
  other accounts from the same address (a shared NAT), are not affected.
- Failures are also counted per account from every address: beyond `LOGIN_ACCOUNT_LIMIT`
  (50 per 15 minutes) the account is slowed, not locked: one attempt per
  `LOGIN_SLOWDOWN_SECONDS` (10 s) from anywhere, so the owner still gets in; an address
  the account signed in from in the last 30 days is not slowed at all.
- Per address over every account, beyond `LOGIN_ADDRESS_LIMIT` (300 per 15 minutes), that
  address is slowed the same way (credential stuffing from one machine).

Every attempt is counted *before* the password is checked, with an atomic increment, and a
correct password gives its count back; so under any concurrency exactly N attempts pass a
limit of N. Counters live in Redis (`INCR` and an expiry in one script) when
`RATELIMIT_STORAGE_URI` (or `REDIS_URL`) is a `redis://` address, else in this process's
memory, which several workers do not share (a warning is logged at start-up).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse

EXTENSION_KEY = "login_throttle"
# How long an address an account signed in from skips that account's slow-down.
KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600
DEFAULTS = {
    "LOGIN_PAIR_LIMIT": "5 per 15 minutes",
    "LOGIN_ACCOUNT_LIMIT": "50 per 15 minutes",
    "LOGIN_ADDRESS_LIMIT": "300 per 15 minutes",
    "LOGIN_SLOWDOWN_SECONDS": 10,
    "REGISTER_LIMIT": "5 per hour",
    "RESET_ACCOUNT_LIMIT": "3 per hour",
    "RESET_ADDRESS_LIMIT": "10 per hour",
    "VERIFY_ACCOUNT_LIMIT": "3 per hour",
    "VERIFY_ADDRESS_LIMIT": "3 per hour",
}
# How long a reset's new generation of pair counters is remembered: well beyond any window.
GENERATION_SECONDS = 24 * 3600


def _now() -> float:
    return time.monotonic()


class MemoryCounters:
    """Expiring counters in this process; every change happens under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def incr(self, key: str, seconds: float, amount: int = 1) -> tuple[int, float]:
        """Add `amount` and return the new count and the seconds left in its window."""
        now = _now()
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + seconds
                if len(self._counts) > 10_000:
                    self._sweep(now)
            count = max(0, count + amount)
            self._counts[key] = (count, expires)
            return count, expires - now

    def get(self, key: str) -> int:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            return count if expires > _now() else 0

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def _sweep(self, now: float) -> None:
        # Forget finished windows so that guessed e-mails do not grow the table forever.
        for key in [k for k, (_, expires) in self._counts.items() if expires <= now]:
            del self._counts[key]


_INCR_SCRIPT = """
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n < 0 then n = 0; redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
"""


class RedisCounters:
    """Expiring counters shared by every process and host through one Redis."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix
        self._script = self._redis.register_script(_INCR_SCRIPT)

    def incr(self, key: str, seconds: float, amount: int = 1) -> tuple[int, float]:
        count, ttl = self._script(
            keys=[self._prefix + key], args=[max(1, int(seconds * 1000)), amount]
        )
        return int(count), int(ttl) / 1000

    def get(self, key: str) -> int:
        return int(self._redis.get(self._prefix + key) or 0)

    def clear(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


def storage_uri(config) -> str:
    """Name where the counters live: the rate-limit storage, else REDIS_URL, else memory."""
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory") and config.get("REDIS_URL"):
        uri = config["REDIS_URL"]
    return uri


def _counters():
    counters = current_app.extensions.get(EXTENSION_KEY)
    if counters is None:
        uri = storage_uri(current_app.config)
        if uri.startswith(("redis://", "rediss://", "unix://")):
            prefix = current_app.config.get("LOGIN_THROTTLE_PREFIX") or "throttle:"
            counters = RedisCounters(uri, prefix)
        else:
            counters = MemoryCounters()
        current_app.extensions[EXTENSION_KEY] = counters
    return counters


def _limit(name: str) -> tuple[int, float]:
    item = parse(str(current_app.config.get(name) or DEFAULTS[name]))
    return item.amount, float(item.get_expiry())


def _slowdown_seconds() -> float:
    return float(current_app.config.get("LOGIN_SLOWDOWN_SECONDS") or 10)


def _digest(value: str) -> str:
    # Keys carry no e-mail in clear (Redis may be shared) and stay short whatever was typed.
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def account_key(email: str) -> str:
    """Name an account's counters by its normalised e-mail, so every variant counts once."""
    from marketplace.accounts.services import normalise_email

    return _digest(normalise_email(email)[:254])


@dataclass(frozen=True)
class Verdict:
    """Whether one sign-in attempt may check its password, and if not, why and how long."""

    allowed: bool
    reason: str = ""  # "locked" (this address, this account) or "slowed"
    retry_after: int = 0


def _slowed(kind: str, key: str, limit_name: str) -> Verdict | None:
    amount, window = _limit(limit_name)
    count, _ = _counters().incr(f"{kind}:{key}", window)
    if count <= amount:
        return None
    # Over the limit: one attempt per slowdown period, whoever makes it.
    seconds = _slowdown_seconds()
    taken, left = _counters().incr(f"slot:{kind}:{key}", seconds)
    if taken <= 1:
        return None
    return Verdict(False, "slowed", max(1, int(left + 0.999)))


def _pair_key(account: str, address: str) -> str:
    # A password reset moves the account to a new generation: every address's failures
    # before it are forgotten at once, without listing them.
    generation = _counters().get(f"gen:{account}")
    return f"pair:{account}:{generation}:{address}"


def begin_attempt(email: str, address: str) -> Verdict:
    """Count a sign-in attempt before its password is checked; tell whether it may go on."""
    account, address = account_key(email), _digest(address or "unknown")
    counters = _counters()
    amount, window = _limit("LOGIN_PAIR_LIMIT")
    count, left = counters.incr(_pair_key(account, address), window)
    if count > amount:
        return Verdict(False, "locked", max(1, int(left + 0.999)))
    # An address this account signed in from lately is not slowed by attacks from elsewhere.
    if counters.get(f"known:{account}:{address}"):
        return Verdict(True)
    for kind, key, limit_name in (
        ("account", account, "LOGIN_ACCOUNT_LIMIT"),
        ("address", address, "LOGIN_ADDRESS_LIMIT"),
    ):
        verdict = _slowed(kind, key, limit_name)
        if verdict is not None:
            return verdict
    return Verdict(True)


def attempt_succeeded(email: str, address: str) -> None:
    """Give back a correct password's count: forget this pair, take one off the others."""
    account, address = account_key(email), _digest(address or "unknown")
    counters = _counters()
    counters.clear(_pair_key(account, address))
    known = f"known:{account}:{address}"
    if not counters.get(known):
        # The first success in the window only: the others were never counted.
        for kind, key, limit_name in (
            ("account", account, "LOGIN_ACCOUNT_LIMIT"),
            ("address", address, "LOGIN_ADDRESS_LIMIT"),
        ):
            counters.incr(f"{kind}:{key}", _limit(limit_name)[1], amount=-1)
    counters.incr(known, KNOWN_ADDRESS_SECONDS)


def clear_account(email: str) -> None:
    """Forget an account's failed sign-ins everywhere (its password was just reset)."""
    account = account_key(email)
    counters = _counters()
    counters.incr(f"gen:{account}", GENERATION_SECONDS)
    counters.clear(f"account:{account}")
    counters.clear(f"slot:account:{account}")


@dataclass(frozen=True)
class AccountState:
    """An account's sign-in attempts from every address in the current window (read only)."""

    attempts: int
    limit: int
    window_minutes: int

    @property
    def slowed(self) -> bool:
        return self.attempts > self.limit


def account_state(email: str) -> AccountState:
    """Read an account's throttle counter without counting anything (the operator's console)."""
    amount, window = _limit("LOGIN_ACCOUNT_LIMIT")
    attempts = _counters().get(f"account:{account_key(email)}")
    return AccountState(attempts=attempts, limit=amount, window_minutes=int(window // 60))


def begin_reset_request(email: str, address: str) -> Verdict:
    """Count a request for a reset link, per typed address and per client address.

    Counted whether or not the e-mail has an account, so the answer tells nothing.
    """
    for name, key in (
        ("RESET_ACCOUNT_LIMIT", f"reset:account:{account_key(email)}"),
        ("RESET_ADDRESS_LIMIT", f"reset:address:{_digest(address or 'unknown')}"),
    ):
        amount, window = _limit(name)
        count, left = _counters().incr(key, window)
        if count > amount:
            return Verdict(False, "locked", max(1, int(left + 0.999)))
    return Verdict(True)


def begin_verification_link(user_id: int, email: str) -> Verdict:
    """Count a verification link about to be e-mailed, per account and per recipient address.

    Both are counted, so neither many accounts nor many addresses flood one inbox.
    """
    for name, key in (
        ("VERIFY_ACCOUNT_LIMIT", f"verify:account:{int(user_id)}"),
        ("VERIFY_ADDRESS_LIMIT", f"verify:address:{account_key(email)}"),
    ):
        amount, window = _limit(name)
        count, left = _counters().incr(key, window)
        if count > amount:
            return Verdict(False, "locked", max(1, int(left + 0.999)))
    return Verdict(True)


def begin_registration(address: str) -> Verdict:
    """Count an account about to be created from `address`; refuse beyond `REGISTER_LIMIT`."""
    amount, window = _limit("REGISTER_LIMIT")
    count, left = _counters().incr(f"register:{_digest(address or 'unknown')}", window)
    if count > amount:
        return Verdict(False, "locked", max(1, int(left + 0.999)))
    return Verdict(True)


def registration_abandoned(address: str) -> None:
    """Give back the count of a sign-up that created no account (the form had an error)."""
    window = _limit("REGISTER_LIMIT")[1]
    _counters().incr(f"register:{_digest(address or 'unknown')}", window, amount=-1)


def configured_workers(environ=None, argv=None) -> int:
    """Guess how many worker processes serve the app (WEB_CONCURRENCY or gunicorn options)."""
    environ = os.environ if environ is None else environ
    argv = sys.argv if argv is None else argv
    workers = 1
    raw = (environ.get("WEB_CONCURRENCY") or "").strip()
    if raw.isdigit():
        workers = max(workers, int(raw))
    args = shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    if argv and os.path.basename(str(argv[0])).startswith("gunicorn"):
        args += list(argv[1:])
    for i, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value and value.isdigit():
            workers = max(workers, int(value))
    return workers


def init_app(app: Flask) -> None:
    """Set the defaults and warn when counters are per process but workers are several."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    workers = configured_workers()
    if workers > 1 and not storage_uri(app.config).startswith(("redis", "unix")):
        app.logger.warning(
            "Sign-in throttle counters are kept per process but %d workers are configured: "
            "each worker counts on its own, so an attacker gets up to %d times the limits. "
            "Set RATELIMIT_STORAGE_URI (or REDIS_URL) to a shared redis:// address.",
            workers,
            workers,
        )
