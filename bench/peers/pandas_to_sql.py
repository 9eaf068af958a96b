"""Peer for the import: ``python bench/peers/pandas_to_sql.py FILE.csv DB`` reads the survey
file with pandas and writes it to a new SQLite table with ``DataFrame.to_sql``: the floor an
import that validates every row is compared with."""

from __future__ import annotations

import sqlite3
import sys

import pandas as pd

frame = pd.read_csv(sys.argv[1])
with sqlite3.connect(sys.argv[2]) as conn:
    frame.to_sql("responses", conn, index=False, chunksize=100_000)
print(len(frame))
