"""``python -m cxcore scorecard``: JSON keys, nulls for missing data, periods, errors."""

from __future__ import annotations

import json

import pytest

from cxcore import cli
from tests.test_scorecard import REQUIRED_KEYS, load


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_on_empty_workspace_is_null(accounts, capsys) -> None:
    code, out, _ = run(capsys, "scorecard", "--workspace", "Acme", "--json")
    assert code == 0
    card = json.loads(out)
    assert set(card) >= REQUIRED_KEYS
    assert card["responses"] == 0
    assert card["nps"] is None and card["clv"] is None and card["csat_pct"] is None


def test_json_with_data_and_period(accounts, editor_session, capsys) -> None:
    load(editor_session.db)
    code, out, _ = run(capsys, "scorecard", "--workspace", "acme", "--period", "2026-Q1",
                       "--json")
    assert code == 0
    card = json.loads(out)
    assert card["period"] == "2026-Q1"
    assert card["responses"] == 6
    assert card["nps"] == pytest.approx(16.6667, abs=1e-4)
    assert card["nrr_pct"] == pytest.approx(100.0)  # hand-computed in test_scorecard
    assert card["workspace"] == "Acme"


def test_text_output(accounts, editor_session, capsys) -> None:
    load(editor_session.db)
    code, out, _ = run(capsys, "scorecard", "--workspace", "Acme", "--period", "2026-Q1")
    assert code == 0
    assert "NPS" in out and "+16.7" in out and "(95 % CI " in out and "n = 6" in out
    assert "Gross revenue retention" in out and "62.5 %" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--workspace", "Nowhere"], "Nowhere"),
    (["--workspace", "Acme", "--period", "2026-14"], "not a period"),
])
def test_errors_are_one_line(accounts, capsys, argv, message) -> None:
    code, out, err = run(capsys, "scorecard", *argv)
    assert code == 1
    assert message in err and "Traceback" not in err
    assert out == ""
