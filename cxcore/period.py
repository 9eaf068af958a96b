"""A reporting period as a value: parsed once where it enters (a page, the command line) and
passed down to every function that filters by date.

Periods are ``all`` (every record), a year ``2026``, a quarter ``2026-Q3``, a month ``2026-05``,
or a date range ``2026-01-15..2026-03-31`` (both days included). A record belongs to a period
when its ISO date falls in ``[start, end)`` (``end`` is the day after the last day), so a
filter is ``date >= start and date < end``.

Ground floor: imports nothing from cxcore but :mod:`cxcore.errors`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cxcore.errors import Problem, ValidationError

#: The average month, in days (a period's length in months, customer-months of exposure).
DAYS_PER_MONTH = 365.2425 / 12

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, when negative) ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A reporting period: ``start`` inclusive, ``end`` exclusive (ISO dates); both None = all.

    Make one with :meth:`Period.parse` (or :func:`parse_period`); ``label`` is its canonical
    text (``2026-Q3``), which parses back to the same period."""

    label: str
    start: str | None
    end: str | None
    grain: str  # "all", "year", "quarter", "month", "range"

    @classmethod
    def parse(cls, text: str | Period | None) -> Period:
        """A period from ``all`` / ``2026`` / ``2026-Q3`` / ``2026-05`` /
        ``2026-01-15..2026-03-31`` (empty = all); raises ValidationError for anything else. A
        :class:`Period` is returned as it is."""
        if isinstance(text, Period):
            return text
        raw = (text or "all").strip()
        if raw.lower() == "all":
            return cls("all", None, None, "all")
        if match := _YEAR.match(raw):
            year = int(match.group(1))
            return cls(raw, f"{year:04d}-01-01", f"{year + 1:04d}-01-01", "year")
        if match := _QUARTER.match(raw):
            year, quarter = int(match.group(1)), int(match.group(2))
            first = date(year, 3 * quarter - 2, 1)
            return cls(f"{year}-Q{quarter}", first.isoformat(),
                       add_months(first, 3).isoformat(), "quarter")
        if match := _MONTH.match(raw):
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                first = date(year, month, 1)
                return cls(raw, first.isoformat(), add_months(first, 1).isoformat(), "month")
        if match := _RANGE.match(raw):
            try:
                first = date.fromisoformat(match.group(1))
                last = date.fromisoformat(match.group(2))
            except ValueError:
                first = last = None
            if first and last and first <= last:
                return cls.days(first, last)
        raise ValidationError(Problem(
            "period", f"'{raw}' is not a period: use all, a year (2026), a quarter (2026-Q3), "
                      "a month (2026-05) or a date range (2026-01-01..2026-03-31)."))

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        """The date range from ``first`` to ``last``, both days included."""
        return cls(f"{first}..{last}", first.isoformat(),
                   (last + timedelta(days=1)).isoformat(), "range")

    @property
    def is_all(self) -> bool:
        """True for the whole history."""
        return self.start is None

    def months(self) -> float | None:
        """Length in months of :data:`DAYS_PER_MONTH` days (None for all)."""
        if self.start is None or self.end is None:
            return None
        days = (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days
        return days / DAYS_PER_MONTH

    def previous(self) -> Period | None:
        """The period of the same kind and length just before this one (None for all): the
        year, quarter or month before, or the range of as many days ending the day before."""
        if self.start is None or self.end is None:
            return None
        start, end = date.fromisoformat(self.start), date.fromisoformat(self.end)
        if self.grain == "year":
            return Period.parse(str(start.year - 1))
        if self.grain == "quarter":
            prev = add_months(start, -3)
            return Period.parse(f"{prev.year}-Q{(prev.month - 1) // 3 + 1}")
        if self.grain == "month":
            prev = add_months(start, -1)
            return Period.parse(f"{prev.year:04d}-{prev.month:02d}")
        return Period.days(start - (end - start), start - timedelta(days=1))

    def words(self) -> str:
        """The period as said in a sentence: ``all`` is "all the data", others their label."""
        return "all the data" if self.is_all else self.label


def parse_period(text: str | Period | None) -> Period:
    """:meth:`Period.parse`: a :class:`Period` from its text; a Period is returned as it is,
    so the edge (page, CLI) parses once and passes the value down."""
    return Period.parse(text)


def previous_period(period: Period) -> Period | None:
    """:meth:`Period.previous`: the period of the same kind and length just before."""
    return period.previous()
