"""Benchmarks across clients: the workspaces a user belongs to, side by side.

A consultant with several clients wants to show each one where it stands in the field.
Clients' data cover different spans (one imported last week, another stopped a year ago), so
:func:`compare_workspaces` offers two ways to pick the period (:data:`MODES`):

- ``latest`` (the default): **each client's latest complete period** of a grain (quarter, month
  or year; :func:`latest_complete_period`), shown on each row;
- ``same``: **the same period for all**; a client whose data does not observe that period
  (:func:`observes`) gets null period metrics, shown as "no data", never a 0 or a partial
  number.

For every workspace and its period the row holds:

- NPS with its 95 % interval (adjusted Wald, as on the scorecard) and the number of answers;
- CSAT (share of 4-5 answers) with its 95 % Wilson interval and n;
- churn (customers at the start of the period who left during it) with its base;
- the program checklist: steps done of six and the overall progress;
- journey parts rated red (journeys not archived);
- open actions (open or in progress), of which overdue.

The last three are the program's state today, not the period's. A metric without data is
``None``, never 0; an NPS from fewer answers than the workspace's
small-sample threshold is flagged ``nps_small``. With ``anonymise`` every client except
``keep`` is named "Client A", "Client B", … (letters in table order, so the field can be shown
to one client without naming the others).

Cost: each workspace is its own SQLite file and is read with the same fixed set of aggregate
queries, so the time grows linearly with the number of workspaces (flat per workspace); see
``bench/compare_bench.py`` and docs/benchmarks.md.
"""

from __future__ import annotations

import math
from datetime import date
from string import ascii_uppercase
from typing import Any

from cxcore import checklist, journeys, metrics, scorecard
from cxcore.accounts import SYSTEM, Accounts, WorkspaceInfo
from cxcore.errors import Problem, ValidationError
from cxcore.workspace import WorkspaceSession, open_session

#: The fields of a row, in the order the table and the CLI show them.
FIELDS = ("workspace", "period", "observed", "data_from", "data_to", "nps", "nps_low",
          "nps_high", "nps_n", "nps_small", "csat_pct", "csat_low", "csat_high", "csat_n",
          "churn_rate_pct", "churn_base", "steps_done", "progress_pct", "red_parts",
          "open_actions", "overdue_actions")


#: How the period of each row is chosen (see the module docstring).
MODES = {"latest": "each client's latest complete period",
         "same": "the same period for all"}
GRAINS = ("quarter", "month", "year")


def last_complete_quarter(today: date) -> str:
    """The calendar quarter before the one ``today`` is in (``2026-Q3`` on 2 Dec 2026)."""
    return last_complete_period(today, "quarter")


def last_complete_period(today: date, grain: str = "quarter") -> str:
    """The calendar period of ``grain`` (quarter, month, year) before the one ``today`` is in:
    ``2026-Q3``, ``2026-11`` or ``2025`` on 2 Dec 2026."""
    if grain == "year":
        return str(today.year - 1)
    if grain == "month":
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return f"{year:04d}-{month:02d}"
    if grain != "quarter":
        raise ValidationError(Problem("grain", f"'{grain}' is not one of {', '.join(GRAINS)}"))
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return f"{year}-Q{quarter}"


def observes(span: tuple[str | None, str | None], period: scorecard.Period,
             today: date) -> bool:
    """Whether a client whose dated data run from ``span`` = (first day, last day) observes
    ``period``: its data began before the period ended and run to the period's end, and the
    period is over by ``today`` (a period in progress, or one after the data stop, would show
    a partial number: churn would look like 0 %). ``all`` is observed with any data."""
    first, last = span
    if first is None or last is None:
        return False
    if period.is_all:
        return True
    end = period.end or ""
    return first < end and end <= scorecard.next_day(last) and end <= today.isoformat()


def latest_complete_period(span: tuple[str | None, str | None], today: date,
                           grain: str = "quarter") -> str | None:
    """The newest calendar period of ``grain`` that a client with the data ``span`` observes
    completely (:func:`observes`), or None when it observes none (no data, or only a period
    in progress). E.g. data from 2024-03-10 to 2025-08-20 seen on 2 Dec 2026: ``2025-Q2``."""
    first, last = span
    if first is None or last is None:
        return None
    # The newest candidate: the period before today's, or the one the data's last day ends.
    limit = min(date.fromisoformat(scorecard.next_day(last)), today)
    label = last_complete_period(limit, grain)
    per = scorecard.parse_period(label)
    return label if observes(span, per, today) else None


def wilson_interval(k: int, n: int, z: float = metrics.Z95) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a proportion k / n, as fractions (None for n = 0):
    (p + z²/2n ± z·sqrt(p(1 − p)/n + z²/4n²)) / (1 + z²/n) (Wilson 1927)."""
    if n <= 0:
        return None
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale))


def workspaces_for(accounts: Accounts, username: str) -> list[WorkspaceInfo]:
    """The workspaces to compare: ``username``'s (not archived); every workspace for the
    server's operator (:data:`~cxcore.accounts.SYSTEM`)."""
    if username == SYSTEM:
        rows = accounts.db.query("select id from workspaces where archived_at is null "
                                 "order by name collate nocase")
        return [accounts.get_workspace(r["id"], SYSTEM) for r in rows]
    return accounts.list_workspaces(username)


#: The fields that belong to the period (null where the client does not observe it).
PERIOD_FIELDS = ("nps", "nps_low", "nps_high", "nps_n", "csat_pct", "csat_low", "csat_high",
                 "csat_n", "churn_rate_pct", "churn_base")


def workspace_row(session: WorkspaceSession, period: str | scorecard.Period | None,
                  today: date, *, span: tuple[str | None, str | None] | None = None
                  ) -> dict[str, Any]:
    """One workspace's benchmark row for ``period`` (see the module docstring); ``period``
    None (no complete period) or one the data don't observe gives null period metrics and
    ``observed`` False. ``span`` is the workspace's data range when already read."""
    session.require("viewer")
    span = span or scorecard.data_range(session)
    per = None if period is None else scorecard.parse_period(period)
    observed = per is not None and observes(span, per, today)
    row: dict[str, Any] = {
        "workspace_id": session.info.id, "workspace": session.info.name,
        "period": None if per is None else per.label, "observed": observed,
        "data_from": span[0], "data_to": span[1], **dict.fromkeys(PERIOD_FIELDS),
        "nps_small": False}
    if observed:
        card = scorecard.scorecard(session, per)
        min_n = scorecard.small_sample_threshold(session)
        csat = (wilson_interval(card["csat_top2"], card["csat_n"])
                if card["csat_n"] else None)
        row.update({
            "nps": card["nps"], "nps_low": card["nps_low"], "nps_high": card["nps_high"],
            "nps_n": card["nps_n"], "nps_small": bool(card["nps_n"]) and card["nps_n"] < min_n,
            "csat_pct": card["csat_pct"],
            "csat_low": None if csat is None else 100 * csat[0],
            "csat_high": None if csat is None else 100 * csat[1],
            "csat_n": card["csat_n"],
            "churn_rate_pct": card["churn_rate_pct"], "churn_base": card["churn_base"]})
    program = checklist.overview(session)
    red = session.db.execute(
        "select count(*) from journey_parts p join journeys j on j.id = p.journey_id "
        "where j.archived = 0 and p.health = 'red'").fetchone()[0]
    open_actions = journeys.list_actions(session, status=("open", "in progress"), today=today)
    row.update({
        "steps_done": program["done_count"],
        "progress_pct": round(100 * program["total_progress"]),
        "red_parts": red, "open_actions": len(open_actions),
        "overdue_actions": sum(1 for a in open_actions if a["overdue"])})
    return row


def anonymise_rows(rows: list[dict[str, Any]], keep: int | None) -> list[dict[str, Any]]:
    """``rows`` with every workspace but ``keep`` (an id) renamed "Client A", "Client B", … in
    row order; ``workspace_id`` is removed from the renamed ones too."""
    out, letters = [], iter(ascii_uppercase)
    for row in rows:
        if row["workspace_id"] == keep:
            out.append({**row, "anonymised": False})
            continue
        letter = next(letters, None) or str(len(out) + 1)
        out.append({**row, "workspace": f"Client {letter}", "workspace_id": None,
                    "anonymised": True})
    return out


def compare_workspaces(accounts: Accounts, username: str, *, period: str | None = None,
                       mode: str | None = None, grain: str = "quarter",
                       today: date | None = None, anonymise: bool = False,
                       keep: int | None = None) -> list[dict[str, Any]]:
    """The benchmark rows of every workspace ``username`` belongs to (:func:`workspaces_for`),
    highest NPS first (no NPS last).

    ``mode`` (:data:`MODES`): ``latest`` gives each workspace its own
    :func:`latest_complete_period` of ``grain``; ``same`` gives every workspace ``period``
    (default: the last complete calendar period of ``grain``). Without a ``mode``, a
    ``period`` means ``same`` and no period means ``latest``. ``anonymise`` renames all but
    ``keep`` (see :func:`anonymise_rows`). Each workspace is opened with the user's own role,
    so only their memberships are read."""
    today = today or date.today()
    mode = mode or ("same" if period else "latest")
    if mode not in MODES:
        raise ValidationError(Problem("mode", f"'{mode}' is not one of {', '.join(MODES)}"))
    if grain not in GRAINS:
        raise ValidationError(Problem("grain", f"'{grain}' is not one of {', '.join(GRAINS)}"))
    common = (scorecard.parse_period(period or last_complete_period(today, grain))
              if mode == "same" else None)
    rows = []
    for info in workspaces_for(accounts, username):
        session = open_session(accounts, info.id, username)
        try:
            span = scorecard.data_range(session)
            per = common or latest_complete_period(span, today, grain)
            rows.append({**workspace_row(session, per, today, span=span), "mode": mode})
        finally:
            session.close()
    rows.sort(key=lambda r: (r["nps"] is None, -(r["nps"] or 0), r["workspace"].lower()))
    return anonymise_rows(rows, keep) if anonymise else rows


def field_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How many workspaces have an NPS, and its median across them (None without any)."""
    scores = sorted(r["nps"] for r in rows if r["nps"] is not None)
    if not scores:
        return {"with_nps": 0, "median_nps": None}
    mid = len(scores) // 2
    median = scores[mid] if len(scores) % 2 else (scores[mid - 1] + scores[mid]) / 2
    return {"with_nps": len(scores), "median_nps": median}
