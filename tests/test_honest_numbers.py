"""Honest verdicts and formatting: change tests on adequate samples only, intervals shown as
intervals, CLV bounded by its horizon, workspace currency / time zone / number format."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcore import locale_settings as loc
from cxcore import metrics as m
from cxcore import scorecard as sc
from cxcore.cli import main
from cxcore.errors import PermissionDenied, ValidationError


def card(p: int, pa: int, d: int, csat_top2: int = 0, csat_n: int = 0,
         ces: list[int] | None = None) -> dict:
    """A scorecard-like dict with the counts :func:`cxcore.scorecard.compare` tests on."""
    ces = ces or []
    result = m.nps(p, pa, d)
    return {"nps": result.nps if result else None, "nps_n": p + pa + d, "promoters": p,
            "passives": pa, "detractors": d, "csat_top2": csat_top2, "csat_n": csat_n,
            "csat_pct": m.csat_pct(csat_top2, csat_n), "ces_n": len(ces),
            "ces_sum": float(sum(ces)), "ces_sumsq": float(sum(x * x for x in ces)),
            "ces_mean": m.ces_mean(sum(ces), len(ces)), "enps": None, "enps_n": 0}


counts = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))


@settings(max_examples=200, deadline=None)
@given(a=counts, b=counts, min_n=st.integers(2, 100))
def test_a_side_below_the_threshold_is_never_meaningful(a, b, min_n) -> None:
    changes = sc.compare(card(*a), card(*b), min_n=min_n)
    if min(sum(a), sum(b)) < min_n:
        assert changes["nps"].meaningful is None
        if changes["nps"].change is not None:
            assert changes["nps"].note.startswith("too few answers to tell")
    assert m.nps_change_is_meaningful(a, b, min_n) in (None, False) or min(
        sum(a), sum(b)) >= min_n


@settings(max_examples=200, deadline=None)
@given(a=counts, top=st.integers(0, 50), extra=st.integers(0, 50),
       ces=st.lists(st.integers(1, 7), min_size=0, max_size=60))
def test_identical_samples_are_never_meaningful(a, top, extra, ces) -> None:
    one = card(*a, csat_top2=top, csat_n=top + extra, ces=ces)
    two = card(*a, csat_top2=top, csat_n=top + extra, ces=ces)
    changes = sc.compare(one, two, min_n=2)
    assert all(c.meaningful is not True for c in changes.values())


@settings(max_examples=300, deadline=None)
@given(revenue=st.floats(0, 1e6), churn=st.floats(0, 1), margin=st.floats(0, 1),
       discount=st.floats(0, 1), years=st.floats(0.1, 50))
def test_clv_never_exceeds_margin_times_revenue_times_horizon(revenue, churn, margin, discount,
                                                             years) -> None:
    bound = margin * revenue * 12 * years
    for value in (m.clv_simple(revenue, churn, margin, 12 * years),
                  m.clv_discounted(revenue, churn, margin, discount, 12 * years)):
        assert 0 <= value <= bound * (1 + 1e-9) + 1e-9
    # Discounting never adds value.
    assert (m.clv_discounted(revenue, churn, margin, discount, 12 * years)
            <= m.clv_simple(revenue, churn, margin, 12 * years) * (1 + 1e-9) + 1e-9)


def test_small_sample_nps_change_of_the_issue_is_too_few_to_tell() -> None:
    # 2 answers, both promoters (NPS +100) against 0/1/3 (NPS -75).
    changes = sc.compare(card(2, 0, 0), card(0, 1, 3))
    assert changes["nps"].change == pytest.approx(175.0)
    assert changes["nps"].meaningful is None
    assert changes["nps"].note == ("too few answers to tell (2 and 4; at least 30 needed in "
                                   "each period)")


def test_intervals_are_shown_as_intervals() -> None:
    # 3 promoters, 1 passive: NPS 75, adjusted centre 100 x 3/7 = 42.9 -> the interval is not
    # 75 +- something.
    c = sc._soft_metrics(
        {"promoters": 200, "passives": 110, "detractors": 50, "responses": 360}, {})
    text = sc.metric_with_interval(c, "nps")
    assert text == (f"+{c['nps']:.0f} (95 % CI {c['nps_low']:+.0f} to {c['nps_high']:+.0f}), "
                    "n = 360")
    assert text == "+42 (95 % CI +34 to +49), n = 360"
    tiny = card(0, 1, 3)
    tiny.update(dict(zip(("nps_moe", "nps_low", "nps_high"), m.nps_interval(0, 1, 3),
                         strict=True)))
    # -75 with 4 answers: the interval is -93 to +7, not "-75 +- 50".
    assert sc.metric_with_interval(tiny, "nps") == "-75 (95 % CI -93 to +7), n = 4"
    assert sc.metric_interval_text({"csat_pct": 50.0}, "csat_pct") is None


def test_number_money_and_no_minus_zero() -> None:
    assert loc.format_points(-0.4) == "0" and loc.format_points(0.6) == "+1"
    assert loc.format_pp(-0.04) == "0.0 pp" and loc.format_pp(2.46) == "+2.5 pp"
    assert loc.format_pct(42.46) == "42.5 %"
    assert loc.format_money(12345.6) == "$12,346"
    assert loc.format_money(-40) == "-$40"
    assert loc.format_money(-0.2) == "$0"
    euro = loc.Locale(currency="EUR", number_format="1.234,5")
    assert loc.format_money(1234567.891, euro, 2) == "€1.234.567,89"
    assert loc.format_money(5, loc.Locale(currency="CHF")) == "CHF\u00a05"
    assert loc.format_number(1234.5, 1, loc.Locale(number_format="1 234,5")) == "1\u202f234,5"
    assert sc.format_value(-0.2, "pts") == "0"
    assert sc.format_value(1500, "money", where=euro) == "€1.500"


def test_times_in_the_workspace_zone() -> None:
    ny = loc.Locale(timezone="America/New_York")
    when = loc.to_workspace_time("2025-04-01T03:30:00", ny)  # stored UTC
    assert (when.year, when.month, when.day, when.hour) == (2025, 3, 31, 23)
    assert loc.format_time("2025-04-01T03:30:00+00:00", ny) == "31 Mar 2025 23:30 EDT"
    assert loc.format_time(datetime(2025, 1, 5, 14, 5), None) == "5 Jan 2025 14:05 UTC"
    assert loc.format_time(None) == ""


def test_locale_settings_are_validated_and_stored(editor_session, viewer_session) -> None:
    assert loc.workspace_locale(editor_session) == loc.DEFAULT
    with pytest.raises(ValidationError) as info:
        loc.set_locale(editor_session, timezone_name="Mars/Base", currency="EURO",
                       number_format="1_234")
    assert [p.field for p in info.value.problems] == ["timezone", "currency", "number_format"]
    assert loc.workspace_locale(editor_session) == loc.DEFAULT  # nothing stored
    with pytest.raises(PermissionDenied):
        loc.set_locale(viewer_session, currency="EUR")
    got = loc.set_locale(editor_session, timezone_name="Europe/Berlin", currency="eur")
    assert got == loc.Locale("Europe/Berlin", "EUR", "1,234.5")
    # The importers read the bare key as a JSON string.
    raw = editor_session.db.execute("select value from settings where key = 'timezone'"
                                    ).fetchone()[0]
    assert json.loads(raw) == "Europe/Berlin"
    assert str(loc.workspace_timezone(editor_session)) == "Europe/Berlin"


def test_small_sample_threshold_setting(editor_session, viewer_session) -> None:
    assert sc.small_sample_threshold(editor_session) == 30
    for bad in (1, 2.5, "x", True):
        with pytest.raises(ValidationError):
            sc.set_small_sample_threshold(editor_session, bad)
    with pytest.raises(PermissionDenied):
        sc.set_small_sample_threshold(viewer_session, 50)
    sc.set_small_sample_threshold(editor_session, 50)
    assert sc.small_sample_threshold(editor_session) == 50


def test_cli_compare_prints_changes(accounts, editor_session, capsys) -> None:
    from tests.test_scorecard import load

    load(editor_session.db)
    assert main(["scorecard", "--workspace", "Acme", "--period", "2026-Q1", "--compare",
                 "2025-Q4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["compared_with"] == "2025-Q4"
    nps = out["changes"]["nps"]
    assert nps["change"] == pytest.approx(116.6667, abs=1e-4)
    assert nps["meaningful"] is None and nps["reason"].startswith("too few answers to tell")
    assert out["changes"]["churn_rate_pct"]["meaningful"] is None
    assert set(out["changes"]) == {d.key for d in sc.METRICS}
    assert main(["scorecard", "--workspace", "Acme", "--period", "2026-Q1", "--compare",
                 "2025-Q4"]) == 0
    text = capsys.readouterr().out
    assert "compared with 2025-Q4" in text and "too few answers to tell" in text


def test_settings_form_saves_all_or_nothing(editor_session, viewer_session) -> None:
    good = dict(new_targets={"nps": {"target": 30}}, gross_margin_pct=40,
                annual_discount_rate_pct=8, clv_horizon_years=3, small_sample_min=40,
                timezone_name="Europe/Paris", currency="EUR", number_format="1.234,5")
    # The last part is bad: nothing of the first parts is stored either.
    with pytest.raises(ValidationError) as info:
        sc.save_settings(editor_session, **{**good, "currency": "E1R"})
    assert info.value.problems[0].field == "currency"
    assert sc.targets(editor_session) == {}
    assert sc.finance_settings(editor_session) == sc.DEFAULT_FINANCE
    assert sc.small_sample_threshold(editor_session) == 30
    with pytest.raises(PermissionDenied):
        sc.save_settings(viewer_session, **good)
    sc.save_settings(editor_session, **good)
    assert sc.targets(editor_session)["nps"]["target"] == 30.0
    assert sc.finance_settings(editor_session)["clv_horizon_years"] == 3.0
    assert sc.small_sample_threshold(editor_session) == 40
    assert loc.workspace_locale(editor_session) == loc.Locale("Europe/Paris", "EUR", "1.234,5")
