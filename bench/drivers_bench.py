"""Benchmark of the key driver analysis at 1,000,000 responses × 20 rating questions.

Builds a workspace in a temporary folder through the storage functions (responses rows, then
``cxcore.attributes.define_attribute`` and ``write_values``), then times:

- each phase in this process (coverage count, complete-case count, sampled fetch, the
  relative weights with 200 bootstrap draws; then the same with the group breakdowns the page
  adds);
- ``python -m cxcore drivers --json`` as a whole new process, three times (median), the way a
  user or a script runs it.

Usage: ``python bench/drivers_bench.py [--rows N] [--questions K]``. Cleans up after itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cxcore import attributes  # noqa: E402
from cxcore.accounts import Accounts  # noqa: E402
from cxcore.drivers import kda  # noqa: E402
from cxcore.drivers import key as kd  # noqa: E402
from cxcore.scorecard import parse_period  # noqa: E402
from cxcore.workspace import open_session  # noqa: E402

CHUNK = 50_000


def build(session, rows: int, questions: int, seed: int = 7) -> None:
    """``rows`` responses over two years, ``questions`` 1-5 ratings (5% not applicable each,
    stored as NULL) driven by one shared mood and an NPS that follows the first few."""
    rng = np.random.default_rng(seed)
    db = session.db
    with db.atomic():
        ids = [attributes.define_attribute(db, f"q{k:02d}", f"Question {k}", scale=(1, 5),
                                           na_codes=[0]) for k in range(1, questions + 1)]
    weights = np.linspace(1.0, 0.05, questions)
    channels = np.array(["web", "phone", "store", "app"])
    segments = np.array(["home", "business", "trade"])
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        mood = rng.normal(size=(n, 1))
        answers = np.clip(np.round(3 + 0.7 * mood + rng.normal(size=(n, questions))), 1, 5)
        score = answers @ weights + rng.normal(scale=2.0, size=n)
        nps = np.clip(np.round((score - score.mean()) / score.std() * 2.2 + 7), 0, 10)
        missing = rng.random((n, questions)) < 0.05
        days = rng.integers(0, 730, size=n)
        chan = channels[rng.integers(0, 4, size=n)]
        seg = segments[rng.integers(0, 3, size=n)]
        with db.atomic():
            db.conn.executemany(
                "insert into responses (id, date, nps, channel, segment) values (?, "
                "date('2024-01-01', '+' || ? || ' days'), ?, ?, ?)",
                [(start + i + 1, int(days[i]), int(nps[i]), str(chan[i]), str(seg[i]))
                 for i in range(n)])
            attributes.write_values(db, [
                (start + i + 1, {a: (None if missing[i, j] else float(answers[i, j]))
                                 for j, a in enumerate(ids)}) for i in range(n)])


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cx-drivers-bench-"))
    try:
        os.environ["CX_DATA_DIR"] = str(tmp)
        os.environ.setdefault("CX_BCRYPT_ROUNDS", "4")
        acc = Accounts.open(tmp)
        acc.create_user("bench", "benchmark-password-1")
        info = acc.create_workspace("Bench", by="bench")
        session = open_session(acc, info.id, "bench")
        _, seconds = timed(build, session, args.rows, args.questions)
        print(f"built {args.rows:,} responses × {args.questions} questions in {seconds:.1f} s "
              f"({sum(p.stat().st_size for p in tmp.rglob('*.db')) / 1e6:.0f} MB)")

        session.close()
        acc.close()
        # A fresh connection, as the app's or the CLI's process would have.
        acc = Accounts.open(tmp)
        session = open_session(acc, info.id, "bench")
        per = parse_period("all")
        chosen = [v for v in kd.variables(session) if v.key.startswith("q")]
        (answered, _), t_cov = timed(kd.coverage, session, kd.NPS, chosen, per, None)
        sample, t_fetch = timed(kd.fetch_complete, session, kd.NPS, chosen, per)
        _, t_kda = timed(kda.analyse, sample.x, sample.y)
        print(f"coverage ({answered:,} with NPS; estimated on a hash sample of about "
              f"{kd.COVERAGE_ROWS:,}): {t_cov:.2f} s")
        print(f"complete-case count + sampled fetch ({len(sample.y):,} of {sample.total:,}): "
              f"{t_fetch:.2f} s")
        print(f"relative weights + {kda.BOOTSTRAP_DRAWS} bootstrap draws "
              f"({args.questions} drivers, no Shapley above {kda.SHAPLEY_MAX}): {t_kda:.2f} s")
        for label, kwargs in (("key_drivers()", {}),
                              ("key_drivers(groups=True), what the page computes",
                               {"groups": True}),
                              ("one quarter and one segment", {"period": "2024-Q3",
                                                               "segment": "home"})):
            times = [timed(kd.key_drivers, session, "nps", **kwargs)[1] for _ in range(3)]
            print(f"{label} in process: first {times[0]:.2f} s, then "
                  f"{statistics.median(times[1:]):.2f} s")
        session.close()
        acc.close()

        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cxcore", "drivers", "--workspace", "Bench",
                            "--json"], cwd=ROOT, check=True, capture_output=True,
                           env=dict(os.environ, CX_DATA_DIR=str(tmp)))
            runs.append(time.perf_counter() - t0)
        median = statistics.median(runs)
        print(f"python -m cxcore drivers --json, whole process: median {median:.2f} s "
              f"(runs: {', '.join(f'{r:.2f}' for r in runs)})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
