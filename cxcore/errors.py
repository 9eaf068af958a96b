"""Exceptions that cxcore raises for the UI and the CLI to show as plain messages."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from dataclasses import dataclass


class CXError(Exception):
    """Base class: the message is meant to be shown to the user as is."""


class PermissionDenied(CXError):
    """The signed-in user's role in a workspace does not allow the operation."""


class NotFound(CXError):
    """A record, user or workspace that was asked for does not exist (or is not visible)."""


class Busy(CXError, sqlite3.OperationalError):
    """Another writer held the database's lock for longer than the busy timeout.

    The write was rolled back whole, so trying again is safe. It is also an
    ``sqlite3.OperationalError``, so code that handles SQLite errors keeps working.
    """

    MESSAGE = ("The workspace is busy (someone else is saving right now), so nothing was "
               "saved. Try again in a moment.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.MESSAGE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input: where it is and why it is wrong.

    ``row`` is the 1-based data row of an uploaded file (``None`` for a single form), ``field``
    the column or form field, ``reason`` a sentence a person can act on.
    """

    field: str
    reason: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.reason}"


class ValidationError(CXError):
    """Input was rejected; nothing was stored. ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str = "input") -> None:
        if isinstance(problems, str):
            problems = [Problem(field=field, reason=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]) + (
            f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        ))


class Unexpected(CXError):
    """Stands in for an exception nobody anticipated, so a person sees a short message (with a
    reference to find the logged traceback) instead of the traceback itself."""


log = logging.getLogger("cxcore")


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` is SQLite's "database is locked/busy" (the busy timeout ran out)."""
    if isinstance(exc, Busy):
        return True
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc)
    return "database is locked" in text or "database is busy" in text


def refusal(exc: Exception) -> CXError:
    """``exc`` as an error to show a person: a :class:`CXError` as is, a lock timeout as
    :class:`Busy`, anything else as :class:`Unexpected` after logging its traceback."""
    if isinstance(exc, CXError):
        return exc
    if is_busy(exc):
        return Busy()
    ref = secrets.token_hex(4)
    log.error("Unexpected error (reference %s)", ref, exc_info=exc)
    return Unexpected(f"Something went wrong ({type(exc).__name__}) and the action did not "
                      f"complete. The details are logged under reference {ref}.")
