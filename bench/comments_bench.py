"""Benchmark of survey-comment search and paging at 1,000,000 comments.

Builds a throw-away workspace in a temporary folder (never data/): N responses, every one
with a comment drawn from a multilingual vocabulary (so search terms match a known share of
rows), inserted through the same trigger that keeps the search index in step. Then times
whole processes of ``python -m cxcore comments ... --json`` (what a user or script waits for:
start, open, query, print) and, in-process, the core calls the Comments page makes.

    python bench/comments_bench.py            # 1,000,000 comments
    python bench/comments_bench.py --rows 100000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("délai", "attente", "caisse", "caisses", "livraison", "prix", "accueil", "personnel",
         "aimable", "rapide", "lent", "staff", "delivery", "price", "friendly", "Lieferung",
         "Kundendienst", "envío", "precio", "magasin", "produit", "qualité", "conseil",
         "parking", "choix", "stock", "retour", "remboursement", "commande", "site")
FILLER = ("le", "la", "est", "très", "pas", "the", "was", "und", "el", "de", "à", "et")


def build(data: Path, rows: int, seed: int = 7) -> float:
    """Create the accounts and one workspace with ``rows`` commented responses; seconds."""
    from cxcore.accounts import Accounts
    from cxcore.workspace import open_db

    started = time.perf_counter()
    acc = Accounts.open(data)
    acc.create_user("bench", "bench-password-1", name="Bench")
    info = acc.create_workspace("Bench", by="bench")
    acc.close()
    db = open_db(info.path)
    rng = random.Random(seed)
    segments, channels = ("retail", "pro", "online"), ("store", "web", "phone")
    conn = db.conn
    conn.execute("pragma cache_size = -262144")
    batch = []
    with conn:
        for i in range(rows):
            text = " ".join(rng.choice(WORDS if rng.random() < 0.45 else FILLER)
                            for _ in range(rng.randint(4, 14)))
            day = f"{2023 + i * 3 // rows}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            nps = rng.choices(range(11), weights=(2, 1, 1, 2, 2, 3, 4, 8, 12, 15, 20))[0]
            batch.append((day, nps, rng.choice(segments), rng.choice(channels),
                          text, f"b{i}"))
            if len(batch) == 50_000:
                conn.executemany("insert into responses (date, nps, segment, channel, comment, "
                                 "row_hash) values (?, ?, ?, ?, ?, ?)", batch)
                batch.clear()
        if batch:
            conn.executemany("insert into responses (date, nps, segment, channel, comment, "
                             "row_hash) values (?, ?, ?, ?, ?, ?)", batch)
    conn.execute("analyze")
    db.close()
    return time.perf_counter() - started


def run_cli(data: Path, *args: str, repeat: int = 3) -> tuple[float, int]:
    """Median wall time of ``python -m cxcore comments ... --json`` as a whole process, and
    the total it printed."""
    import json

    env = dict(os.environ, CX_DATA_DIR=str(data))
    times, total = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "cxcore", "comments", "--workspace", "Bench",
                              *args, "--json"], cwd=ROOT, env=env, capture_output=True,
                             text=True, check=True).stdout
        times.append(time.perf_counter() - started)
        total = json.loads(out)["total"]
    return statistics.median(times), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cx-comments-bench-"))
    try:
        data = tmp / "data"
        print(f"building {args.rows:,} commented responses...", flush=True)
        built = build(data, args.rows)
        size = sum(f.stat().st_size for f in (data / "workspaces").iterdir()) / 2**20
        print(f"build (insert + index trigger + analyze): {built:.1f} s, files {size:.0f} MiB")
        cases = [
            ("first page, detractors first", ()),
            ("page 2,000 (offset 99,950)", ("--offset", "99950")),
            ("last page (offset rows - 50)", ("--offset", str(args.rows - 50))),
            ("detractors only, first page", ("--group", "detractor")),
            ("search 'delai' (accent-folded prefix)", ("--search", "delai")),
            ("search 'caisse' + detractors", ("--search", "caisse", "--group", "detractor")),
            ("search 'delai attente' (two words)", ("--search", "delai attente")),
            ("search 'envio' (finds 'envío')", ("--search", "envio")),
            ("search, page 100", ("--search", "delai", "--offset", "4950")),
            ("segment + channel filter", ("--segment", "pro", "--channel", "web")),
        ]
        baseline, _ = run_cli(data, "--search", "zzzzqqq")
        print(f"{'case':45} {'process s':>10} {'matches':>10}")
        print(f"{'(process floor: search with no match)':45} {baseline:10.2f} {0:10,}")
        for label, extra in cases:
            seconds, total = run_cli(data, *extra)
            print(f"{label:45} {seconds:10.2f} {total:10,}")

        from cxcore import comments
        from cxcore.accounts import Accounts
        from cxcore.workspace import open_session

        os.environ["CX_DATA_DIR"] = str(data)
        acc = Accounts.open(data)
        session = open_session(acc, acc.find_workspace("Bench", "bench").id, "bench")
        print("in process (what the page calls), median of 3:")
        for label, fn in (
                ("count all", lambda: comments.count_comments(session)),
                ("page 1", lambda: comments.list_comments(session)),
                ("search 'caisse' page 1", lambda: comments.list_comments(session,
                                                                         search="caisse")),
                ("theme_stats, 2 rules, quarters", None)):
            if fn is None:
                comments.add_rule(session, "caisse", "checkout")
                comments.add_rule(session, "delai", "waiting")
                fn = lambda: comments.theme_stats(session, "quarter")  # noqa: E731
            times = []
            for _ in range(3):
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
            print(f"  {label:43} {statistics.median(times):10.3f} s")
        session.close()
        acc.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
