"""A period is parsed once, where it enters (page or CLI), and passed down as a ``Period``."""

from __future__ import annotations

import pytest

from cxcore import scorecard as sc
from cxcore.cli import main
from cxcore.period import Period


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
    """Every parse of a period's text, wherever it is called from (they all go through
    :meth:`cxcore.period.Period.parse`)."""
    calls = []
    real = Period.parse.__func__

    def parse(cls, text):
        if not isinstance(text, Period):
            calls.append(text)
        return real(cls, text)

    monkeypatch.setattr(Period, "parse", classmethod(parse))
    return calls


def test_the_scorecard_command_parses_the_period_once(accounts, workspace, monkeypatch,
                                                      capsys):
    calls = counting(monkeypatch)
    assert main(["scorecard", "--workspace", "Acme", "--period", "2026-Q1", "--json"]) == 0
    # the input once; "2025-Q4" is the comparison window previous_period() builds
    assert calls.count("2026-Q1") == 1


def test_the_report_parses_the_period_once(owner_session, monkeypatch):
    from cxcore import report_model

    calls = counting(monkeypatch)
    report_model.render(owner_session, "html", period="2026-Q1")
    assert calls.count("2026-Q1") == 1


def test_a_period_knows_the_one_before():
    assert Period.parse("2026-Q1").previous() == Period.parse("2025-Q4")
    assert Period.parse("2026").previous().label == "2025"
    assert Period.parse("2026-03").previous().label == "2026-02"
    assert Period.parse("2026-01-11..2026-01-20").previous().label == "2026-01-01..2026-01-10"
    assert Period.parse("all").previous() is None
    assert sc.previous_period(Period.parse("2026-Q1")).label == "2025-Q4"
    assert sc.Period is Period and sc.parse_period("2026-Q1") == Period.parse("2026-Q1")
