"""Signing in: password checks that resist guessing, and the signed sign-in cookie.

Failed sign-ins are counted in ``accounts.db`` (table ``sign_in_failures``) per account and per
client (the browser session). After :func:`max_failures` failures in a row the account is locked
for :func:`lockout_seconds`, doubling with every further failure up to :data:`MAX_LOCKOUT`; a
client gets :func:`max_client_failures` tries over all usernames before the same back-off. An
unknown username is counted and locked exactly like a real one and its password is checked
against a dummy hash, so neither the answer, the lock nor the time taken tells which usernames
exist.

streamlit-authenticator's own ``max_login_attempts`` counts failures in the credentials
dictionary of one ``Authenticate`` object, in memory: the app builds that object from
``accounts.db`` on every run, so that count would start from zero each time, is not shared by two
server processes, has no time-out and returns as soon as the username is unknown (the timing
leak). Those checks are therefore made here, and the library is used for what it does well: its
session-state keys, its resume-from-token login and its cookie component.

The cookie is a JWT signed with HS256 holding the username, an expiry and the account's session
version (:meth:`cxcore.accounts.Accounts.session_version`); :func:`read_token` accepts nothing
else (no ``alg=none``, no missing or non-numeric expiry, no other version).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from cxcore.accounts import Accounts, verify_password

DEFAULT_MAX_FAILURES = 5
DEFAULT_MAX_CLIENT_FAILURES = 20
DEFAULT_LOCKOUT_SECONDS = 30
#: The longest a lock lasts however many failures came before (15 minutes).
MAX_LOCKOUT = 900
#: Failure counts older than this are forgotten (rows pruned), so the table stays small.
FORGET_AFTER = timedelta(days=1)


def _env_int(name: str, default: int, minimum: int) -> int:
    try:
        return max(minimum, int(os.environ.get(name, default)))
    except ValueError:
        return default


def max_failures() -> int:
    """Failed sign-ins in a row before an account is locked: ``CX_SIGNIN_MAX_FAILURES`` (5)."""
    return _env_int("CX_SIGNIN_MAX_FAILURES", DEFAULT_MAX_FAILURES, 1)


def max_client_failures() -> int:
    """Failed sign-ins (any usernames) before one client is locked:
    ``CX_SIGNIN_CLIENT_MAX_FAILURES`` (20)."""
    return _env_int("CX_SIGNIN_CLIENT_MAX_FAILURES", DEFAULT_MAX_CLIENT_FAILURES, 1)


def lockout_seconds() -> int:
    """The first lock's length in seconds: ``CX_SIGNIN_LOCKOUT_SECONDS`` (30); each further
    failure doubles it, up to :data:`MAX_LOCKOUT`."""
    return _env_int("CX_SIGNIN_LOCKOUT_SECONDS", DEFAULT_LOCKOUT_SECONDS, 0)


def lock_length(failures: int, threshold: int) -> int:
    """Seconds locked after ``failures`` failures in a row: none below ``threshold``, then
    ``lockout_seconds() * 2 ** (failures - threshold)``, at most :data:`MAX_LOCKOUT`."""
    if failures < threshold:
        return 0
    return min(MAX_LOCKOUT, lockout_seconds() * 2 ** min(failures - threshold, 20))


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in attempt came to: ``ok``; otherwise ``reason`` is ``"wrong"`` (unknown
    user or wrong password, deliberately the same), ``"locked"`` (wait ``retry_after`` seconds)
    or ``"disabled"`` (right password, disabled account)."""

    ok: bool
    username: str
    reason: str = ""
    retry_after: int = 0

    @property
    def message(self) -> str:
        """The sentence to show the person signing in."""
        if self.ok:
            return ""
        if self.reason == "locked":
            wait = (f"{self.retry_after} seconds" if self.retry_after < 120
                    else f"{-(-self.retry_after // 60)} minutes")
            return f"Too many failed sign-ins. Wait {wait}, then try again."
        if self.reason == "disabled":
            return "This account is disabled. Ask an administrator."
        return "Unknown username or wrong password."


def _parse(at: str | None) -> datetime | None:
    return datetime.fromisoformat(at) if at else None


def _seconds_left(acc: Accounts, key: str, now: datetime) -> int:
    row = acc.db.execute("select locked_until from sign_in_failures where key = ?",
                         [key]).fetchone()
    until = _parse(row[0]) if row else None
    return max(0, int((until - now).total_seconds() + 0.999)) if until and until > now else 0


def _record_failure(acc: Accounts, key: str, threshold: int, now: datetime) -> int:
    """Count one failure under ``key``; returns the seconds it is now locked for."""
    with acc.write():
        row = acc.db.execute("select failures, last_failure_at from sign_in_failures "
                             "where key = ?", [key]).fetchone()
        last = _parse(row[1]) if row else None
        failures = (row[0] if row and last and now - last < FORGET_AFTER else 0) + 1
        seconds = lock_length(failures, threshold)
        acc.db.execute(
            "insert into sign_in_failures (key, failures, locked_until, last_failure_at) "
            "values (?, ?, ?, ?) on conflict (key) do update set failures = excluded.failures, "
            "locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at",
            [key, failures, (now + timedelta(seconds=seconds)).isoformat() if seconds else None,
             now.isoformat()])
        acc.db.execute("delete from sign_in_failures where last_failure_at < ?",
                       [(now - FORGET_AFTER).isoformat()])
    return seconds


def failures(acc: Accounts, key: str) -> int:
    """Failed sign-ins in a row counted under ``key`` (``user:NAME`` or ``client:ID``)."""
    row = acc.db.execute("select failures from sign_in_failures where key = ?", [key]).fetchone()
    return row[0] if row else 0


def sign_in(acc: Accounts, username: str, password: str, *, client: str,
            now: datetime | None = None) -> SignInResult:
    """Check a sign-in attempt by ``client`` (any stable id of the browser session).

    A locked account or client is refused before any password is checked. Otherwise the
    password is verified against the stored hash, or against a dummy hash for an unknown
    username; a failure is counted for both the account and the client, a success clears the
    account's count.
    """
    now = now or datetime.now(UTC)
    username = (username or "").strip().lower()
    user_key, client_key = f"user:{username}", f"client:{client}"
    wait = max(_seconds_left(acc, user_key, now), _seconds_left(acc, client_key, now))
    if wait:
        return SignInResult(False, username, "locked", wait)
    row = acc.db.execute("select password_hash, disabled from users where username = ?",
                         [username]).fetchone()
    if verify_password(password, row[0] if row else None):
        if row[1]:
            return SignInResult(False, username, "disabled")
        with acc.write():
            acc.db.execute("delete from sign_in_failures where key in (?, ?)",
                           [user_key, client_key])
        return SignInResult(True, username)
    locked = _record_failure(acc, user_key, max_failures(), now)
    locked = max(locked, _record_failure(acc, client_key, max_client_failures(), now))
    if locked and failures(acc, user_key) == max_failures():
        acc.audit(None, "sign-in", "locked", username=username if row else None,
                  summary=f"sign-in locked for {locked} s after {max_failures()} failures"
                  + ("" if row else " (unknown username)"))
    return SignInResult(False, username, "locked" if locked else "wrong", locked)


# ---- the sign-in cookie ---------------------------------------------------------------------

def make_token(username: str, version: int, key: str, expiry_days: float,
               now: datetime | None = None) -> str:
    """The signed cookie value for ``username`` at session ``version``."""
    now = now or datetime.now(UTC)
    expires = (now + timedelta(days=expiry_days)).timestamp()
    return jwt.encode({"username": username, "exp_date": expires, "ver": version,
                       "iat": int(now.timestamp())}, key, algorithm="HS256")


def read_token(token: Any, key: str, now: datetime | None = None) -> tuple[str, int] | None:
    """``(username, version)`` from a cookie made by :func:`make_token`, or ``None`` for
    anything else: bad signature, another algorithm (``none`` included), garbage, missing or
    non-numeric expiry or version, expired. Never raises."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    if not isinstance(claims, dict):
        return None
    username, expires, version = (claims.get("username"), claims.get("exp_date"),
                                  claims.get("ver"))
    if not isinstance(username, str) or not username:
        return None
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    if expires <= (now or datetime.now(UTC)).timestamp():
        return None
    return username, version


def check_token(acc: Accounts, token: Any, now: datetime | None = None) -> str | None:
    """The username a cookie still signs in, or ``None`` (invalid, expired, unknown or disabled
    user, or the user's sessions were revoked since it was made)."""
    claims = read_token(token, acc.cookie_key(), now)
    if claims is None:
        return None
    username, version = claims
    return username if acc.session_version(username) == version else None

