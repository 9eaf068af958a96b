"""The one-file program report: what a CX manager sends to leadership or shows in a meeting.

:func:`program_report_html` returns a self-contained HTML document (inline CSS and SVG, no
scripts, no external requests) that reads on a projector and prints on A4 (``@media print``):

1. the workspace name, the scorecard period and the date;
2. the purpose statement and the six-step checklist (:func:`cxcore.checklist.overview`);
3. the scorecard, soft metrics next to hard ones, each with its change against the period
   before and whether that change is larger than the noise, its target and status
   (:func:`cxcore.scorecard.scorecard`, :func:`~cxcore.scorecard.compare`,
   :func:`~cxcore.scorecard.status`);
4. the value of customers by NPS group (:func:`cxcore.scorecard.value_by_nps_group`) and the
   money story: revenue at risk, referral value, the business case (:mod:`cxcore.money`);
5. each journey that is not archived: its map as inline SVG (:mod:`cxcore.journey_charts`), its
   green/yellow/red counts and its open actions with owner and due date, overdue ones flagged;
6. recent key quotes from interviews (:func:`cxcore.interviews.quote_wall`);
7. the driver findings (:func:`cxcore.drivers.summary`), when that module is present; shown
   after the scorecard.

Nothing is computed here that those modules already compute; this module only lays it out.
Every piece of user text (names, notes, quotes) goes through :func:`html.escape`. A section
without data says so in a sentence. Exporting only reads, so viewers may do it.
"""

from __future__ import annotations

import importlib
import inspect
import re
from datetime import date
from html import escape
from typing import Any

from cxcore import checklist, journeys, locale_settings, money, scorecard
from cxcore import journey_charts as jc
from cxcore.errors import CXError
from cxcore.period import Period, parse_period
from cxcore.storage import slugify
from cxcore.workspace import WorkspaceSession

#: How many recent quotes the report shows.
QUOTES_SHOWN = 6
SOFT_KEYS = ("nps", "csat_pct", "ces_mean", "rating_index", "enps")
HARD_KEYS = ("retention_rate_pct", "churn_rate_pct", "nrr_pct", "grr_pct",
             "revenue_per_customer", "clv", "clv_discounted", "expansion_revenue", "referrals")
STATUS_WORDS = {"green": ("●", "On target"), "yellow": ("▲", "Near target"),
                "red": ("▼", "Off target")}
STEP_MARKS = {"done": "✓", "in progress": "◐", "not started": "○"}
GROUP_LABELS = {"promoter": "Promoters (9-10)", "passive": "Passives (7-8)",
                "detractor": "Detractors (0-6)"}


def e(value: Any) -> str:
    """``value`` as HTML text: escaped, ``None`` as an empty string."""
    return "" if value is None else escape(str(value), quote=True)


def default_period(session: WorkspaceSession) -> str:
    """The period the report shows when none is given: like the Scorecard page, the newest
    quarter the data observes completely (:func:`cxcore.scorecard.default_period`: for a
    snapshot customer file, the month its churn is observed in)."""
    return scorecard.default_period(session, "quarter")


def report_filename(session: WorkspaceSession, today: date | None = None) -> str:
    """``<workspace-slug>-cx-report-<date>.html``."""
    return f"{slugify(session.info.name)}-cx-report-{(today or date.today()).isoformat()}.html"


def _day(value: str | date | None) -> str:
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _status_badge(status: str | None) -> str:
    if status is None:
        return ""
    mark, words = STATUS_WORDS[status]
    return f'<span class="badge {status}">{mark} {words}</span>'


# ---- sections -----------------------------------------------------------------------------------

def _program_section(program: dict[str, Any]) -> str:
    purpose = program["purpose_statement"]
    if purpose:
        why = f'<blockquote class="purpose">{e(purpose)}</blockquote>'
    else:
        why = ('<p class="empty">No purpose statement has been written yet (step 2 of the '
               'program, on the Program checklist page).</p>')
    rows = []
    for step in program["steps"]:
        status = step["status"]
        css = status.replace(" ", "-")
        owner = f'<div class="small">Owner: {e(step["owner"])}</div>' if step["owner"] else ""
        rows.append(
            f'<tr><td class="num">{step["number"]}</td><td><strong>{e(step["title"])}</strong>'
            f'{owner}</td><td><span class="step {css}">{STEP_MARKS.get(status, "")} '
            f'{e(status.capitalize())}</span></td><td>{e(step["evidence_summary"])}</td></tr>')
    pct = round(100 * program["total_progress"])
    return (
        '<section id="program"><h2>Why we exist, and where the program stands</h2>'
        f'{why}'
        f'<div class="progress" role="img" aria-label="{pct}% complete overall">'
        f'<div class="bar" style="width:{pct}%"></div></div>'
        f'<p class="small">{e(checklist.progress_words(program))}</p>'
        '<table class="steps"><thead><tr><th>#</th><th>Step</th><th>Status</th>'
        '<th>Evidence</th></tr></thead><tbody>' + "".join(rows) + '</tbody></table></section>')


def _metric_rows(keys: tuple[str, ...], card: dict, changes: dict, targets: dict,
                 compare_label: str | None, where: Any = None) -> tuple[str, list[str]]:
    rows, missing = [], []
    for key in keys:
        d = scorecard.METRIC_BY_KEY[key]
        value = card.get(key)
        if value is None:
            missing.append(key)
            continue
        extra = ""
        if interval := scorecard.metric_interval_text(card, key, where=where):
            extra = f'<div class="small">{e(interval)}</div>'
        elif key in ("nrr_pct", "grr_pct") and card.get("revenue_cohort"):
            extra = f'<div class="small">{_plural(card["revenue_cohort"], "customer")}</div>'
        change = changes[key]
        if change.change is None:
            change_cell = '<span class="muted">—</span>'
        else:
            # Only a tested change on adequate samples is coloured; the note says why not.
            css = "flat"
            if change.meaningful is True:
                css = "up" if (change.change > 0) == d.higher_is_better else "down"
            verdict = change.note
            delta = scorecard.format_change(change.change, d.unit, where)
            change_cell = (f'<span class="delta {css}">{e(delta)}'
                           f'</span><div class="small">{e(verdict)}</div>')
        target = targets.get(key)
        target_cell = '<span class="muted">—</span>'
        if target:
            target_cell = (f'{_status_badge(scorecard.status(key, value, targets))}'
                           f'<div class="small">target '
                           f'{e(scorecard.format_value(target["target"], d.unit, where=where))}'
                           '</div>')
        rows.append(
            f'<tr data-metric="{e(key)}"><th scope="row">{e(d.label)}</th>'
            f'<td class="value">{e(scorecard.format_value(value, d.unit, where=where))}'
            f'{extra}</td>'
            f'<td>{change_cell}</td><td>{target_cell}</td></tr>')
    head = (f'<thead><tr><th>Metric</th><th>Value</th>'
            f'<th>vs {e(compare_label) if compare_label else "before"}</th>'
            f'<th>Target</th></tr></thead>')
    table = f'<table class="metrics">{head}<tbody>{"".join(rows)}</tbody></table>' if rows else ""
    return table, missing


def _scorecard_section(session: WorkspaceSession, period: Period, card: dict,
                       before: dict | None, compare_label: str | None) -> str:
    title = f"Scorecard · {e(period.words())}"
    if not card["responses"] and not card["customers"] and card["enps"] is None:
        return (f'<section id="scorecard"><h2>{title}</h2><p class="empty">There is nothing to '
                'score yet for this period: no survey responses, customers or employee pulse '
                'answers have been imported.</p></section>')
    min_n = scorecard.small_sample_threshold(session)
    where = locale_settings.workspace_locale(session)
    changes = scorecard.compare(card, before, min_n=min_n)
    targets = scorecard.targets(session)
    notes = [text for _, text in scorecard.caveats(card, period, before, compare_label,
                                                   show_day=_day, min_n=min_n)]
    columns = []
    for heading, keys, empty in (
            (f"How customers feel · {_plural(card['responses'], 'response')}", SOFT_KEYS,
             "No survey or pulse answers in this period yet."),
            (f"What they do · {_plural(card['customers'], 'customer')}", HARD_KEYS,
             "No customer list or revenue in this period yet: retention, churn and revenue "
             "need them.")):
        table, missing = _metric_rows(keys, card, changes, targets, compare_label, where)
        body = table or f'<p class="empty">{e(empty)}</p>'
        if table and missing:
            body += ('<p class="small">No data yet: ' + e("; ".join(
                f"{scorecard.METRIC_BY_KEY[k].label} (needs {scorecard.NEEDS[k]})"
                for k in missing)) + ".</p>")
        columns.append(f'<div class="col"><h3>{e(heading)}</h3>{body}</div>')
    footnotes = ["Customer effort is on 1-7 where 7 = very easy (higher is better).",
                 "A grey change is not shown to be larger than the noise.",
                 scorecard.TESTS_NOTE]
    if words := scorecard.revenue_retention_words(card):
        footnotes.append(words)
    if words := scorecard.clv_words(card, where):
        footnotes.append(words)
    warn = "".join(f'<p class="note">{e(n)}</p>' for n in notes)
    return (f'<section id="scorecard"><h2>{title}</h2>{warn}'
            f'<div class="two">{"".join(columns)}</div>'
            f'<p class="small">{e(" ".join(footnotes))}</p></section>')


def _value_section(rows: list[dict], period: Period, where: Any = None) -> str:
    head = '<section id="value"><h2>What a promoter is worth</h2>'
    if not rows:
        return head + ('<p class="empty">No survey answers are linked to customers in '
                       f'{e(period.words())} yet, so the value of promoters, '
                       'passives and detractors can\'t be shown.</p></section>')
    measure = ("revenue_per_customer" if any(r["revenue_per_customer"] is not None for r in rows)
               else "avg_monthly_revenue")
    top = max((r[measure] or 0) for r in rows) or 1

    def money(value: float | None) -> str:
        return locale_settings.format_money(value, where)

    body = []
    for r in rows:
        width = max(0.0, 100 * (r[measure] or 0) / top)
        retention = locale_settings.format_pct(r["retention_pct"], 0, where)
        body.append(
            f'<tr class="{e(r["nps_group"])}"><th scope="row">'
            f'{e(GROUP_LABELS.get(r["nps_group"], r["nps_group"]))}</th>'
            f'<td class="num">{r["customers"]:,}</td><td class="num">{retention}</td>'
            f'<td class="num">{money(r["avg_monthly_revenue"])}</td>'
            f'<td class="num">{money(r["revenue_per_customer"])}</td>'
            f'<td class="barcell"><div class="hbar {e(r["nps_group"])}" '
            f'style="width:{width:.0f}%"></div></td></tr>')
    what = ("Revenue per customer, compared" if measure == "revenue_per_customer"
            else "Monthly revenue, compared")
    return (head + '<table class="value"><thead><tr><th>NPS group</th><th>Customers</th>'
            '<th>Still customers</th><th>Avg monthly revenue</th><th>Revenue per customer</th>'
            f'<th>{e(what)}</th></tr></thead><tbody>{"".join(body)}</tbody></table>'
            '<p class="small">Each customer is placed in a group by their latest NPS answer in '
            f'{e(period.words())}; revenue is net revenue in the period.</p>'
            '</section>')


def _money_section(session: WorkspaceSession, period: Period, where: Any = None,
                   convert_pct: float = 10.0, cost: float | None = None) -> str:
    """Revenue at risk, referral value and the business case (:mod:`cxcore.money`), in the
    same sentences as the Scorecard page and the command line. The business case converts
    ``convert_pct`` % of detractors into promoters; without a ``cost`` it shows the gains
    only (ROI and payback need the programme's cost)."""
    risk = money.revenue_at_risk(session, period)
    referral = money.referral_value(session, period)
    case = money.business_case(session, convert_pct=convert_pct, cost=cost or 0.0,
                               period=period)
    case_text = money.case_lines(case, where)
    if cost is None:
        case_text = [line for line in case_text
                     if not line.startswith(("Return on", "Payback"))]

    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{e(line)}</li>" for line in lines) + "</ul>"

    return ('<section id="money"><h2>The money story</h2>'
            f'<h3>Revenue at risk</h3>{items(money.risk_lines(risk, where))}'
            f'<h3>Referral value</h3>{items(money.referral_lines(referral, where))}'
            f'<h3>The business case</h3>{items(case_text)}'
            '<p class="small">From the workspace’s own records for '
            f'{e(period.words())}; intervals are 95 %. Source: '
            + e(risk["source"]) + '.</p></section>')


def _svg(chart_svg: str) -> str:
    """The exported map as inline SVG that scales to the page (up to its natural width)."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", chart_svg)
    match = re.match(r'<svg\b([^>]*?)\swidth="([\d.]+)"\s+height="([\d.]+)"', svg)
    if match:
        svg = (f'<svg{match.group(1)} width="100%" style="max-width:{match.group(2)}px" '
               f'preserveAspectRatio="xMinYMin meet"' + svg[match.end():])
    return svg


def _journey_section(session: WorkspaceSession, today: date) -> tuple[str, int, int]:
    """The journeys section, the number of open actions and of overdue ones."""
    items = journeys.list_journeys(session)
    if not items:
        return ('<section id="journeys"><h2>Customer journeys</h2><p class="empty">No journey '
                'has been mapped yet: step 6 of the program maps one on the Journey maps page.'
                '</p></section>'), 0, 0
    blocks, open_total, overdue_total = [], 0, 0
    for j in items:
        summary = journeys.journey_summary(session, j["id"])
        chart = jc.map_chart(journeys.list_steps(session, j["id"]),
                             journeys.list_actors(session, j["id"]),
                             journeys.list_parts(session, j["id"]), where=session)
        counts = (f'<span class="pill green">{summary["green"]} green</span>'
                  f'<span class="pill yellow">{summary["yellow"]} yellow</span>'
                  f'<span class="pill red">{summary["red"]} red</span>'
                  f'<span class="pill unrated">{summary["unrated"]} not rated</span>')
        worst = summary["reddest_step"]
        worst_text = (f'<p>Where it hurts most: <strong>{e(worst["name"])}</strong> '
                      f'({_plural(worst["red"] or 0, "red part")}, '
                      f'{worst["yellow"] or 0} yellow).</p>' if worst else
                      '<p>No part is rated red or yellow.</p>' if summary["parts_total"] else
                      '<p class="empty">No parts to rate yet: add steps and who is involved '
                      'at each.</p>')
        persona = (f'<p class="small"><strong>For:</strong> {e(j["persona_name"])}</p>'
                   if j.get("persona_name") else "")
        problem = (f'<p><strong>Why it matters:</strong> {e(j["problem"])}</p>'
                   if j.get("problem") else "")
        actions = journeys.list_actions(session, status=("open", "in progress"),
                                        journey_id=j["id"], today=today)
        open_total += len(actions)
        overdue_total += sum(1 for a in actions if a["overdue"])
        if actions:
            rows = []
            for a in actions:
                flag = '<span class="badge red">Overdue</span> ' if a["overdue"] else ""
                where = " · ".join(x for x in (a["step_name"], a["actor_name"]) if x)
                rows.append(
                    f'<tr class="{"overdue" if a["overdue"] else ""}"><td>{e(a["what"])}'
                    f'<div class="small">{e(where)}</div></td>'
                    f'<td>{e(a["owner"]) or "<span class=muted>no owner</span>"}</td>'
                    f'<td class="nowrap">{flag}{e(_day(a["due_date"])) or "no date"}</td>'
                    f'<td>{e(a["status"])}</td></tr>')
            action_html = ('<h4>Open actions</h4><table class="actions"><thead><tr><th>What</th>'
                           '<th>Owner</th><th>Due</th><th>Status</th></tr></thead><tbody>'
                           + "".join(rows) + '</tbody></table>')
        else:
            action_html = ('<h4>Open actions</h4><p class="empty">No open actions on this '
                           'journey.</p>')
        blocks.append(
            f'<article class="journey"><h3>{e(j["name"])}</h3>{persona}{problem}'
            f'<p class="pills">{counts}</p>{worst_text}'
            f'<figure class="map">{_svg(jc.to_svg(chart))}<figcaption>Map of '
            f'{e(j["name"])}: steps across, everyone involved down; above the dashed line the '
            'customer sees it. G = green (working well), Y = yellow (people unhappy), '
            f'R = red (people very unhappy).</figcaption></figure>{action_html}</article>')
    return ('<section id="journeys"><h2>Customer journeys</h2>' + "".join(blocks)
            + '</section>'), open_total, overdue_total


def _quotes_section(session: WorkspaceSession) -> str:
    from cxcore.privacy import show_names
    from cxcore.quotes import report_quotes

    quotes = report_quotes(session, QUOTES_SHOWN)
    head = '<section id="voices"><h2>In their own words</h2>'
    if not quotes:
        return head + ('<p class="empty">No quotes yet: key quotes from logged interviews and '
                       'survey comments appear here.</p></section>')
    items = []
    for q in quotes:
        about = f"theme: {q['theme']}" if q["theme"] else None
        who = " · ".join(x for x in (q["who"], q["source"], about, q["journey_step"],
                                     _day(q["date"])) if x)
        items.append(f'<figure class="quote {e(q["sentiment"] or "")}">'
                     f'<blockquote>{e(q["text"])}</blockquote><figcaption>{e(who)}'
                     '</figcaption></figure>')
    names = ("names shown as the workspace's owner chose" if show_names(session)
             else "names left out")
    return (head + f'<div class="quotes">{"".join(items)}</div><p class="small">'
            f'{_plural(len(quotes), "real quote")} as written or said: survey comments and '
            'interview key quotes, one for each of the most talked-about themes and journey '
            f'steps, then the newest ({names}, e-mail addresses hidden). None is invented or '
            'edited.</p></section>')


def _driver_findings(session: WorkspaceSession, period: Period
                     ) -> list[tuple[str, dict[str, Any] | None]] | None:
    """Plain-language findings of :mod:`cxcore.drivers`, each with its real quote (or None),
    or None when that module is absent."""
    try:
        drivers = importlib.import_module("cxcore.drivers")
    except ModuleNotFoundError as exc:
        if exc.name != "cxcore.drivers":
            raise
        return None
    summary = getattr(drivers, "summary", None)
    if summary is None:
        return None
    params = inspect.signature(summary).parameters
    try:
        result = summary(session, period=period) if "period" in params else summary(session)
    except CXError as exc:  # e.g. too little data: say so rather than lose the whole report
        return [(f"The driver analysis could not run: {exc}", None)]
    if isinstance(result, dict):
        result = result.get("findings", result.get("sentences", []))
    if isinstance(result, str):
        result = [result]
    out = []
    for item in result or []:
        quote = item.get("quote") if isinstance(item, dict) else None
        if isinstance(item, dict):
            item = item.get("text") or item.get("finding") or item.get("sentence") or ""
        if str(item).strip():
            out.append((str(item), quote))
    return out


def _finding_item(finding: str, quote: dict[str, Any] | None) -> str:
    """A finding as a list item, its real quote (if any) under it."""
    if not quote:
        return f"<li>{e(finding)}</li>"
    who = ", ".join(x for x in (quote.get("source"), quote.get("who"),
                                (quote.get("date") or "")[:10]) if x)
    return (f'<li>{e(finding)}<blockquote class="small">“{e(quote["text"])}” — {e(who)}'
            "</blockquote></li>")


def _drivers_section(session: WorkspaceSession, period: Period) -> str:
    findings = _driver_findings(session, period)
    if findings is None:
        return ""
    head = '<section id="drivers"><h2>What drives the scores</h2>'
    if not findings:
        return head + ('<p class="empty">No driver findings yet: they need survey responses '
                       'tied to journey steps or rated for effectiveness, ease and emotion.</p>'
                       '</section>')
    return (head + "<ul>" + "".join(_finding_item(*f) for f in findings) + "</ul>"
            f'<p class="small">What to act on first in {e(period.words())}, '
            'from the driver analysis (the Drivers page shows the evidence).</p></section>')


def _glance(card: dict, changes: dict, program: dict, open_actions: int, overdue: int,
            compare_label: str | None, where: Any = None) -> str:
    tiles = []
    for key in ("nps", "csat_pct", "retention_rate_pct"):
        d = scorecard.METRIC_BY_KEY[key]
        value = card.get(key)
        change = changes.get(key)
        sub = "no data yet" if value is None else ""
        if value is not None and change is not None and change.change is not None:
            verdict = ("meaningful" if change.meaningful is True else "within the noise"
                       if change.meaningful is False else change.note)
            sub = (f"{scorecard.format_change(change.change, d.unit, where)} vs "
                   f"{compare_label} ({verdict})")
        if interval := scorecard.metric_interval_text(card, key, where=where):
            sub = f"{interval}. {sub}".strip()
        tiles.append((d.label, scorecard.format_value(value, d.unit, missing="—", where=where),
                      sub))
    tiles.append(("Program steps done", f"{program['done_count']} of 6",
                  f"{round(100 * program['total_progress'])} % complete overall"))
    tiles.append(("Open actions", f"{open_actions:,}",
                  f"{overdue:,} overdue" if open_actions else "none open"))
    return '<section class="glance" aria-label="At a glance">' + "".join(
        f'<div class="tile"><div class="label">{e(label)}</div><div class="big">{e(value)}'
        f'</div><div class="small">{e(sub)}</div></div>' for label, value, sub in tiles
    ) + "</section>"


# ---- the document -------------------------------------------------------------------------------

CSS = """
:root { --ink:#1d2433; --muted:#5b6475; --line:#d9dde5; --brand:#1f3a5f; --accent:#2a7f8f;
  --green:#1b7837; --yellow:#8a6100; --yellow-bg:#fdf1c7; --red:#b2182b; --paper:#ffffff; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin:0; background:#eef1f5; color:var(--ink); font: 17px/1.5 "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
.report { max-width: 1120px; margin: 0 auto; background: var(--paper); padding: 0 0 32px; }
header.cover { background: var(--brand); color:#fff; padding: 36px 48px 30px; }
header.cover .kicker { text-transform: uppercase; letter-spacing: .12em; font-size: 13px;
  opacity:.85; margin:0 0 6px; }
header.cover h1 { margin:0 0 8px; font-size: 38px; line-height:1.15; }
header.cover .meta { margin:0; opacity:.9; }
section, .glance { padding: 8px 48px; }
h2 { font-size: 26px; color: var(--brand); border-bottom: 3px solid var(--accent);
  padding-bottom: 4px; margin: 30px 0 14px; }
h3 { font-size: 20px; margin: 18px 0 8px; }
h4 { font-size: 17px; margin: 16px 0 6px; }
p { margin: 6px 0 10px; }
.small { font-size: 14px; color: var(--muted); }
.muted { color: var(--muted); }
.empty { font-style: italic; color: var(--muted); background:#f5f7fa; border-left: 4px solid
  var(--line); padding: 10px 14px; }
.note { background: var(--yellow-bg); border-left: 4px solid #e0b100; padding: 8px 12px; }
.glance { display:grid; grid-template-columns: repeat(5, 1fr); gap: 14px; margin-top: 24px; }
.tile { border:1px solid var(--line); border-top: 5px solid var(--accent); border-radius: 6px;
  padding: 12px 14px; }
.tile .label { font-size: 14px; color: var(--muted); font-weight: 600; }
.tile .big { font-size: 32px; font-weight: 700; line-height: 1.2; }
blockquote.purpose { font-size: 21px; font-style: italic; margin: 8px 0 16px; padding: 12px 20px;
  border-left: 6px solid var(--accent); background: #f1f7f8; }
.progress { height: 14px; background: #e6e9ef; border-radius: 7px; overflow: hidden; }
.progress .bar { height: 100%; background: var(--accent); }
table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 7px 8px; border-bottom: 1px solid
  var(--line); }
thead th { font-size: 14px; color: var(--muted); text-transform: uppercase; letter-spacing:.04em;
  border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.num:first-child { text-align: left; }
.nowrap { white-space: nowrap; }
.step { white-space: nowrap; font-weight: 600; }
.step.done { color: var(--green); } .step.in-progress { color: var(--yellow); }
.step.not-started { color: var(--muted); }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
.metrics td.value { font-size: 20px; font-weight: 700; white-space: nowrap; }
.metrics th[scope=row] { font-weight: 600; }
.delta { font-weight: 700; white-space: nowrap; }
.delta.up { color: var(--green); } .delta.down { color: var(--red); }
.delta.flat { color: var(--muted); }
.badge { display:inline-block; font-size: 13px; font-weight: 700; padding: 1px 8px;
  border-radius: 10px; white-space: nowrap; }
.badge.green { background:#e1f1e5; color: var(--green); }
.badge.yellow { background: var(--yellow-bg); color: var(--yellow); }
.badge.red { background:#f8e0e3; color: var(--red); }
.value td.barcell { width: 26%; }
.value th[scope=row] { white-space: nowrap; }
.hbar { height: 16px; border-radius: 3px; background: var(--accent); }
.hbar.promoter { background: var(--green); } .hbar.passive { background: #9aa3b2; }
.hbar.detractor { background: var(--red); }
.pills .pill { display:inline-block; margin-right: 8px; padding: 2px 12px; border-radius: 12px;
  font-weight: 700; font-size: 15px; border: 1px solid transparent; }
.pill.green { background:#e1f1e5; color: var(--green); }
.pill.yellow { background: var(--yellow-bg); color: var(--yellow); }
.pill.red { background:#f8e0e3; color: var(--red); }
.pill.unrated { background:#fff; color: var(--muted); border: 1px dashed #9aa3b2; }
figure { margin: 0; }
figure.map { margin: 10px 0; padding: 10px; border: 1px solid var(--line); border-radius: 6px;
  overflow-x: auto; }
figure.map svg { display: block; height: auto; }
figure.map figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
table.actions tr.overdue td { background: #fdf2f3; }
.quotes { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.quote { border-left: 5px solid #9aa3b2; background: #f7f8fa; padding: 12px 16px;
  border-radius: 0 6px 6px 0; }
.quote.positive { border-left-color: var(--green); } .quote.negative { border-left-color:
  var(--red); }
.quote blockquote { margin: 0; font-size: 19px; font-style: italic; }
.quote blockquote::before { content: "\\201C"; } .quote blockquote::after { content: "\\201D"; }
.quote figcaption { margin-top: 6px; font-size: 14px; color: var(--muted); }
footer { padding: 16px 48px 0; font-size: 13px; color: var(--muted); border-top: 1px solid
  var(--line); margin-top: 24px; }
@media (max-width: 820px) {
  .two, .quotes { grid-template-columns: 1fr; }
  .glance { grid-template-columns: 1fr 1fr; }
  section, .glance, header.cover, footer { padding-left: 18px; padding-right: 18px; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  .report { max-width: none; padding: 0; }
  header.cover { padding: 16px 20px; }
  header.cover h1 { font-size: 22pt; }
  section, .glance, footer { padding-left: 0; padding-right: 0; }
  h2 { font-size: 15pt; margin-top: 16px; break-after: avoid; }
  h3 { font-size: 12.5pt; } h4 { font-size: 11pt; }
  h3, h4 { break-after: avoid; }
  .pills .pill { font-size: 9pt; }
  .small, thead th { font-size: 8pt; }
  .tile .big { font-size: 18pt; }
  .metrics td.value { font-size: 11pt; }
  blockquote.purpose, .quote blockquote { font-size: 12pt; }
  th, td { padding: 4px 5px; }
  .two { gap: 14px; }
  tr, .tile, figure, .quote, blockquote.purpose { break-inside: avoid; }
  #journeys, #voices { break-before: page; }
  figure.map { overflow: visible; }
}
"""


def program_report_html(session: WorkspaceSession, *, period: str | Period | None = None,
                        today: date | None = None) -> str:
    """The program report as one self-contained HTML document (see the module docstring).

    ``period`` is a scorecard period (``all``, ``2026``, ``2026-Q3``, ``2026-05``, a date
    range; default: :func:`default_period`); it is compared with the period of the same length
    just before. ``today`` (default: the current date) dates the report and decides which
    actions are overdue. Raises :class:`~cxcore.errors.ValidationError` for a bad period.
    Viewers may export: it only reads.
    """
    session.require("viewer")
    today = today or locale_settings.today(session)
    per = parse_period(period or default_period(session))  # once; the parts take the value
    previous = per.previous()
    card = scorecard.scorecard(session, per)
    before = scorecard.scorecard(session, previous) if previous else None
    compare_label = previous.label if previous else None
    where = locale_settings.workspace_locale(session)
    changes = scorecard.compare(card, before, min_n=scorecard.small_sample_threshold(session))
    program = checklist.overview(session)

    journeys_html, open_actions, overdue = _journey_section(session, today)
    parts = [
        _glance(card, changes, program, open_actions, overdue, compare_label, where),
        _program_section(program),
        _scorecard_section(session, per, card, before, compare_label),
        _drivers_section(session, per),
        _value_section(scorecard.value_by_nps_group(session, per), per, where),
        _money_section(session, per, where),
        journeys_html,
        _quotes_section(session),
    ]
    name = session.info.name
    compared = f" · compared with {compare_label}" if compare_label else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(name)} · CX program report · {today.isoformat()}</title>'
        f'<style>{CSS}</style></head><body><main class="report">'
        '<header class="cover"><p class="kicker">Customer experience program report</p>'
        f'<h1>{e(name)}</h1><p class="meta">Scorecard: '
        f'{e(per.words())}{e(compared)} · Prepared {e(_day(today))}</p></header>'
        + "".join(parts) +
        f'<footer>Prepared on {e(_day(today))} from the workspace\u2019s own data by the CX '
        'program dashboard. Scores come with their noise: a change is called meaningful only '
        'when it is larger than the margin of error or significant at 5%. To make a PDF, print '
        'this page from the browser and choose "Save as PDF".</footer>'
        '</main></body></html>\n')
