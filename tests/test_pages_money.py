"""The money section of the Scorecard page, and one check that the page, the report and the
command line say the same numbers on the demo workspace."""

from __future__ import annotations

import html
import json

import pytest

from cxcore import demo, money, report
from cxcore import locale_settings as loc
from cxcore import scorecard as sc
from cxcore import workspace as wsmod
from cxcore.cli import main
from tests.conftest import plain, signed_in_app
from tests.test_money import L, load

PAGE = "pages/scorecard.py"


def _markdown(at) -> str:
    return "\n".join(plain(m.value) for m in at.markdown)


def test_business_case_calculator(app_page, editor_session) -> None:
    load(editor_session.db)
    at = app_page(PAGE, user="viewer", run=False)
    at.run()
    at.selectbox(key="sc_period_quarter").set_value("2026-Q1").run()
    assert not at.exception, at.exception
    headers = [h.value for h in at.subheader]
    assert {"Revenue at risk", "Referral value", "Business case"} <= set(headers)
    at.number_input(key="bc_convert").set_value(50.0).run()
    at.number_input(key="bc_cost").set_value(100.0).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    # Hand-computed in tests/test_money.py: extra margin 2030 / L = 686.52, ROI 586.5 %,
    # payback 1.7 months.
    assert metrics["Extra gross margin a year"] == loc.format_money(2030 / L)
    assert metrics["Return in the first year"] == "587 %"
    assert metrics["Payback"] == "1.7 months"
    table = next(t.value for t in at.table if "Source" in t.value.columns)
    assert list(table.columns) == ["Estimate", "95 % CI", "Source"]
    assert table.index[0] == "Kept revenue"
    assert " to " in table.iloc[0]["95 % CI"] and table.iloc[0]["Source"]
    # Passives instead of promoters: another case, computed by the same function.
    at.selectbox(key="bc_to").set_value("passive").run()
    case = money.business_case(editor_session, convert_pct=50, cost=100, to="passive",
                               period="2026-Q1")
    assert {m.label: m.value for m in at.metric}["Extra gross margin a year"] == \
        loc.format_money(case["figures"]["extra_margin"].value)
    text = _markdown(at)
    assert "Each promoter brought 0.67 new customers: ten promoters brought 6.7" in text


def test_money_section_without_links_says_what_is_missing(app_page, editor_session) -> None:
    editor_session.db["responses"].insert_all(
        [{"date": "2024-02-01", "nps": n, "row_hash": str(i)} for i, n in enumerate([10, 3])])
    at = app_page(PAGE, user="viewer", run=False)
    at.run()
    at.selectbox(key="sc_grain").set_value("All data").run()
    assert not at.exception, at.exception
    text = _markdown(at)
    assert "Revenue at risk can't be shown: no survey answers in this period are linked" in text
    assert any("The business case can't be computed" in plain(i.value) for i in at.info)


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory):
    from cxcore.accounts import Accounts

    root = tmp_path_factory.mktemp("agree-data")
    acc = Accounts.open(root)
    acc.create_user("owner", "correct-horse-1")
    info = demo.create_demo_workspace(acc, owner="owner")
    yield acc, info, root
    acc.close()


def test_page_report_and_cli_agree_on_the_demo(demo_world, monkeypatch, capsys) -> None:
    acc, info, root = demo_world
    monkeypatch.setenv("CX_DATA_DIR", str(root))
    monkeypatch.setenv("CX_COOKIE_KEY", "test-cookie-key-not-secret-0123456789abcdef")
    session = wsmod.open_session(acc, info.id, "owner")
    try:
        period = report.default_period(session)
        previous = sc.previous_period(sc.parse_period(period)).label
        html_text = report.program_report_html(session)
    finally:
        session.close()
    # The command line.
    assert main(["--data-dir", str(root), "scorecard", "--workspace", str(info.id),
                 "--period", period, "--compare", previous, "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert main(["--data-dir", str(root), "money", "--workspace", str(info.id)]) == 0
    cli_money = capsys.readouterr().out
    assert main(["--data-dir", str(root), "business-case", "--workspace", str(info.id),
                 "--convert-detractors", "10", "--cost", "5000"]) == 0
    cli_case = capsys.readouterr().out
    # The page, on the same period with the same business-case inputs.
    at = signed_in_app(PAGE, "owner", info.id, timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sc_period_quarter").value == period
    page_metrics = {m.label: m.value for m in at.metric}
    page_text = "\n".join(plain(c.value) for c in at.caption) + "\n" + _markdown(at)
    # NPS with its interval: CLI JSON -> the text every face prints.
    nps_text = sc.metric_interval_text(card, "nps")
    assert page_metrics["NPS"] == sc.format_value(card["nps"], "pts")
    assert nps_text in page_text
    assert html.escape(nps_text) in html_text
    # The change verdict: same reason on the page, in the report and in the JSON.
    reason = card["changes"]["nps"]["reason"]
    assert reason in page_text and html.escape(reason) in html_text
    assert card["changes"]["nps"]["meaningful"] in (True, False, None)
    # The money story: the same sentences everywhere.
    for line in cli_money.splitlines()[2:]:
        line = line.strip()
        if line and not line.endswith(":"):
            assert line in page_text, line
            assert html.escape(line) in html_text, line
    # The business case: the page's default inputs are the CLI's (10 %, 5,000).
    payback = next(line.strip() for line in cli_case.splitlines() if "Payback" in line)
    assert payback in page_text
    margin_line = next(line.strip() for line in cli_case.splitlines()
                       if line.strip().startswith("Extra gross margin"))
    assert page_metrics["Extra gross margin a year"] in margin_line


def test_editor_sets_currency_time_zone_and_threshold(app_page, editor_session) -> None:
    load(editor_session.db)
    at = app_page(PAGE, user="editor")
    at.selectbox(key="sc_period_quarter").set_value("2026-Q1").run()
    at.text_input(key="sc_currency").set_value("eur")
    at.selectbox(key="sc_number_format").set_value("1.234,5")
    at.selectbox(key="sc_timezone").set_value("Europe/Berlin")
    at.number_input(key="sc_min_n").set_value(5)
    at.button[[b.label for b in at.button].index("Save targets and settings")].click().run()
    assert not at.exception, at.exception
    assert loc.workspace_locale(editor_session) == loc.Locale("Europe/Berlin", "EUR", "1.234,5")
    assert sc.small_sample_threshold(editor_session) == 5
    metrics = {m.label: m.value for m in at.metric}
    # Q1 revenue 300 + 300 + 150 + 90 + 60 + 120 + 60 + 30 = 1,110 from 8 paying customers:
    # 138.75 -> "€139".
    assert metrics["Revenue per customer"] == "€139"
    assert metrics["Extra gross margin a year"].startswith("€")
    # A bad currency code is refused with its field named; nothing changes.
    at.text_input(key="sc_currency").set_value("E1R")
    at.button[[b.label for b in at.button].index("Save targets and settings")].click().run()
    assert any("currency" in e.value for e in at.error)
    assert loc.workspace_locale(editor_session).currency == "EUR"
