"""Password rules and bcrypt hashing (no database)."""

from __future__ import annotations

import os
import secrets

import bcrypt

from cxcore.accounts.tables import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or ``None`` if it is.

    Policy: 8 to 72 characters (bcrypt's limit), not only spaces, no space at either end.
    Length beats composition
    rules (NIST SP 800-63B section 5.1.1.2).
    """
    if not password or not password.strip():
        return "a password is required"
    if password != password.strip():
        # Refused rather than trimmed: a trimmed password would silently differ from the one
        # typed at sign-in, which is used exactly as typed.
        return "must not begin or end with a space"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password.encode()) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} bytes long"
    return None


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (the format streamlit-authenticator checks against).

    Cost 12 by default; ``CX_BCRYPT_ROUNDS`` lowers it for test suites (never below 4).
    """
    rounds = max(4, int(os.environ.get("CX_BCRYPT_ROUNDS", "12")))
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


_dummy_hashes: dict[int, bytes] = {}


def dummy_hash() -> bytes:
    """A bcrypt hash of a random secret at the current cost, checked in place of a real hash
    when a username is unknown, so that answer takes as long as a wrong password."""
    rounds = max(4, int(os.environ.get("CX_BCRYPT_ROUNDS", "12")))
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds))
    return _dummy_hashes[rounds]


def verify_password(password: str | None, password_hash: str | None) -> bool:
    """True if ``password`` matches ``password_hash``; with no hash (unknown user) a dummy hash
    is verified instead and the answer is False, in the same time."""
    candidate = (password or "").encode()[:MAX_PASSWORD_LENGTH]
    target = password_hash.encode() if password_hash else dummy_hash()
    try:
        matched = bcrypt.checkpw(candidate, target)
    except ValueError:  # a damaged stored hash: never a match
        matched = False
    return bool(matched and password_hash and password)
