"""The clock: how the app reads the current time, in one place (ground floor: imports nothing
from cxcore), so every stored timestamp has the same form and tests have one thing to pin."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now_iso() -> str:
    """The current UTC time as an ISO-8601 string with seconds, as stored everywhere."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def today() -> date:
    """Today's date on the server (the default 'as of' day of periods, due dates and reports)."""
    return date.today()
