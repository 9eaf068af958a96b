"""A period is parsed once, where it enters (page or CLI), and passed down as a ``Period``."""

from __future__ import annotations

import pytest

from cxcore import scorecard as sc
from cxcore.cli import main


def test_a_period_value_passes_through_parse_period():
    per = sc.parse_period("2026-Q3")
    assert sc.parse_period(per) is per
    assert (per.start, per.end, per.label) == ("2026-07-01", "2026-10-01", "2026-Q3")


@pytest.mark.parametrize("text", ["all", "2026-Q3"])
def test_caveats_say_the_same_for_text_and_value(text):
    card = {"data_last_date": "2026-08-15", "nps_n": 12}
    assert sc.caveats(card, text, None, None) == sc.caveats(card, sc.parse_period(text), None,
                                                            None)


def counting(monkeypatch):
    calls = []
    real = sc.parse_period

    def parse(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(sc, "parse_period", parse)
    return calls


def test_the_scorecard_command_parses_the_period_once(accounts, workspace, monkeypatch,
                                                      capsys):
    calls = counting(monkeypatch)
    assert main(["scorecard", "--workspace", "Acme", "--period", "2026-Q1", "--json"]) == 0
    # the input once; "2025-Q4" is the comparison window previous_period() builds
    assert calls.count("2026-Q1") == 1
