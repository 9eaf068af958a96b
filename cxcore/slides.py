"""The presentation's slides: one screen per metric group, finding, map or action list, from
the same report model as the HTML, PDF and PPTX (:func:`cxcore.report_model.build`).

:func:`build_slides` returns a list of ``{"title", "kind", "html"}``; each ``html`` is one
self-contained slide (styled by :func:`slide_css` in the workspace's colours) that scales with
the screen: type sizes follow the viewport (``clamp`` on ``vw``/``vh``), tile labels wrap
instead of being cut off, charts are SVG images that shrink to the slide's height. The slide's
own classes (``cxs-*``) are the only selectors: nothing depends on Streamlit's internal markup.
:func:`controls_css` puts the same colours on the page's slide controls through the
``st-key-<key>`` class Streamlit documents for every element given a ``key``. Colours used for
text are checked for contrast (:func:`cxcore.branding.text_colour`,
:func:`cxcore.branding.readable_on`: at least 4.5:1). Every piece of user text is escaped.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

import altair as alt

from cxcore import branding as brandmod
from cxcore import driver_charts, meetings, scorecard
from cxcore import journey_charts as jc
from cxcore import scorecard_charts as charts
from cxcore.locale_settings import format_date
from cxcore.workspace import WorkspaceSession

SOFT = ("nps", "csat_pct", "ces_mean", "rating_index", "enps")
CUSTOMERS = ("retention_rate_pct", "churn_rate_pct", "referrals")
REVENUE = ("revenue_per_customer", "nrr_pct", "grr_pct", "clv", "clv_discounted",
           "expansion_revenue")
STATUS_MARKS = {"green": ("●", "on target"), "yellow": ("▲", "near target"),
                "red": ("▼", "off target")}
MAX_ACTIONS = 6
MAX_QUOTES = 4


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value), quote=True)


def slide_css(brand: dict[str, Any]) -> str:
    """The slides' stylesheet in the workspace's colours. Heights leave room for the page's
    own margin and the navigation row under the slide."""
    primary, accent = brand["primary"], brand["accent"]
    on = brandmod.text_colour(primary)
    heading = brandmod.readable_on(primary)  # the title is primary-coloured text on white
    return f"""<style>
.cxs {{ box-sizing: border-box; height: calc(100vh - 190px); min-height: 380px;
  display: flex; flex-direction: column; gap: 1.2vh; overflow: hidden;
  font-family: "Source Sans", "Source Sans Pro", "DejaVu Sans", Arial, sans-serif;
  color: #1d2433; }}
.cxs * {{ box-sizing: border-box; }}
.cxs-title {{ font-size: clamp(26px, 2.9vw, 58px); font-weight: 700; color: {heading};
  line-height: 1.15; margin: 0; padding-bottom: .5vh; border-bottom: 5px solid {accent}; }}
.cxs-sub {{ font-size: clamp(16px, 1.45vw, 30px); color: #4a5366; margin: 0; }}
.cxs-body {{ flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; gap: 1.5vh; }}
.cxs-tiles {{ display: grid; grid-template-columns: repeat(var(--cols), minmax(0, 1fr));
  gap: 1.4vw; }}
.cxs-tile {{ border: 2px solid #d9dde5; border-top: 8px solid {accent}; border-radius: 10px;
  padding: 1.4vh 1.1vw; min-width: 0; overflow: hidden; }}
.cxs-label {{ font-size: clamp(16px, 1.5vw, 30px); font-weight: 600; color: #4a5366;
  white-space: normal; overflow-wrap: anywhere; line-height: 1.2; }}
.cxs-value {{ font-size: clamp(30px, 3.6vw, 76px); font-weight: 700; line-height: 1.1;
  white-space: nowrap; }}
.cxs-note {{ font-size: clamp(15px, 1.25vw, 26px); color: #4a5366; white-space: normal;
  overflow-wrap: anywhere; line-height: 1.25; }}
.cxs-good {{ color: #1b7837; font-weight: 700; }} .cxs-bad {{ color: #b2182b; font-weight: 700; }}
.cxs-figure {{ flex: 1 1 auto; min-height: 0; display: flex; justify-content: center;
  align-items: flex-start; }}
.cxs-figure img {{ width: 100%; height: 100%; object-fit: contain; object-position: top; }}
.cxs-big {{ font-size: clamp(22px, 2.3vw, 46px); line-height: 1.35; margin: 0; }}
.cxs-lines {{ font-size: clamp(16px, 1.45vw, 30px); line-height: 1.35; margin: 0;
  padding-left: 1.2em; }}
.cxs-table {{ width: 100%; border-collapse: collapse; font-size: clamp(15px, 1.35vw, 28px); }}
.cxs-table th {{ text-align: left; color: #4a5366; border-bottom: 3px solid #d9dde5;
  padding: .6vh .6vw; }}
.cxs-table td {{ border-bottom: 1px solid #d9dde5; padding: .8vh .6vw; vertical-align: top;
  overflow-wrap: anywhere; }}
.cxs-overdue {{ color: #b2182b; font-weight: 700; }}
.cxs-quotes {{ display: grid; grid-template-columns: 1fr 1fr; gap: 2vh 2vw; }}
.cxs-quote {{ border-left: 8px solid #9aa3b2; padding: .5vh 1vw; min-width: 0; }}
.cxs-quote.positive {{ border-left-color: #1b7837; }}
.cxs-quote.negative {{ border-left-color: #b2182b; }}
.cxs-quote q {{ font-size: clamp(18px, 1.8vw, 36px); font-style: italic; }}
.cxs-cover {{ background: {primary}; color: {on}; border-radius: 12px; padding: 6vh 4vw;
  flex: 1 1 auto; display: flex; flex-direction: column; justify-content: center; gap: 2vh; }}
.cxs-cover h1 {{ font-size: clamp(34px, 4.6vw, 96px); margin: 0; line-height: 1.1;
  color: {on}; }}
.cxs-cover p {{ font-size: clamp(18px, 1.9vw, 40px); margin: 0; }}
.cxs-cover img {{ max-height: 16vh; max-width: 30vw; background: #fff; padding: 1vh;
  border-radius: 8px; align-self: flex-start; }}
.cxs-footer {{ font-size: clamp(12px, .9vw, 18px); color: #4a5366; }}
</style>"""


#: The ``key`` of each slide control on the Present page (Streamlit adds ``st-key-<key>``).
CONTROL_KEYS = {"next": "present_next", "previous": "present_prev", "end": "present_end",
                "count": "present_count", "row": "present_nav"}


def control_colours(brand: dict[str, Any]) -> dict[str, str]:
    """The colours of the slide controls, each text colour readable on its background
    (≥ 4.5:1): the main button (Next) filled with the primary colour; the others white with a
    primary outline and text, the accent when hovered; the focus ring and the rule above the
    row in the accent (≥ 3:1 on white, as a control's outline must be)."""
    primary, accent = brand["primary"], brand["accent"]
    return {"main_bg": primary, "main_text": brandmod.text_colour(primary),
            "other_bg": "#ffffff", "other_text": brandmod.readable_on(primary),
            "other_border": brandmod.readable_on(primary, minimum=3.0),
            "hover_bg": accent, "hover_text": brandmod.text_colour(accent),
            "ring": brandmod.readable_on(accent, minimum=3.0),
            "count_text": brandmod.readable_on(primary)}


def controls_css(brand: dict[str, Any]) -> str:
    """CSS for the Present page's controls (Next, Previous, End presentation and the slide
    count) in the workspace's colours, from :func:`control_colours`. It selects the
    ``st-key-…`` classes of :data:`CONTROL_KEYS` and the plain ``button`` and ``p`` elements
    inside them, never Streamlit's internal ``data-testid`` attributes."""
    c = control_colours(brand)
    k = {name: f".st-key-{key}" for name, key in CONTROL_KEYS.items()}

    def each(state: str = "", inner: str = "", names: tuple[str, ...] = ("next", "previous",
                                                                           "end")) -> str:
        return ", ".join(f"{k[n]} button{state}{inner}" for n in names)

    others = ("previous", "end")
    return f"""<style>
{k['row']} {{ border-top: 4px solid {c['ring']}; padding-top: 10px; }}
{each()} {{ font-size: clamp(16px, 1.25vw, 26px); min-height: 2.6em; padding: .3em 1.1em;
  border-radius: 10px; border: 2px solid {c['other_border']}; background: {c['other_bg']};
  color: {c['other_text']}; font-weight: 600; }}
{each(inner=" *")} {{ font-size: inherit; color: inherit; background: transparent;
  font-weight: inherit; }}
{each(names=("next",))}, {each(":disabled", names=("next",))} {{ background: {c['main_bg']};
  color: {c['main_text']}; border-color: {c['main_bg']}; font-weight: 700; }}
{each(":disabled", names=others)} {{ background: {c['other_bg']}; color: {c['other_text']};
  border-color: {c['other_border']}; }}
{each(":hover:enabled")} {{ background: {c['hover_bg']}; color: {c['hover_text']};
  border-color: {c['hover_bg']}; }}
{each(":focus-visible")} {{ outline: 3px solid {c['ring']}; outline-offset: 3px; }}
{each(":disabled")} {{ opacity: .4; cursor: not-allowed; }}
{k['count']} p {{ color: {c['count_text']}; font-size: clamp(16px, 1.3vw, 26px); }}
</style>"""


def _svg_img(chart: alt.TopLevelMixin, alt_text: str) -> str:
    svg = jc.to_svg(chart)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{_e(alt_text)}">'


def _slide(title: str, body: str, sub: str = "", footer: str = "") -> str:
    return (f'<section class="cxs"><h2 class="cxs-title">{_e(title)}</h2>'
            + (f'<p class="cxs-sub">{_e(sub)}</p>' if sub else "")
            + f'<div class="cxs-body">{body}</div>'
            + (f'<div class="cxs-footer">{_e(footer)}</div>' if footer else "")
            + "</section>")


def tile(label: str, value: str, notes: list[tuple[str, str]] = ()) -> str:
    """One metric tile: the label (wraps, never cut), the value, notes as (css class, text)."""
    lines = "".join(f'<div class="cxs-note {css}">{_e(text)}</div>' for css, text in notes if text)
    return (f'<div class="cxs-tile"><div class="cxs-label">{_e(label)}</div>'
            f'<div class="cxs-value">{_e(value)}</div>{lines}</div>')


def _metric_tiles(model: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    rows = {r["key"]: r for r in model["metrics"]}
    out = []
    for key in keys:
        r = rows.get(key)
        if r is None:
            continue
        notes = []
        if r["change"]:
            css = "" if r["good"] is None else ("cxs-good" if r["good"] else "cxs-bad")
            notes.append((css, f"{r['change']} vs {model['compare_label']}"))
            notes.append(("", meetings.short_note(r["verdict"])))
        if r["detail"]:
            notes.append(("", r["detail"]))
        if r["status"]:
            mark, words = STATUS_MARKS[r["status"]]
            notes.append(("", f"{mark} {words} (target {r['target']})"))
        out.append(tile(r["label"], r["value"], notes))
    return out


def _tiles(items: list[str]) -> str:
    cols = 3 if len(items) in (3, 5, 6, 9) else min(max(len(items), 1), 4)
    return f'<div class="cxs-tiles" style="--cols:{cols}">{"".join(items)}</div>'


def build_slides(session: WorkspaceSession, model: dict[str, Any]) -> list[dict[str, str]]:
    """The slides of the report ``model`` (see the module docstring), in meeting order."""
    session.require("viewer")
    brand = model["branding"]
    footer = " · ".join(x for x in (brand["footer"], model["workspace"]) if x)
    out: list[dict[str, str]] = []

    def add(kind: str, title: str, body: str, sub: str = "") -> None:
        out.append({"kind": kind, "title": title, "html": _slide(title, body, sub, footer)})

    logo = brandmod.logo_data_uri(brand)
    compared = f", compared with {model['compare_label']}" if model["compare_label"] else ""
    cover = ('<div class="cxs-cover">'
             + (f'<img src="{_e(logo)}" alt="logo">' if logo else "")
             + f'<h1>{_e(model["workspace"])}</h1><p>Customer experience review · '
             f'{_e(model["period_words"])}{_e(compared)}</p>'
             f'<p>{model["today"].day} {model["today"]:%B %Y}</p></div>')
    out.append({"kind": "title", "title": model["workspace"],
                "html": f'<section class="cxs">{cover}</section>'})

    if since := model["since"]:
        a = since["actions"]
        tiles = [tile("Actions opened", f"{a['opened']:,}"),
                 tile("Actions closed", f"{a['closed']:,}"),
                 tile("Overdue now", f"{a['overdue']:,}"),
                 tile("New interviews", f"{since['interviews']['count']:,}")]
        lines = "".join(f"<li>{_e(line)}</li>" for line in since["lines"])
        add("since", "Since the last meeting",
            _tiles(tiles) + f'<ul class="cxs-lines">{lines}</ul>',
            f"Since {since['meeting']['title']} on {format_date(since['meeting']['date'])}")

    notes = " ".join(model["caveats"])
    for kind, title, keys in (("soft", "How customers feel", SOFT),
                              ("customers", "Customers kept and won", CUSTOMERS),
                              ("revenue", "What customers are worth", REVENUE)):
        tiles = _metric_tiles(model, keys)
        if tiles:
            add(kind, f"{title} · {model['period_words']}", _tiles(tiles), notes)
    if not any(s["kind"] in ("soft", "customers", "revenue") for s in out):
        add("soft", f"Scorecard · {model['period_words']}",
            '<p class="cxs-big">There is nothing to score yet for this period: no survey '
            'responses or customers have been imported.</p>')

    trend = [t for t in model["trend"] if t.get("nps") is not None]
    if trend:
        chart = charts.nps_trend_chart(trend, title="").properties(width=900, height=380)
        add("trend", "NPS by month, with its 95% interval",
            f'<div class="cxs-figure">{_svg_img(chart, "NPS by month")}</div>')

    if model["value"]:
        rows = model["value"]
        field = ("revenue_per_customer" if any(r["revenue_per_customer"] is not None
                                               for r in rows) else "avg_monthly_revenue")
        words = ("Revenue per customer" if field == "revenue_per_customer"
                 else "Average monthly revenue")
        tiles = [tile(f"{r['nps_group'].capitalize()}s",
                      scorecard.format_value(r[field], "money", missing="—", where=session),
                      [("", f"{r['customers']:,} customers"),
                       ("", "—" if r["retention_pct"] is None
                        else f"{r['retention_pct']:.0f} % still customers")])
                 for r in rows]
        add("value", "What a promoter is worth", _tiles(tiles),
            f"{words} by NPS group, {model['period_words']}")

    drivers = model["drivers"]
    if drivers:
        for i, text in enumerate(drivers["findings"], 1):
            add("finding", f"What drives the scores · finding {i} of "
                           f"{len(drivers['findings'])}", f'<p class="cxs-big">{_e(text)}</p>')
        steps = [r for r in drivers["steps"] if r.get("nps") is not None]
        if steps:
            chart = driver_charts.step_nps_chart(steps, drivers["overall"], title="").properties(
                width=860, padding={"left": 5, "top": 5, "bottom": 5, "right": 190})
            add("drivers", "NPS by journey step, beside the team's rating",
                f'<div class="cxs-figure">{_svg_img(chart, "NPS by journey step")}</div>')

    for j in model["journeys"]:
        s = j["summary"]
        sub = (f"{s['green']} green · {s['yellow']} yellow · {s['red']} red · "
               f"{s['unrated']} not rated"
               + (f" · hurts most: {s['reddest_step']['name']}" if s["reddest_step"] else ""))
        add("journey", f"Journey: {j['name']}",
            f'<div class="cxs-figure">{_svg_img(jc.journey_map(session, j["id"]), j["name"])}'
            '</div>', sub)

    actions = model["actions"][:MAX_ACTIONS]
    if actions:
        rows = "".join(
            f'<tr><td>{_e(a["what"])}</td><td>{_e(a["owner"] or "no owner")}</td>'
            f'<td class="{"cxs-overdue" if a["overdue"] else ""}">'
            f'{"Overdue · " if a["overdue"] else ""}'
            f'{_e(format_date(a["due_date"], "no date"))}</td></tr>'
            for a in actions)
        add("actions", "Top actions",
            '<table class="cxs-table"><thead><tr><th>What</th><th>Owner</th><th>Due</th>'
            f'</tr></thead><tbody>{rows}</tbody></table>',
            f"{model['open_actions']} open, {model['overdue']} overdue")

    quotes = model["quotes"][:MAX_QUOTES]
    if quotes:
        items = "".join(
            f'<div class="cxs-quote {_e(q["sentiment"] or "")}"><q>{_e(q["quote"])}</q>'
            f'<div class="cxs-note">{_e(" · ".join(x for x in who if x))}</div></div>'
            for q in quotes for who in [(q["role_segment"], q["kind"], q.get("journey_step"))])
        add("quotes", "In their own words", f'<div class="cxs-quotes">{items}</div>')
    return out
