"""Snapshot customer files (tenure + churn flag, no end dates): churn only where the snapshot
observes it, CLV from that window's churn capped by the horizon, left-truncation said plainly."""

from __future__ import annotations

import pytest

from cxcore import importers as im
from cxcore import report
from cxcore import scorecard as sc

# Reference date 2025-01-31: start = reference - tenure months. c4 joined in the last month
# (tenure 0), so it is not in the churn base of January; c2 and c3 left in January.
SNAPSHOT = (b"customerID,tenure,Churn,MonthlyCharges,Contract\n"
            b"c1,10,No,50,Month-to-month\nc2,5,Yes,80,Month-to-month\n"
            b"c3,1,Yes,20,Month-to-month\nc4,0,No,30,Two year\nc5,24,No,100,Two year\n")


def import_snapshot(session, data: bytes = SNAPSHOT, reference_date: str = "2025-01-31"):
    preview = im.prepare_import("customers", data, reference_date=reference_date,
                                mapping={"Contract": "segment"})
    assert preview.problems == []
    assert preview.detected[im.SNAPSHOT_KEY] == reference_date
    assert any("snapshot" in note for note in preview.notes)
    return im.commit_import(session, preview)


def test_snapshot_is_recognised_and_recorded(editor_session) -> None:
    result = import_snapshot(editor_session)
    assert im.SNAPSHOT_SETTING == sc.SNAPSHOT_SETTING
    snap = sc.customer_snapshot(editor_session)
    assert snap == {"reference_date": "2025-01-31", "window_start": "2025-01-01",
                    "window_end": "2025-02-01", "default_period": "2025-01"}
    assert sc.default_period(editor_session) == "2025-01"
    assert report.default_period(editor_session) == "2025-01"
    im.undo_import(editor_session, result.batch_id)
    assert sc.customer_snapshot(editor_session) is None


def test_dated_customer_files_are_not_snapshots(editor_session) -> None:
    data = b"id,start_date,end_date\na,2024-01-01,\nb,2024-02-01,2024-06-01\n"
    preview = im.prepare_import("customers", data)
    assert im.SNAPSHOT_KEY not in preview.detected
    im.commit_import(editor_session, preview)
    assert sc.customer_snapshot(editor_session) is None
    # A tenure file that has end dates is dated too.
    dated = b"customerID,tenure,Churn,end date\nx,3,Yes,2024-05-02\n"
    assert im.SNAPSHOT_KEY not in im.prepare_import(
        "customers", dated, reference_date="2024-06-30").detected


def test_churn_only_in_the_observed_month(editor_session) -> None:
    import_snapshot(editor_session)
    jan = sc.scorecard(editor_session, "2025-01")
    # Base on 2025-01-01: c1, c2, c3, c5 (c4 started on 2025-01-31); c2 and c3 left: 50 %.
    assert (jan["churn_base"], jan["churned"]) == (4, 2)
    assert jan["churn_rate_pct"] == pytest.approx(50.0)
    assert jan["snapshot"]["churn_observed"] is True
    # Earlier periods and all data: not observed (null, never 0).
    for period in ("2024-12", "2024-Q4", "2024", "all"):
        card = sc.scorecard(editor_session, period)
        assert card["churn_rate_pct"] is None and card["retention_rate_pct"] is None, period
        assert card["snapshot"]["churn_observed"] is False
    trend = {r["month"]: r for r in sc.monthly_trend(editor_session)}
    assert trend["2025-01"]["churn_rate_pct"] == pytest.approx(50.0)
    assert all(r["churn_rate_pct"] is None for month, r in trend.items() if month < "2025-01")
    assert sc.cohort_retention(editor_session) == []
    rows = {r["segment"]: r for r in sc.breakdown(editor_session, "segment", "2025-01")}
    # Month-to-month: c1, c2, c3 in the base, 2 left; two year: c5 only (c4 is new).
    assert rows["Month-to-month"]["churn_rate_pct"] == pytest.approx(200 / 3)
    assert rows["Two year"]["churn_rate_pct"] == pytest.approx(0.0)
    assert all(r["churn_rate_pct"] is None
               for r in sc.breakdown(editor_session, "segment", "2024-Q4"))


def test_clv_uses_the_window_churn_and_the_horizon(editor_session) -> None:
    import_snapshot(editor_session)
    # Monthly revenue of the active customers: (50 + 80 + 20 + 30 + 100) / 5 = 56; monthly
    # churn 50 % in every period (the only churn the snapshot observes):
    # 56 x (1 - 0.5^60) / 0.5 = 112. In 2024-Q4 c4 was not a customer yet: 62.5 x 2 = 125.
    for period, clv in (("2025-01", 112.0), ("all", 112.0), ("2024-Q4", 125.0)):
        card = sc.scorecard(editor_session, period)
        assert card["monthly_churn_pct"] == pytest.approx(50.0), period
        assert card["clv"] == pytest.approx(clv, abs=1e-6), period
        assert card["clv_churn_source"] == "snapshot"
    # A segment with no churn in the window: the horizon caps it (m x 60 months), instead of
    # an unbounded lifetime.
    two = sc.scorecard(editor_session, "2025-01", segment="Two year")
    assert two["monthly_churn_pct"] == pytest.approx(0.0)
    assert two["clv"] == pytest.approx(65.0 * 60)
    sc.set_finance_settings(editor_session, 100, 10, 2)
    assert sc.scorecard(editor_session, "2025-01", segment="Two year")["clv"] == pytest.approx(
        65.0 * 24)
    words = sc.clv_words(two)
    assert "measured in the snapshot's last month" in words and "at most 5.0 years" in words


def test_left_truncation_is_explained(editor_session) -> None:
    import_snapshot(editor_session)
    card = sc.scorecard(editor_session, "2025-01")
    notes = [text for _, text in sc.caveats(card, "2025-01", None, None)]
    assert any("snapshot taken on 2025-01-31" in n and "not as 0 %" in n for n in notes)
    html = report.program_report_html(editor_session)
    assert "Scorecard: 2025-01" in html
    assert "Customers who left earlier are not in the file at all" in html


def test_snapshot_page(app_page, editor_session) -> None:
    import_snapshot(editor_session)
    at = app_page("pages/scorecard.py", user="viewer")
    assert not at.exception, at.exception
    assert at.selectbox(key="sc_grain").value == "Month"
    assert at.selectbox(key="sc_period_month").value == "2025-01"
    infos = " ".join(i.value for i in at.info)
    assert "snapshot taken on" in infos and "not observed" in infos
    assert {m.label: m.value for m in at.metric}["Churn"] == "50.0 %"
