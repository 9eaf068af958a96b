"""Benchmarks across clients: the workspaces a user belongs to, side by side.

A consultant with several clients wants to show each one where it stands in the field. For
every workspace :func:`compare_workspaces` reads, for one common period:

- NPS with its 95 % interval (adjusted Wald, as on the scorecard) and the number of answers;
- CSAT (share of 4-5 answers) with its 95 % Wilson interval and n;
- churn (customers at the start of the period who left during it) with its base;
- the program checklist: steps done of six and the overall progress;
- journey parts rated red (journeys not archived);
- open actions (open or in progress), of which overdue.

A metric without data is ``None``, never 0; an NPS from fewer answers than the workspace's
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
from cxcore.workspace import WorkspaceSession, open_session

#: The fields of a row, in the order the table and the CLI show them.
FIELDS = ("workspace", "period", "nps", "nps_low", "nps_high", "nps_n", "nps_small",
          "csat_pct", "csat_low", "csat_high", "csat_n", "churn_rate_pct", "churn_base",
          "steps_done", "progress_pct", "red_parts", "open_actions", "overdue_actions")


def last_complete_quarter(today: date) -> str:
    """The calendar quarter before the one ``today`` is in (``2026-Q3`` on 2 Dec 2026)."""
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return f"{year}-Q{quarter}"


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


def workspace_row(session: WorkspaceSession, period: str, today: date) -> dict[str, Any]:
    """One workspace's benchmark row for ``period`` (see the module docstring)."""
    session.require("viewer")
    card = scorecard.scorecard(session, period)
    min_n = scorecard.small_sample_threshold(session)
    csat = (wilson_interval(card["csat_top2"], card["csat_n"])
            if card["csat_n"] else None)
    program = checklist.overview(session)
    red = session.db.execute(
        "select count(*) from journey_parts p join journeys j on j.id = p.journey_id "
        "where j.archived = 0 and p.health = 'red'").fetchone()[0]
    open_actions = journeys.list_actions(session, status=("open", "in progress"), today=today)
    return {
        "workspace_id": session.info.id, "workspace": session.info.name, "period": period,
        "nps": card["nps"], "nps_low": card["nps_low"], "nps_high": card["nps_high"],
        "nps_n": card["nps_n"], "nps_small": bool(card["nps_n"]) and card["nps_n"] < min_n,
        "csat_pct": card["csat_pct"],
        "csat_low": None if csat is None else 100 * csat[0],
        "csat_high": None if csat is None else 100 * csat[1],
        "csat_n": card["csat_n"],
        "churn_rate_pct": card["churn_rate_pct"], "churn_base": card["churn_base"],
        "steps_done": program["done_count"],
        "progress_pct": round(100 * program["total_progress"]),
        "red_parts": red, "open_actions": len(open_actions),
        "overdue_actions": sum(1 for a in open_actions if a["overdue"]),
    }


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
                       today: date | None = None, anonymise: bool = False,
                       keep: int | None = None) -> list[dict[str, Any]]:
    """The benchmark rows of every workspace ``username`` belongs to (:func:`workspaces_for`),
    for ``period`` (default: :func:`last_complete_quarter`), highest NPS first (no NPS last).
    ``anonymise`` renames all but ``keep`` (see :func:`anonymise_rows`). Each workspace is
    opened with the user's own role, so only their memberships are read."""
    today = today or date.today()
    label = scorecard.parse_period(period or last_complete_quarter(today)).label
    rows = []
    for info in workspaces_for(accounts, username):
        session = open_session(accounts, info.id, username)
        try:
            rows.append(workspace_row(session, label, today))
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
