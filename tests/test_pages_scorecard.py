"""AppTest of pages/scorecard.py: with data, without data, viewer vs editor, saving targets."""

from __future__ import annotations

from cxcore import scorecard as sc
from tests.test_scorecard import load

PAGE = "pages/scorecard.py"


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def test_no_data_says_what_to_do(app_page) -> None:
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "Import data" in _text(at)
    assert not at.metric


def test_renders_cards_with_data(app_page, editor_session) -> None:
    load(editor_session.db)
    at = app_page(PAGE, user="viewer")
    assert not at.exception, at.exception
    # The data ends on 2026-03-20, so the default is the last complete quarter, 2025-Q4.
    assert at.selectbox(key="sc_period_quarter").value == "2025-Q4"
    at.selectbox(key="sc_period_quarter").set_value("2026-Q1").run()
    assert not at.exception, at.exception
    assert "2026-Q1 is still in progress" in _text(at)
    assert at.selectbox(key="sc_compare_2026-Q1").value == "2025-Q4"
    labels = {m.label: m.value for m in at.metric}
    assert {"NPS", "CSAT", "Retention", "Net revenue retention", "Customer lifetime value"} <= set(
        labels)
    assert labels["NPS"] == "+17"
    assert labels["CSAT"] == "60.0 %"
    assert labels["Net revenue retention"] == "100.0 %"  # c3 joined during Q4: not in cohort
    text = _text(at)
    assert "Only 6 NPS answers" in text  # small sample said plainly
    assert "too few answers to tell" in text
    # Viewers get no targets editor.
    assert not any(f.proto.form_id == "sc_targets" for f in at.get("form"))
    assert "Targets and finance settings" not in [e.label for e in at.expander]


def test_all_data_and_segment_filter(app_page, editor_session) -> None:
    load(editor_session.db)
    at = app_page(PAGE, user="viewer")
    at.selectbox(key="sc_grain").set_value("All data").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["NPS"] == "0"
    text = _text(at)
    assert "Only 7 NPS answers in all the data:" in text  # words, not the key "all"
    assert "compares the last 12 months of data (1 Apr 2025 to 31 Mar 2026) with the 12 " \
           "months before" in text
    assert " all with" not in text and " in all:" not in text
    # No revenue cohort for all data: one line instead of empty cards.
    assert "Net revenue retention" not in {m.label for m in at.metric}
    assert "No data yet: Net revenue retention (needs revenue from customers" in text
    # Breakdown tables: readable headers, rounded numbers with units, "—" when missing.
    table = next(d.value for d in at.dataframe if "Segment" in d.value.columns)
    assert list(table.columns) == ["Segment", "Responses", "NPS", "NPS 95 % CI", "CSAT",
                                   "Effort (1-7)", "Customers", "Churn", "Retention"]
    smb = table[table["Segment"] == "SMB"].iloc[0]
    assert smb["NPS"] == "+25" and smb["CSAT"].endswith(" %") and "." not in smb["CSAT"]
    # The interval as its two ends, centred on the adjusted estimate: (2 - 1) / 7 = +14.
    low, high = smb["NPS 95 % CI"].split(" to ")
    assert int(low) < 14 < int(high)
    at.selectbox(key="sc_segment").set_value("SMB").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["NPS"] == "+25"  # 10, 9, 8, 0 -> (2 - 1) / 4 = 25


def test_editor_saves_a_target(app_page, editor_session) -> None:
    load(editor_session.db)
    at = app_page(PAGE, user="editor")
    at.selectbox(key="sc_period_quarter").set_value("2026-Q1").run()
    assert "Targets and settings" in [e.label for e in at.expander]
    edited = sc.METRICS.index(sc.METRIC_BY_KEY["nps"])
    at.session_state["sc_targets_editor"] = {
        "edited_rows": {edited: {"target": 10.0}}, "added_rows": [], "deleted_rows": []}
    at.button[[b.label for b in at.button].index("Save targets and settings")].click().run()
    assert not at.exception, at.exception
    assert sc.targets(editor_session)["nps"]["target"] == 10.0
    assert ":green[● on target]" in _text(at)


def test_survey_only_workspace_shows_one_message_for_customer_metrics(app_page,
                                                                    editor_session) -> None:
    editor_session.db["responses"].insert_all(
        [{"date": "2024-02-01", "nps": n, "row_hash": str(i)} for i, n in enumerate(
            [10, 9, 8, 3, 10])])
    at = app_page(PAGE, user="editor")
    at.selectbox(key="sc_grain").set_value("All data").run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert labels == ["NPS"]  # no cards that only say "no data"
    infos = " ".join(i.value for i in at.info)
    assert "need your customer list" in infos
    text = _text(at)
    assert "no data" not in [m.value for m in at.metric]
    assert "Only one month has NPS answers" in text
    # No segment recorded: the group is "(not set)".
    table = next(d.value for d in at.dataframe if "Segment" in d.value.columns)
    assert table["Segment"].tolist() == ["(not set)"]
    assert table.iloc[0]["CSAT"] == "—"
