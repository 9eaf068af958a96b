"""The one-file program report (cxcore.report): sections, numbers, escaping, permissions."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from cxcore import demo, report
from cxcore import interviews as iv
from cxcore import journeys as jr
from cxcore import scorecard as sc
from cxcore import workspace as wsmod
from cxcore.errors import ValidationError

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SVG_LEAVES = {"path", "rect", "line", "circle", "text", "stop", "use", "polygon"}


class TagChecker(HTMLParser):
    """Checks that start and end tags nest; collects tag names and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check(html_text: str) -> TagChecker:
    parser = TagChecker()
    parser.feed(html_text)
    parser.close()
    assert parser.problems == []
    assert parser.stack == []
    return parser


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    """The demo workspace's report (built once: the demo and its maps take a moment)."""
    from cxcore.accounts import Accounts

    acc = Accounts.open(tmp_path_factory.mktemp("report-data"))
    try:
        acc.create_user("owner", "correct-horse-1")
        info = demo.create_demo_workspace(acc, owner="owner")
        session = wsmod.open_session(acc, info.id, "owner")
        today = date(2026, 11, 20)
        text = report.program_report_html(session, today=today)
        yield {"html": text, "session": session, "info": info, "today": today,
               "period": report.default_period(session)}
        session.close()
    finally:
        acc.close()


def test_empty_workspace_says_so_in_sentences(owner_session):
    text = report.program_report_html(owner_session)
    assert text.startswith("<!doctype html>")
    check(text)
    assert "Acme" in text
    assert "No purpose statement has been written yet" in text
    assert "There is nothing to score yet" in text
    assert "No survey answers are linked to customers" in text
    assert "No journey has been mapped yet" in text
    assert "No quotes yet" in text
    assert "<svg" not in text


def test_self_contained_and_printable(owner_session):
    text = report.program_report_html(owner_session)
    assert "@media print" in text and "size: A4" in text
    assert "<script" not in text.lower()
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', text)
    assert "@import" not in text and "url(" not in text


def test_demo_report_holds_the_program(demo_report):
    text, info = demo_report["html"], demo_report["info"]
    check(text)
    assert info.name in text
    assert "2026-Q3" in text and demo_report["period"] == "2026-Q3"
    assert "Prepared 20 Nov 2026" in text
    assert "household&#x27;s kitchen" in text  # the purpose statement, escaped
    assert "3 of 6 steps done" in text
    drivers = pytest.importorskip("cxcore.drivers")
    for finding in drivers.summary(demo_report["session"], demo_report["period"]):
        assert finding["text"].replace("'", "&#x27;") in text


def test_demo_nps_is_the_scorecards(demo_report):
    session, period = demo_report["session"], demo_report["period"]
    card = sc.scorecard(session, period)
    before = sc.scorecard(session, sc.previous_period(sc.parse_period(period)).label)
    row = re.search(r'<tr data-metric="nps">(.*?)</tr>', demo_report["html"], re.S).group(1)
    assert f"{card['nps']:+.0f}" in row
    assert f"{card['nps'] - before['nps']:+.1f} pts" in row
    assert html.escape(sc.compare(card, before)["nps"].note) in row
    assert "target +30" in row
    # hard metrics sit beside the soft ones
    assert 'data-metric="churn_rate_pct"' in demo_report["html"]
    assert "What they do" in demo_report["html"]


def test_demo_journeys_actions_and_quotes(demo_report):
    text, session = demo_report["html"], demo_report["session"]
    journeys = jr.list_journeys(session)
    assert text.count("<svg") == len(journeys) >= 1
    actions = jr.list_actions(session, status=("open", "in progress"),
                              today=demo_report["today"])
    for action in actions:
        assert re.sub(r"[&<>\"']", "", action["owner"]) in text
    assert text.count("Overdue</span>") == sum(a["overdue"] for a in actions) >= 1
    summary = jr.journey_summary(session, journeys[0]["id"])
    assert f'{summary["red"]} red</span>' in text
    quote = iv.quote_wall(session)[0]["quote"]
    assert quote.replace("'", "&#x27;") in text
    assert iv.quote_wall(session)[0]["interviewee"] not in text  # names left out


def test_markup_in_user_text_is_escaped(owner_session):
    iv.create_interview(owner_session, {
        "kind": "customer", "date": "2026-01-05", "interviewee": "<i>Ann</i>",
        "key_quotes": "<script>alert('x')</script> was my experience"})
    journey = jr.create_journey(owner_session, "<img src=x onerror=alert(1)> journey",
                                problem="<b>bold</b> problem")
    step = jr.add_step(owner_session, journey, "<u>Order</u>")
    actor = jr.add_actor(owner_session, journey, "<em>Shop</em>", "frontstage")
    jr.set_health(owner_session, step, actor, "red", note="n")
    part = owner_session.db.execute("select id from journey_parts").fetchone()[0]
    jr.add_action(owner_session, part, "<a href=x>fix</a>", owner="<s>Bob</s>",
                  due_date="2026-01-01")
    text = report.program_report_html(owner_session, today=date(2026, 2, 1))
    check(text)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; was my experience" in text
    for raw in ("<img src=x", "<b>bold</b>", "<u>Order</u>", "<a href=x>", "<s>Bob</s>",
                "<em>Shop</em>"):
        assert raw not in text
    assert "&lt;s&gt;Bob&lt;/s&gt;" in text and "Overdue" in text


def test_workspace_name_with_markup_is_escaped(accounts):
    info = accounts.create_workspace("<script>x</script> Ltd", by="owner")
    session = wsmod.open_session(accounts, info.id, "owner")
    try:
        text = report.program_report_html(session)
    finally:
        session.close()
    assert "<script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt; Ltd" in text
    assert report.report_filename(session, date(2026, 3, 1)) == (
        "script-x-script-ltd-cx-report-2026-03-01.html")


def test_viewer_may_export(viewer_session):
    text = report.program_report_html(viewer_session, period="all")
    assert "Acme" in text and "There is nothing to score yet" in text


def test_bad_period_is_refused(viewer_session):
    with pytest.raises(ValidationError):
        report.program_report_html(viewer_session, period="last week")


def test_all_period_has_no_comparison(owner_session):
    owner_session.db["responses"].insert_all(
        [{"date": "2026-01-0" + str(i), "nps": 9 if i % 2 else 3} for i in range(1, 8)])
    text = report.program_report_html(owner_session, period="all")
    assert "There is no earlier period to compare with" in text
    assert "Only 7 NPS answers" in text
    assert "Scorecard · all the data" in text


def test_driver_findings_appear_when_the_module_exists(owner_session, monkeypatch):
    import sys
    import types

    fake = types.ModuleType("cxcore.drivers")
    fake.summary = lambda session, period=None: ["Delivery <slots> drive NPS most."]
    monkeypatch.setitem(sys.modules, "cxcore.drivers", fake)
    text = report.program_report_html(owner_session)
    assert "What drives the scores" in text
    assert "Delivery &lt;slots&gt; drive NPS most." in text
