"""One report model behind every meeting format: the HTML report, the PDF, the PPTX deck and the
presentation page.

:func:`build` gathers, once, what a meeting pack shows, by calling the modules that compute it
(nothing is computed twice): the scorecard of a period against the period before with the noise
(:func:`cxcore.scorecard.scorecard`, :func:`~cxcore.scorecard.compare`,
:func:`~cxcore.scorecard.caveats`), its monthly trend, the value of promoters
(:func:`~cxcore.scorecard.value_by_nps_group`), the driver findings
(:func:`cxcore.drivers.analyse`), the program checklist, each journey with its map and open
actions, the top open actions, the customers' own words
(:func:`cxcore.quotes.report_quotes`: survey comments and interview quotes, real ones only),
what changed since the last meeting
(:func:`cxcore.meetings.since_last_meeting`) and the workspace's branding
(:func:`cxcore.branding.branding`).

:func:`report_html` is the HTML report of :mod:`cxcore.report` with the branding (colours,
logo, footer) and the "since the last meeting" section added; :mod:`cxcore.report_pdf` prints
that same HTML, :mod:`cxcore.report_pptx` lays the model out as slides. Everything only reads,
so viewers may export.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from cxcore import branding as brandmod
from cxcore import checklist, journeys, meetings, privacy, quotes, report, scorecard
from cxcore.errors import CXError, Problem, ValidationError
from cxcore.period import Period, add_months, parse_period
from cxcore.storage import slugify
from cxcore.workspace import WorkspaceSession

#: Formats the report comes in, with their file extension and MIME type.
FORMATS = {"html": ("html", "text/html"), "pdf": ("pdf", "application/pdf"),
           "pptx": ("pptx", "application/vnd.openxmlformats-officedocument."
                            "presentationml.presentation")}
#: How many open actions the "top actions" slide lists.
TOP_ACTIONS = 8
#: How many months the trend chart shows, ending with the report's period.
TREND_MONTHS = 12


def filename(session: WorkspaceSession, fmt: str, today: date | None = None) -> str:
    """``<workspace-slug>-cx-report-<date>.<ext>`` for ``fmt`` in :data:`FORMATS`."""
    ext = FORMATS[fmt][0]
    return f"{slugify(session.info.name)}-cx-report-{(today or date.today()).isoformat()}.{ext}"


#: A date (or ISO text) as "5 Jan 2026"; "" for none (the report's own formatting).
day_words = report._day


def _trend_period(per: Period) -> Period:
    """The :data:`TREND_MONTHS` months ending with ``per`` (all the data for ``all``)."""
    if per.is_all:
        return per
    last = date.fromordinal(date.fromisoformat(per.end).toordinal() - 1)
    start = min(add_months(date(last.year, last.month, 1), 1 - TREND_MONTHS),
                date.fromisoformat(per.start))
    return Period.days(start, last)


def metric_rows(card: dict, changes: dict, targets: dict, keys: tuple[str, ...] | None = None,
                *, where: Any = None) -> list[dict[str, Any]]:
    """One row per metric with data: ``key``, ``label``, ``hard``, ``value`` (text),
    ``detail`` (the interval and n, :func:`cxcore.scorecard.metric_interval_text`),
    ``change`` (text or None), ``meaningful``, ``verdict`` (the noise in words), ``good`` (a
    meaningful change the right way), ``target`` (text) and ``status`` (green / yellow / red /
    None). ``where`` (a session) gives the workspace's currency and number format."""
    rows = []
    for d in scorecard.METRICS:
        if keys is not None and d.key not in keys:
            continue
        value = card.get(d.key)
        if value is None:
            continue
        change = changes[d.key]
        target = targets.get(d.key)
        rows.append({
            "key": d.key, "label": d.label, "hard": d.hard, "help": d.help,
            "value": scorecard.format_value(value, d.unit, where=where),
            "detail": scorecard.metric_interval_text(card, d.key, where=where) or "",
            "change": scorecard.format_change(change.change, d.unit, where),
            "meaningful": change.meaningful,
            "verdict": ("meaningful change" if change.meaningful else change.note),
            "good": (None if change.change is None or not change.meaningful
                     else (change.change > 0) == d.higher_is_better),
            "target": (scorecard.format_value(target["target"], d.unit, where=where)
                       if target else ""),
            "status": scorecard.status(d.key, value, targets) if target else None,
        })
    return rows


def _drivers(session: WorkspaceSession, period: Period) -> dict[str, Any] | None:
    try:
        from cxcore import drivers
    except ModuleNotFoundError:  # pragma: no cover - the module is part of the project
        return None
    try:
        analysis = drivers.analyse(session, period)
    except CXError as exc:
        return {"findings": [f"The driver analysis could not run: {exc}"], "quotes": [None],
                "steps": [], "overall": None}
    return {"findings": [f["text"] for f in analysis["findings"]],
            "quotes": [f.get("quote") for f in analysis["findings"]], "steps": analysis["steps"],
            "overall": analysis["overall"]["nps"], "analysis": analysis,
            "key_drivers": _key_drivers(session, period)}


def _key_drivers(session: WorkspaceSession, period: Period) -> dict[str, Any] | None:
    """The key driver analysis of NPS (:func:`cxcore.drivers.key.key_drivers`: importance ×
    performance, the quadrant), or None when there are too few complete answers to tell."""
    try:
        from cxcore.drivers import key
    except ModuleNotFoundError:  # pragma: no cover - the module is part of the project
        return None
    try:
        result = key.key_drivers(session, "nps", period)
    except CXError:
        return None
    return result if result.get("enough") and result.get("drivers") else None


def _journeys(session: WorkspaceSession, today: date) -> list[dict[str, Any]]:
    out = []
    for j in journeys.list_journeys(session):
        actions = journeys.list_actions(session, status=("open", "in progress"),
                                        journey_id=j["id"], today=today)
        out.append({"id": j["id"], "name": j["name"], "persona": j.get("persona_name") or "",
                    "problem": j.get("problem_statement") or "",
                    "summary": journeys.journey_summary(session, j["id"]), "actions": actions})
    return out


def build(session: WorkspaceSession, *, period: str | Period | None = None,
          today: date | None = None) -> dict[str, Any]:
    """Everything a meeting pack shows for ``period`` (default
    :func:`cxcore.report.default_period`), compared with the period of the same length before.

    Keys: ``workspace``, ``period`` (its label; ``period_value`` the :class:`Period`),
    ``period_words``, ``compare_label``, ``today``,
    ``branding``, ``card``, ``before``, ``changes``, ``caveats`` (texts), ``footnotes``,
    ``metrics`` (:func:`metric_rows`), ``trend`` (monthly rows), ``program`` (checklist
    overview), ``value`` (rows by NPS group), ``drivers`` (``findings`` texts, their real
    ``quotes`` (or None), ``steps``, ``overall``; None when unavailable), ``journeys`` (each
    with ``summary`` and open ``actions``), ``actions`` (the :data:`TOP_ACTIONS` most urgent
    open ones), ``open_actions``, ``overdue``, ``quotes`` (:func:`cxcore.quotes.report_quotes`),
    ``show_names`` (whether they name people) and ``since`` (changes since the last meeting,
    or None).
    Raises :class:`~cxcore.errors.ValidationError` for a bad period. Viewers may call it.
    """
    session.require("viewer")
    today = today or date.today()
    per = parse_period(period or report.default_period(session))  # once; the parts take it
    previous = per.previous()
    card = scorecard.scorecard(session, per)
    before = scorecard.scorecard(session, previous) if previous else None
    compare_label = previous.label if previous else None
    min_n = scorecard.small_sample_threshold(session)
    changes = scorecard.compare(card, before, min_n=min_n)
    targets = scorecard.targets(session)
    caveats = [text for _, text in scorecard.caveats(card, per, before, compare_label,
                                                     show_day=day_words, min_n=min_n)]
    footnotes = ["Customer effort is on 1-7 where 7 = very easy (higher is better).",
                 "A change is called meaningful only when it is larger than the noise: for NPS, "
                 "outside the combined margin of error; for CSAT and churn, significant at 5%. "
                 "Other changes are not tested."]
    if words := scorecard.revenue_retention_words(card):
        footnotes.append(words)
    journey_list = _journeys(session, today)
    open_actions = journeys.list_actions(session, status=("open", "in progress"), today=today)
    return {
        "workspace": session.info.name, "period": per.label, "period_value": per,
        "period_words": per.words(), "compare_label": compare_label,
        "today": today, "branding": brandmod.branding(session),
        "card": card, "before": before, "changes": changes, "caveats": caveats,
        "footnotes": footnotes, "metrics": metric_rows(card, changes, targets, where=session),
        "trend": scorecard.monthly_trend(session, _trend_period(per)),
        "program": checklist.overview(session),
        "value": scorecard.value_by_nps_group(session, per),
        "drivers": _drivers(session, per),
        "journeys": journey_list,
        "actions": open_actions[:TOP_ACTIONS],
        "open_actions": len(open_actions),
        "overdue": sum(1 for a in open_actions if a["overdue"]),
        # Survey comments and interview quotes as said, by theme and step (cxcore.quotes).
        "quotes": quotes.report_quotes(session, report.QUOTES_SHOWN),
        "show_names": privacy.show_names(session),
        "since": meetings.since_last_meeting(session, today=today),
    }


# ---- the branded HTML report -----------------------------------------------------------------

def _e(value: Any) -> str:
    return "" if value is None else escape(str(value), quote=True)


def branding_css(brand: dict[str, Any]) -> str:
    """CSS that puts the workspace's colours on the report (cover text readable on them)."""
    return (brandmod.css_variables(brand)
            + " header.cover { background: var(--brand); color: var(--on-brand); }"
            " header.cover .logo { float: right; max-height: 72px; max-width: 220px;"
            " margin: 0 0 8px 24px; background: #fff; padding: 6px; border-radius: 4px; }"
            " footer .brand-footer { display: block; font-weight: 600; margin-bottom: 4px; }"
            " .since .changes { display: grid; grid-template-columns: repeat(4, 1fr);"
            " gap: 12px; } .since .changes div { border: 1px solid var(--line);"
            " border-top: 5px solid var(--accent); border-radius: 6px; padding: 8px 12px; }"
            " .since .changes strong { display: block; font-size: 24px; }")


def since_section_html(since: dict[str, Any] | None) -> str:
    """The "Since the last meeting" section, or "" when no earlier meeting is saved."""
    if not since:
        return ""
    m = since["meeting"]
    a = since["actions"]
    head = (f'<section id="since" class="since"><h2>Since the last meeting</h2>'
            f'<p class="small">Changes since {_e(m["title"])} on {_e(day_words(m["date"]))}'
            f'{(" · attendees: " + _e(m["attendees"])) if m.get("attendees") else ""}.</p>')
    tiles = [("Actions opened", a["opened"]), ("Actions closed", a["closed"]),
             ("Overdue now", a["overdue"]), ("New interviews", since["interviews"]["count"])]
    body = '<div class="changes">' + "".join(
        f"<div><strong>{n:,}</strong>{_e(label)}</div>" for label, n in tiles) + "</div>"
    body += "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in since["lines"]) + "</ul>"
    return head + body + "</section>"


def _insert_before(text: str, anchor: str, insert: str, fallback: str) -> str:
    at = text.find(anchor)
    if at < 0:
        at = text.find(fallback)
    return text if at < 0 else text[:at] + insert + text[at:]


def report_html(session: WorkspaceSession, *, period: str | Period | None = None,
                today: date | None = None, model: dict[str, Any] | None = None) -> str:
    """:func:`cxcore.report.program_report_html` with the workspace's branding and the "since
    the last meeting" section (from ``model``, built when not given)."""
    session.require("viewer")
    today = today or (model["today"] if model else date.today())
    if model is None:
        model = build(session, period=period, today=today)
    text = report.program_report_html(session, period=model.get("period_value") or
                                      model["period"], today=today)
    brand = model["branding"]
    css = f"<style>{branding_css(brand)}</style>"
    text = _insert_before(text, "</head>", css, "<body")
    if (uri := brandmod.logo_data_uri(brand)) is not None:
        logo = f'<img class="logo" src="{_e(uri)}" alt="{_e(session.info.name)} logo">'
        text = text.replace('<header class="cover">', '<header class="cover">' + logo, 1)
    if brand["footer"]:
        text = text.replace("<footer>", f'<footer><span class="brand-footer">'
                                        f'{_e(brand["footer"])}</span>', 1)
    since = since_section_html(model["since"])
    if since:
        text = _insert_before(text, '<section id="program"', since, "<footer")
    return text


def render(session: WorkspaceSession, fmt: str, *, period: str | Period | None = None,
           today: date | None = None, paper: str = "A4") -> bytes:
    """The report in ``fmt`` (``html``, ``pdf`` or ``pptx``) as bytes, all from one
    :func:`build`. ``paper`` (``A4`` or ``Letter``) is the PDF's page size."""
    if fmt not in FORMATS:
        raise ValidationError(Problem("format", f"'{fmt}' is not a report format: use "
                                                f"{', '.join(FORMATS)}"))
    model = build(session, period=period, today=today)
    if fmt == "pdf":
        from cxcore import report_pdf

        return report_pdf.html_to_pdf(report_html(session, model=model), paper,
                                      model["branding"]["footer"])
    if fmt == "pptx":
        from cxcore import report_pptx

        return report_pptx.render_pptx(session, model)
    return report_html(session, model=model).encode("utf-8")
