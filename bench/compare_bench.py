"""Benchmark of `compare-workspaces`: is the cost flat per workspace?

Builds N demo workspaces (the fictional appliance shop, different seeds) for one consultant in a
temporary data folder, then times :func:`cxcore.compare.compare_workspaces` over the first 1,
10, 25 and 50 of them, in both period modes: each client's latest complete quarter (the
default, which reads each file's data range first) and the same quarter for all (best of 3
runs each, after opening each file once so the one-time schema check is not counted). Prints
seconds in total and per workspace.

    python bench/compare_bench.py            # 50 workspaces
    python bench/compare_bench.py --n 20
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cxcore import compare, demo
from cxcore.accounts import Accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="workspaces (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        acc = Accounts.open(tmp)
        acc.create_user("consultant", "correct-horse-1")
        start = time.perf_counter()
        for i in range(args.n):
            demo.create_demo_workspace(acc, owner="consultant", name=f"Client {i + 1:02d}",
                                       seed=1000 + i)
        print(f"built {args.n} demo workspaces in {time.perf_counter() - start:.1f} s")
        all_ids = [w.id for w in acc.list_workspaces("consultant")]
        compare.compare_workspaces(acc, "consultant")  # warm: schema checked once per file
        print(f"python {platform.python_version()}, {platform.machine()}")
        print(f"{'workspaces':>10} {'latest s':>9} {'ms / ws':>8} {'same s':>8} {'ms / ws':>8}")
        for n in sorted({1, 10, 25, args.n}):
            if n > args.n:
                continue
            keep = set(all_ids[:n])
            for w in acc.list_workspaces("consultant"):
                if w.id not in keep:
                    acc.db.execute("update workspaces set archived_at = '2000-01-01' "
                                   "where id = ?", [w.id])
            best = {}
            for mode in ("latest", "same"):
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    rows = compare.compare_workspaces(acc, "consultant", mode=mode)
                    times.append(time.perf_counter() - t)
                assert len(rows) == n, (len(rows), n)
                best[mode] = min(times)
            acc.db.execute("update workspaces set archived_at = null")
            print(f"{n:>10} {best['latest']:>9.3f} {1000 * best['latest'] / n:>8.1f} "
                  f"{best['same']:>8.3f} {1000 * best['same'] / n:>8.1f}")
        acc.close()


if __name__ == "__main__":
    main()
