"""The benchmark's peers compute the scorecard's numbers: run on the demo's export, the pandas
and DuckDB scripts in bench/peers/ agree with cxcore.scorecard (correctness only, no timing)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json

import pytest

from cxcore import demo, export
from cxcore import scorecard as sc
from cxcore import workspace as wsmod

from .conftest import ROOT


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "peers" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import os

    from cxcore.accounts import Accounts

    root = tmp_path_factory.mktemp("peers")
    old = os.environ.get("CX_DATA_DIR")
    os.environ["CX_DATA_DIR"] = str(root / "data")
    try:
        acc = Accounts.open(root / "data")
        acc.create_user("owner", "correct-horse-1")
        info = demo.create_demo_workspace(acc, owner="owner")
        session = wsmod.open_session(acc, info.id, "owner")
        export.export_to_folder(session, root / "export")
        cards = {p: sc.scorecard(session, p) for p in ("all", "2026-Q1")}
        session.close()
        yield root / "export", cards
    finally:
        if old is None:
            os.environ.pop("CX_DATA_DIR", None)
        else:
            os.environ["CX_DATA_DIR"] = old


@pytest.mark.parametrize("peer", ["pandas_scorecard", "duckdb_scorecard"])
@pytest.mark.parametrize("period", ["all", "2026-Q1"])
def test_peer_agrees_with_the_scorecard(exported, peer, period):
    folder, cards = exported
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        load(peer).main(str(folder), period)
    numbers = json.loads(out.getvalue())
    card = cards[period]
    assert set(numbers) == {"responses", "nps", "csat_pct", "ces_mean", "customers",
                            "churn_rate_pct", "revenue", "nrr_pct", "grr_pct"}
    for key, value in numbers.items():
        if card[key] is None:
            assert value is None, key
        else:
            assert value == pytest.approx(card[key], abs=1e-6), key
