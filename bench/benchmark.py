"""The app against its peers, as whole processes: ``python bench/benchmark.py`` (``--small``
for a quick run with 10x fewer rows).

1. Generates a realistic business as FILES in a temporary folder (never ``data/``): customers
   (a quarter of them gone), revenue events, survey responses with NPS, CSAT, effort, three
   ratings, a journey step, a channel, a segment and a comment on a third of them, and an
   employee pulse. Scores follow a hidden experience per response, worse at some steps.
2. Imports every file the way a user does, ``python -m cxcore import KIND FILE``, one process
   each, and writes three attribute answers per response with :mod:`cxcore.attributes`.
3. Times whole processes, alternating and repeated (medians): ``python -m cxcore scorecard
   --json`` for all data and for one quarter, against the ``sqlite3`` shell running the same
   statements on the same file, and against a pandas and a DuckDB script (``bench/peers/``)
   computing the same numbers from the app's own export (``python -m cxcore export``). The
   peers' numbers are checked against the app's.
4. Imports the responses file into a fresh workspace against ``pandas.read_csv().to_sql``.
5. In a real browser (Playwright + Chromium against ``streamlit run``): the first Scorecard
   visit, then the rerun after changing the Period selectbox, until the page has settled.
6. ``python -m cxcore --help``.

Prints the medians and ratios, writes them between the markers in ``docs/benchmarks.md`` with
the machine and the date, and removes its temporary folder. Not run by the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- benchmark:begin -->", "<!-- benchmark:end -->"
PY = sys.executable
PASSWORD = "benchmark-pass-1"
WORKSPACE = "Bench"
FIRST_DAY = np.datetime64("2023-07-01")
DAYS = 3 * 365  # three years, to 2026-06-30
QUARTER = "2026-Q1"
CHUNK = 100_000
SEGMENTS = np.array(["Consumer", "SMB", "Enterprise"])
CHANNELS = np.array(["web", "store", "phone", "partner"])
STEPS = ["Find a product", "Order", "Delivery", "Installation", "Billing", "Support"]
STEP_EFFECT = np.array([0.3, 0.2, -0.9, -0.4, -0.2, 0.1])  # delivery hurts, as in the demo
GOOD = ["Quick delivery, friendly staff", "Installer was careful and tidy",
        "Easy to order online", "Support fixed it on the first call", "Great advice in store"]
BAD = ["Delivery window was vague and they came late", "Had to call three times",
       "Old unit left behind", "Invoice was wrong again", "Nobody told me what happens next"]


# ---- data, as files -----------------------------------------------------------------------

def write_chunks(path: Path, frames) -> None:
    for i, frame in enumerate(frames):
        frame.to_csv(path, index=False, mode="w" if i == 0 else "a", header=i == 0)


def make_files(folder: Path, n_customers: int, n_events: int, n_responses: int,
               seed: int = 20261202) -> dict[str, Path]:
    """customers.csv, revenue.csv, responses.csv, pulse.csv as a CRM and a survey tool export
    them; generated in chunks so the generator's memory stays small."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, DAYS - 30, n_customers)
    gone = rng.random(n_customers) < 0.25
    life = rng.integers(30, DAYS, n_customers)
    end = np.where(gone & (start + life < DAYS), start + life, -1)
    ids = np.char.add("C", np.arange(n_customers).astype(str))
    monthly = np.round(rng.gamma(2.0, 40.0, n_customers), 2)
    files = {k: folder / f"{k}.csv" for k in ("customers", "revenue", "responses", "pulse")}
    pd.DataFrame({
        "Customer ID": ids, "Name": np.char.add("Customer ", np.arange(n_customers).astype(str)),
        "Segment": SEGMENTS[rng.integers(0, 3, n_customers)],
        "Channel": CHANNELS[rng.integers(0, 4, n_customers)],
        "Start date": (FIRST_DAY + start).astype(str),
        "End date": np.where(end >= 0, (FIRST_DAY + np.maximum(end, 0)).astype(str), ""),
        "Churned": np.where(end >= 0, "yes", "no"), "Monthly revenue": monthly,
        "Referred by": np.where(rng.random(n_customers) < 0.1, ids[
            (np.arange(n_customers) + rng.integers(1, n_customers, n_customers)) % n_customers],
            ""),  # never the customer themselves (the importer rejects that)
    }).to_csv(files["customers"], index=False)

    def revenue():
        kinds = np.array(["renewal", "new", "upsell", "downgrade", "refund"])
        for first in range(0, n_events, CHUNK):
            size = min(CHUNK, n_events - first)
            who = rng.integers(0, n_customers, size)
            last = np.where(end[who] >= 0, end[who], DAYS - 1)
            day = start[who] + (rng.random(size) * np.maximum(last - start[who], 1)).astype(int)
            yield pd.DataFrame({
                "Event ID": np.char.add("E", np.arange(first, first + size).astype(str)),
                "Customer ID": ids[who], "Date": (FIRST_DAY + day).astype(str),
                "Amount": np.round(monthly[who] * rng.uniform(0.5, 1.5, size), 2),
                "Kind": kinds[rng.choice(5, size, p=[0.8, 0.08, 0.06, 0.04, 0.02])]})

    def responses():
        for first in range(0, n_responses, CHUNK):
            size = min(CHUNK, n_responses - first)
            step = rng.integers(0, len(STEPS), size)
            feel = STEP_EFFECT[step] + rng.normal(0.4, 1.0, size)  # the hidden experience
            nps = np.clip(np.round(7.5 + 2.0 * feel), 0, 10).astype(int)
            csat = np.clip(np.round(3.8 + 0.9 * feel + rng.normal(0, .5, size)), 1, 5)
            ces = np.clip(np.round(5.0 + 1.2 * feel + rng.normal(0, .8, size)), 1, 7)
            rating = [np.clip(np.round(5 + w * feel + rng.normal(0, .9, size)), 1, 7)
                      for w in (1.1, 0.8, 1.3)]
            commented = rng.random(size) < 0.33
            words = np.where(feel > 0, np.array(GOOD)[rng.integers(0, 5, size)],
                             np.array(BAD)[rng.integers(0, 5, size)])
            yield pd.DataFrame({
                "Response ID": np.char.add("R", np.arange(first, first + size).astype(str)),
                "Customer ID": np.where(rng.random(size) < 0.8, ids[rng.integers(
                    0, n_customers, size)], ""),
                "Date": (FIRST_DAY + rng.integers(0, DAYS, size)).astype(str),
                "NPS": nps,
                "CSAT": pd.array(np.where(rng.random(size) < 0.7, csat, np.nan), "Int64"),
                "CES": pd.array(np.where(rng.random(size) < 0.5, ces, np.nan), "Int64"),
                "Effectiveness": rating[0].astype(int), "Ease": rating[1].astype(int),
                "Emotion": rating[2].astype(int),
                "Channel": CHANNELS[rng.integers(0, 4, size)],
                "Segment": SEGMENTS[rng.integers(0, 3, size)],
                "Journey step": np.array(STEPS)[step],
                "Comment": np.where(commented, words, ""),
            })

    write_chunks(files["revenue"], revenue())
    write_chunks(files["responses"], responses())
    n_pulse = max(n_responses // 50, 100)
    pd.DataFrame({
        "Date": (FIRST_DAY + rng.integers(0, DAYS, n_pulse)).astype(str),
        "Team": np.array(["Delivery", "Store", "Phone", "Install"])[rng.integers(0, 4, n_pulse)],
        "eNPS": rng.choice(11, n_pulse), "Comment": "",
    }).to_csv(files["pulse"], index=False)
    return files


# ---- processes ----------------------------------------------------------------------------

class Bench:
    """A data folder and helpers to time whole processes in it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.data = tmp / "data"
        self.env = dict(os.environ, CX_DATA_DIR=str(self.data), CX_BCRYPT_ROUNDS="4",
                        CX_COOKIE_KEY="benchmark-cookie-key-0123456789abcdef")

    def timed(self, argv: list[str], stdin: str = "") -> tuple[float, float, str]:
        """(seconds, peak memory MiB, stdout) of one whole process, peak memory from GNU time;
        raises if the process fails."""
        report = self.tmp / "time.txt"
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), *argv],
                              cwd=ROOT, env=self.env, input=stdin, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
        if proc.returncode:
            raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{proc.stdout[-2000:]}"
                               f"{proc.stderr[-2000:]}")
        kib = report.read_text().strip().splitlines()[-1]
        return seconds, int(kib) / 1024, proc.stdout

    def cx(self, *args: str, stdin: str = "") -> tuple[float, float, str]:
        return self.timed([PY, "-m", "cxcore", *args], stdin)


def median(values: list[float]) -> float:
    return statistics.median(values)


def workspace_file(bench: Bench, name: str) -> Path:
    _, _, out = bench.cx("workspace", "list", "--json")
    ws = next(w for w in json.loads(out) if w["name"] == name)
    return bench.data / "workspaces" / ws["file"]


def setup(bench: Bench, name: str) -> Path:
    """A workspace with the journey the responses refer to; returns its file."""
    bench.cx("workspace", "create", name)
    script = (
        "import sys\nfrom cxcore import journeys\nfrom cxcore.accounts import Accounts\n"
        "from cxcore.cli import open_workspace_session\n"
        f"s = open_workspace_session(Accounts.open(), {name!r})\n"
        "j = journeys.create_journey(s, 'Buy and get it installed')\n"
        f"for step in {STEPS!r}:\n    journeys.add_step(s, j, step)\n")
    bench.timed([PY, "-c", script])
    return workspace_file(bench, name)


ATTRIBUTES_SCRIPT = """
import sys, numpy as np
from cxcore import attributes
from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session
s = open_workspace_session(Accounts.open(), sys.argv[1])
s.require("editor")
rng = np.random.default_rng(7)
with s.db.atomic():
    staff = attributes.define_attribute(s.db, "staff", "Staff were friendly", scale=(1, 5))
    solved = attributes.define_attribute(s.db, "solved", "Problem solved?", "yesno")
    store = attributes.define_attribute(s.db, "store", "Which store?", "category",
                                        categories=["North", "South", "Online"])
    ids, nps = zip(*s.db.execute("select id, nps from responses").fetchall())
    nps = np.array(nps, dtype=float)
    friendly = np.clip(np.round(1 + nps / 2.5 + rng.normal(0, .7, len(nps))), 1, 5)
    ok = (nps + rng.normal(0, 2, len(nps)) > 6).astype(float)
    where = rng.integers(0, 3, len(nps)).astype(float)
    attributes.write_values(s.db, [(i, {staff: f, solved: o, store: w}) for i, f, o, w in
                                   zip(ids, friendly.tolist(), ok.tolist(), where.tolist())])
print(len(ids))
"""


def sqlite_statements(db_file: Path, period: str) -> str:
    """The statements ``cxcore.scorecard.scorecard`` runs for ``period``, with their
    parameters written in, as a script for the ``sqlite3`` shell."""
    sys.path.insert(0, str(ROOT))
    from datetime import date, timedelta

    from cxcore import scorecard as sc

    per = sc.parse_period(period)
    conn = sqlite3.connect(db_file)
    hi = max(v for v in conn.execute(
        "select (select max(date) from responses), (select max(date) from pulse), "
        "(select max(date) from revenue_events), (select max(start_date) from customers), "
        "(select max(end_date) from customers)").fetchone() if v)[:10]
    conn.close()
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat()
    statements = [sc._response_sql(per, None, None), sc._pulse_sql(per),
                  sc._customer_sql(per, as_of_end, None, None)]
    windows = sc._revenue_windows(per, hi)
    if windows:
        statements.append(sc._revenue_sql(per, windows, None, None))

    def quote(value):
        return "null" if value is None else "'" + str(value).replace("'", "''") + "'"

    script = []
    for sql, params in statements:
        if isinstance(params, dict):
            for key in sorted(params, key=len, reverse=True):
                sql = sql.replace(f":{key}", quote(params[key]))
        else:
            for value in params:
                sql = sql.replace("?", quote(value), 1)
        script.append(sql + ";")
    return "\n".join(script) + "\n"


# ---- the browser --------------------------------------------------------------------------

SETTLED = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
           " && !document.querySelector('[data-stale=\"true\"]')")
BUSY = ("() => !!document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !!document.querySelector('[data-stale=\"true\"]')")


def settle(page, started: float) -> float:
    """Seconds from ``started`` until Streamlit has rerun and nothing on the page is stale."""
    with contextlib.suppress(Exception):  # the rerun may be over before the first poll
        page.wait_for_function(BUSY, timeout=3_000, polling=20)
    page.wait_for_function(SETTLED, timeout=120_000, polling=20)
    return time.perf_counter() - started


def browser(bench: Bench, runs: int) -> dict[str, float]:
    """First Scorecard visit, then Period changes (new quarters, then ones already shown)."""
    sys.path.insert(0, str(ROOT))
    from tests.browser_support import browser_page, sign_in, streamlit_server, wait_for_app

    out: dict[str, float] = {}
    with streamlit_server(bench.data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", PASSWORD)
        link = page.get_by_test_id("stSidebarNavItems").get_by_role(
            "link", name="Scorecard", exact=True)
        start = time.perf_counter()
        link.click()
        page.get_by_role("combobox", name="Period", exact=True).wait_for()
        out["first Scorecard visit"] = settle(page, start)
        box = page.get_by_role("combobox", name="Period", exact=True)
        box.click()
        options = [o.inner_text() for o in page.get_by_role("option").all()]
        page.keyboard.press("Escape")
        wait_for_app(page)
        fresh, again = [], []
        for i in range(runs):
            for target, bucket in ((options[1 + i], fresh), (options[0], again)):
                box.click()
                option = page.get_by_role("option", name=target, exact=True)
                start = time.perf_counter()
                option.click()
                bucket.append(settle(page, start))
                page.wait_for_timeout(300)
        out["rerun after a Period change, period not shown before"] = median(fresh)
        out["rerun after a Period change, back to a period already shown"] = median(again)
        grain = page.get_by_role("combobox", name="Period type", exact=True)
        grain.click()
        option = page.get_by_role("option", name="All data", exact=True)
        start = time.perf_counter()
        option.click()
        out["rerun after switching to All data"] = settle(page, start)
    return out


# ---- the run ------------------------------------------------------------------------------

def machine() -> str:
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    sqlite_shell = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True)
    return (f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs, {mem:.0f} GiB "
            f"RAM, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} "
            f"(Python) / {sqlite_shell.stdout.split()[0] if sqlite_shell.stdout else '?'} "
            f"(shell), pandas {pd.__version__}")


def run(args: argparse.Namespace) -> tuple[list[tuple[str, str, str, str]], dict]:
    scale = 10 if args.small else 1
    sizes = (args.customers // scale, args.events // scale, args.responses // scale)
    rows: list[tuple[str, str, str, str]] = []  # figure, the app, peer, ratio
    info: dict = {"sizes": sizes}
    tmp = Path(tempfile.mkdtemp(prefix="cx-bench-"))
    try:
        bench = Bench(tmp)
        bench.cx("user", "add", "owner", stdin=PASSWORD + "\n")
        db_file = setup(bench, WORKSPACE)
        t = time.perf_counter()
        files = make_files(tmp, *sizes)
        info["generate files, s"] = time.perf_counter() - t
        info["files, MiB"] = {k: round(p.stat().st_size / 2**20, 1) for k, p in files.items()}

        for kind in ("customers", "revenue", "responses", "pulse"):
            seconds, mib, _ = bench.cx("import", kind, str(files[kind]), "--workspace",
                                       WORKSPACE)
            rows.append((f"import {kind} ({kind} file, whole process)", f"{seconds:.1f} s, "
                         f"peak {mib:.0f} MiB", "", ""))
        seconds, mib, _ = bench.timed([PY, "-c", ATTRIBUTES_SCRIPT, WORKSPACE])
        rows.append(("3 attribute answers per response (cxcore.attributes)",
                     f"{seconds:.1f} s, peak {mib:.0f} MiB", "", ""))
        export = tmp / "export"
        seconds, _, _ = bench.cx("export", "--workspace", WORKSPACE, "--out", str(export))
        info["export, s"] = seconds

        for period in ("all", QUARTER):
            script = tmp / f"statements-{period}.sql"
            script.write_text(sqlite_statements(db_file, period))
            commands = {
                "app": [PY, "-m", "cxcore", "scorecard", "--workspace", WORKSPACE, "--period",
                        period, "--json"],
                "sqlite3 shell, same statements": ["sh", "-c",
                                                   f"sqlite3 -readonly '{db_file}' < '{script}'"],
                "pandas script over the export": [PY, str(PEERS / "pandas_scorecard.py"),
                                                  str(export), period],
                "DuckDB script over the export": [PY, str(PEERS / "duckdb_scorecard.py"),
                                                  str(export), period],
            }
            times: dict[str, list[float]] = {k: [] for k in commands}
            outputs: dict[str, str] = {}
            for _ in range(args.runs):  # alternating, so load on the machine hits all alike
                for key, argv in commands.items():
                    seconds, _, out = bench.timed(argv)
                    times[key].append(seconds)
                    outputs[key] = out
            card = json.loads(outputs["app"])
            info[f"check {period}"] = check(card, outputs)
            app = median(times["app"])
            for key in list(commands)[1:]:
                peer = median(times[key])
                rows.append((f"scorecard, {'all data' if period == 'all' else period}",
                             f"{app:.2f} s", f"{key}: {peer:.2f} s", f"{app / peer:.2f}×"))

        app_t, app_mib, pd_t, pd_mib = [], [], [], []
        for i in range(args.import_runs):
            name = f"Import {i}"
            setup(bench, name)
            bench.cx("import", "customers", str(files["customers"]), "--workspace", name)
            seconds, mib, _ = bench.cx("import", "responses", str(files["responses"]),
                                       "--workspace", name)
            app_t.append(seconds)
            app_mib.append(mib)
            seconds, mib, _ = bench.timed([PY, str(PEERS / "pandas_to_sql.py"),
                                           str(files["responses"]), str(tmp / f"pd-{i}.db")])
            pd_t.append(seconds)
            pd_mib.append(mib)
        rows.append((f"import {sizes[2]:,} responses into a new workspace",
                     f"{median(app_t):.1f} s ({min(app_t):.1f}-{max(app_t):.1f}), peak "
                     f"{max(app_mib):.0f} MiB",
                     f"pandas.read_csv().to_sql: {median(pd_t):.1f} s, peak {max(pd_mib):.0f} MiB",
                     f"{median(app_t) / median(pd_t):.2f}×"))

        helps = [bench.timed([PY, "-m", "cxcore", "--help"])[0] for _ in range(7)]
        rows.append(("python -m cxcore --help", f"{median(helps) * 1000:.0f} ms", "", ""))
        bench.cx("workspace", "create", "Empty")
        empty = [bench.cx("scorecard", "--workspace", "Empty", "--json")[0]
                 for _ in range(args.runs)]
        rows.append(("scorecard of an empty workspace (start-up and imports only)",
                     f"{median(empty):.2f} s", "", ""))
        if not args.no_browser:
            for key, seconds in browser(bench, args.browser_runs).items():
                rows.append((f"browser: {key}", f"{seconds:.2f} s", "", ""))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows, info


def check(card: dict, outputs: dict[str, str]) -> str:
    """Whether each peer's numbers agree with the app's (to 0.01)."""
    notes = []
    for key in ("pandas script over the export", "DuckDB script over the export"):
        peer = json.loads(outputs[key])
        wrong = [f"{k} {peer[k]} vs {card.get(k)}" for k in peer
                 if not (peer[k] is None and card.get(k) is None)
                 and (peer[k] is None or card.get(k) is None
                      or abs(float(peer[k]) - float(card[k])) > 0.01)]
        notes.append(f"{key.split()[0]}: " + ("agrees on " + ", ".join(peer) if not wrong
                                             else "DIFFERS: " + "; ".join(wrong)))
    shell = outputs["sqlite3 shell, same statements"].splitlines()
    notes.append(f"sqlite3: {len(shell)} result rows")
    return " | ".join(notes)


def markdown(rows, info, args) -> str:
    n_c, n_e, n_r = info["sizes"]
    load = os.getloadavg()
    lines = [
        f"Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{' (--small)' if args.small else ''}: "
        f"{n_c:,} customers, {n_e:,} revenue events, {n_r:,} responses; medians of "
        f"{args.runs} alternating runs (imports: {args.import_runs}).",
        "",
        f"Machine: {machine()}. Load average at the end {load[0]:.1f} / {load[1]:.1f} "
        "(1 / 5 min): the machine is shared with other engineers' tests, so absolute times "
        "move; the ratios, from alternating runs, move less.",
        "",
        "| figure | the app | peer | app / peer |", "| --- | --- | --- | --- |",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        f"Files: {info['files, MiB']} MiB; generated in {info['generate files, s']:.0f} s; "
        f"export {info['export, s']:.1f} s.",
        "",
        *[f"- {k}: {v}" for k, v in info.items() if k.startswith("check")],
    ]
    return "\n".join(lines)


def write_doc(text: str, small: bool) -> None:
    """Replace the block between this size's markers (full and ``--small`` have their own)."""
    begin, end = (BEGIN.replace(":", "-small:"), END.replace(":", "-small:")) if small else (
        BEGIN, END)
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{begin}\n{text}\n{end}"
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="10x fewer rows (quick check)")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="runs per scorecard figure")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    rows, info = run(args)
    text = markdown(rows, info, args)
    print(text)
    if not args.no_doc:
        write_doc(text, args.small)
    return 0


if __name__ == "__main__":
    sys.exit(main())
