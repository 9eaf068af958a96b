"""The period windows every peer uses, written out as the scorecard defines them
(``cxcore/period.py``: ``Period.parse``, ``Period.previous``; ``cxcore/scorecard/revenue.py``:
``_revenue_windows``), for ``all`` and quarters only; standalone so the peers import nothing
from the app."""

from __future__ import annotations

from datetime import date, timedelta


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def windows(period: str, hi: str) -> dict[str, str | None]:
    """start/end of the period (None for all), the customers' end for all (``hi`` + 1 day),
    and the revenue cohort's base start, start and end."""
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat()
    if period == "all":
        last = date.fromisoformat(hi)
        end = _add_months(date(last.year, last.month, 1), 1)
        start = _add_months(end, -12)
        return {"start": None, "end": None, "as_of_end": as_of_end,
                "base_start": _add_months(start, -12).isoformat(),
                "rev_start": start.isoformat(), "rev_end": end.isoformat()}
    year, quarter = int(period[:4]), int(period[-1])
    first = date(year, 3 * quarter - 2, 1)
    return {"start": first.isoformat(), "end": _add_months(first, 3).isoformat(),
            "as_of_end": as_of_end, "base_start": _add_months(first, -3).isoformat(),
            "rev_start": first.isoformat(), "rev_end": _add_months(first, 3).isoformat()}
