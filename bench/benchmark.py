"""Scorecard benchmark: ``python bench/benchmark.py`` (add ``--small`` for a quick run).

Builds, in a temporary folder (never ``data/``), a workspace with 100,000 customers and
1,000,000 revenue events (inserted directly), then generates 1,000,000 survey responses as a CSV
and imports them the way a user does (``prepare_import`` + ``commit_import``). Reports:

- import time of the responses CSV (read + validate, and store),
- ``scorecard()`` time, cold (first call) and warm (median of 5), for all data and one quarter,
- the bare SQL floor: the same aggregate statements run with nothing around them,
- one scorecard page rerun through Streamlit's AppTest (first run, then a rerun),
- peak memory of the process (``ru_maxrss``).

Targets (issue 5): scorecard within 2x of the floor and under 1 s; import under 30 s; peak
memory under 1 GB. Results and the machine are recorded in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_DAY = np.datetime64("2023-07-01")
DAYS = 3 * 365  # three years of history, to 2026-06-30
SEGMENTS = np.array(["Consumer", "SMB", "Enterprise"])
CHANNELS = np.array(["web", "store", "phone", "partner"])
CHUNK = 100_000


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, float]:
    """(first run seconds, median of the runs after it, or the first if repeat == 1)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:] or times)


def make_customers_and_revenue(conn, n_customers: int, n_events: int,
                               rng: np.random.Generator) -> None:
    """100k customers (a quarter of them gone, with end dates) and 1M revenue events."""
    start_offset = rng.integers(0, DAYS - 30, n_customers)
    gone = rng.random(n_customers) < 0.25
    life = rng.integers(30, DAYS, n_customers)
    end_offset = np.where(gone & (start_offset + life < DAYS), start_offset + life, -1)
    starts = (FIRST_DAY + start_offset).astype(str)
    ends = np.where(end_offset >= 0, (FIRST_DAY + np.maximum(end_offset, 0)).astype(str), None)
    ids = np.char.add("C", np.arange(n_customers).astype(str))
    segments = SEGMENTS[rng.integers(0, 3, n_customers)]
    channels = CHANNELS[rng.integers(0, 4, n_customers)]
    revenue = np.round(rng.gamma(2.0, 40.0, n_customers), 2)
    referred = np.where(rng.random(n_customers) < 0.1, ids[rng.integers(0, n_customers,
                                                                        n_customers)], None)
    with conn:
        conn.executemany(
            "insert into customers (id, segment, channel, start_date, end_date, churned, "
            "monthly_revenue, referred_by) values (?, ?, ?, ?, ?, ?, ?, ?)",
            zip(ids.tolist(), segments.tolist(), channels.tolist(), starts.tolist(),
                ends.tolist(), (end_offset >= 0).astype(int).tolist(), revenue.tolist(),
                referred.tolist(), strict=True))
    # In chunks, so the generator's own lists don't dominate the peak memory measured later.
    for first in range(0, n_events, CHUNK):
        size = min(CHUNK, n_events - first)
        who = rng.integers(0, n_customers, size)
        last = np.where(end_offset[who] >= 0, end_offset[who], DAYS - 1)
        span = np.maximum(last - start_offset[who], 1)
        day = start_offset[who] + (rng.random(size) * span).astype(int)
        kinds = np.array(["renewal", "new", "upsell", "downgrade", "refund"])[
            rng.choice(5, size, p=[0.8, 0.08, 0.06, 0.04, 0.02])]
        amounts = np.round(revenue[who] * rng.uniform(0.5, 1.5, size), 2)
        with conn:
            conn.executemany(
                "insert into revenue_events (customer_id, date, amount, kind, row_hash) "
                "values (?, ?, ?, ?, ?)",
                zip(ids[who].tolist(), (FIRST_DAY + day).astype(str).tolist(),
                    amounts.tolist(), kinds.tolist(),
                    [f"bench-{first + i}" for i in range(size)], strict=True))


def make_responses_csv(path: Path, n_responses: int, n_customers: int,
                       rng: np.random.Generator) -> None:
    """A survey export: id, customer, date, NPS, CSAT, effort (7 = very easy), channel..."""
    for first in range(0, n_responses, CHUNK):
        size = min(CHUNK, n_responses - first)
        linked = rng.random(size) < 0.8
        customer = np.where(linked, np.char.add("C", rng.integers(0, n_customers, size)
                                                .astype(str)), "")
        nps = rng.choice(11, size, p=[.03, .02, .03, .03, .04, .07, .08, .15, .2, .17, .18])
        csat = np.where(rng.random(size) < 0.7, rng.choice(
            [1, 2, 3, 4, 5], size, p=[.05, .08, .17, .4, .3]).astype(str), "")
        ces = np.where(rng.random(size) < 0.5, rng.integers(1, 8, size).astype(str), "")
        frame = pd.DataFrame({
            "Response ID": np.arange(first, first + size),
            "Customer ID": customer,
            "Date": (FIRST_DAY + rng.integers(0, DAYS, size)).astype(str),
            "NPS": nps, "CSAT": csat, "CES": ces,
            "Channel": CHANNELS[rng.integers(0, 4, size)],
            "Segment": SEGMENTS[rng.integers(0, 3, size)],
            "Comment": np.where(rng.random(size) < 0.1, "Quick delivery, friendly staff", ""),
        })
        frame.to_csv(path, index=False, mode="w" if first == 0 else "a", header=first == 0)


def run(n_customers: int, n_events: int, n_responses: int) -> dict[str, float | str]:
    """Build the workspace and measure; returns the results."""
    results: dict[str, float | str] = {}
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-"))
    os.environ["CX_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("CX_COOKIE_KEY", "benchmark-cookie-key")

    from cxcore import importers
    from cxcore import scorecard as sc
    from cxcore.accounts import Accounts
    from cxcore.workspace import open_session

    accounts = Accounts.open(tmp / "data")
    accounts.create_user("owner", "benchmark-pass-1", name="Bench Owner")
    info = accounts.create_workspace("Bench", by="owner")
    session = open_session(accounts, info.id, "owner")
    rng = np.random.default_rng(20261125)

    t = time.perf_counter()
    make_customers_and_revenue(session.db.conn, n_customers, n_events, rng)
    results["generate customers + revenue (direct insert), s"] = time.perf_counter() - t
    csv_path = tmp / "responses.csv"
    t = time.perf_counter()
    make_responses_csv(csv_path, n_responses, n_customers, rng)
    results["generate responses CSV, s"] = time.perf_counter() - t
    results["responses CSV size, MiB"] = csv_path.stat().st_size / 2**20

    t = time.perf_counter()
    preview = importers.prepare_import("responses", csv_path, filename=csv_path.name,
                                       known_customer_ids=session)
    prepared = time.perf_counter() - t
    result = importers.commit_import(session, preview)
    results["import: read + validate, s"] = prepared
    results["import: store, s"] = time.perf_counter() - t - prepared
    results["import: total, s"] = time.perf_counter() - t
    results["import: rows stored"] = result.inserted
    results["import: problems"] = preview.problem_count
    results["peak memory after import, MiB"] = peak_mib()
    del preview
    session.db.execute("analyze")

    for label in ("all", "2026-Q1"):
        cold, warm = timed(lambda label=label: sc.scorecard(session, label), repeat=6)
        floor_cold, floor = timed(lambda label=label: sc.bare_sql(session, label), repeat=6)
        results[f"scorecard({label}) first call, s"] = cold
        results[f"scorecard({label}) median, s"] = warm
        results[f"bare SQL floor ({label}) median, s"] = floor
        results[f"scorecard / floor ({label})"] = warm / floor
    card = sc.scorecard(session)
    results["check: responses counted"] = card["responses"]
    results["check: NPS (all)"] = round(card["nps"], 2)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "scorecard.py"), default_timeout=120)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "owner"
    at.session_state["name"] = "owner"
    at.session_state["logout"] = False
    at.session_state["workspace_id"] = info.id
    t = time.perf_counter()
    at.run()
    results["page: first run (fills caches), s"] = time.perf_counter() - t
    if at.exception:
        results["page: exception"] = str(at.exception[0].message)[:200]
    t = time.perf_counter()
    at.run()
    results["page: rerun, s"] = time.perf_counter() - t
    results["peak memory, MiB"] = peak_mib()
    session.close()
    accounts.close()
    return results


def machine() -> str:
    """A one-line description of the machine."""
    cpus = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    return (f"{platform.machine()} {platform.system()}, {cpus} CPUs, {mem:.1f} GiB RAM, "
            f"Python {platform.python_version()}")


def main() -> int:
    """Run and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10x fewer rows (quick check)")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    args = parser.parse_args()
    scale = 10 if args.small else 1
    results = run(args.customers // scale, args.events // scale, args.responses // scale)
    print(f"Load average (1 min) at the end, other work included: {os.getloadavg()[0]:.2f}")
    print(f"Machine: {machine()}")
    print(f"Rows: {args.customers // scale:,} customers, {args.events // scale:,} revenue events, "
          f"{args.responses // scale:,} responses\n")
    print("| measure | result |\n| --- | --- |")
    for key, value in results.items():
        text = f"{value:,.3f}" if isinstance(value, float) else str(value)
        print(f"| {key} | {text} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
