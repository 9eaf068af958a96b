"""Exceptions that cxcore raises for the UI and the CLI to show as plain messages."""

from __future__ import annotations

from dataclasses import dataclass


class CXError(Exception):
    """Base class: the message is meant to be shown to the user as is."""


class PermissionDenied(CXError):
    """The signed-in user's role in a workspace does not allow the operation."""


class NotFound(CXError):
    """A record, user or workspace that was asked for does not exist (or is not visible)."""


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
