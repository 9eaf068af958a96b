"""The program report as a PowerPoint deck (python-pptx), from :func:`cxcore.report_model.build`.

Slides, 16:9, in the workspace's colours (:mod:`cxcore.branding`) with its logo and footer:

1. title: workspace, period, date;
2. since the last meeting (only when an earlier meeting is saved);
3. the scorecard: a native PowerPoint table (editable: metric, value, change, noise, target)
   beside the NPS trend with its 95% interval;
4. what a promoter is worth: revenue per customer by NPS group;
5. what drives the scores: the driver findings beside NPS by journey step, then the
   importance × performance quadrant of the key driver analysis (when there are enough
   complete answers);
6. one slide per journey: its map;
7. top actions: a native table of the most urgent open actions;
8. in their own words: real survey comments and interview key quotes (none invented: without
   quotes the slide says so).

Charts are the project's Altair charts rendered to PNG by vl-convert. What a reader must keep in
mind (periods in progress, small samples, what the noise test is) goes in each slide's speaker
notes. Exporting only reads, so viewers may do it.
"""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from cxcore import branding as brandmod
from cxcore import driver_charts
from cxcore import journey_charts as jc
from cxcore import scorecard_charts as charts
from cxcore.locale_settings import format_date
from cxcore.workspace import WorkspaceSession

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.35), Inches(0.9)
BODY_TOP = Inches(1.45)
BODY_BOTTOM = HEIGHT - Inches(0.55)
INK = RGBColor(0x1D, 0x24, 0x33)
MUTED = RGBColor(0x5B, 0x64, 0x75)
STATUS_WORDS = {"green": "On target", "yellow": "Near target", "red": "Off target"}
MAX_QUOTES = 6
#: The metrics the scorecard slide's table shows (the others go in its notes).
DECK_KEYS = ("nps", "csat_pct", "ces_mean", "retention_rate_pct", "churn_rate_pct",
             "nrr_pct", "revenue_per_customer", "clv")


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _picture(slide, png: bytes, left: int, top: int, width: int, height: int):
    """Add ``png`` scaled to fit the box (aspect kept), centred horizontally in it."""
    w, h = _png_size(png)
    scale = min(width / w, height / h)
    pw, ph = int(w * scale), int(h * scale)
    return slide.shapes.add_picture(io.BytesIO(png), left + (width - pw) // 2, top, pw, ph)


def _text(slide, text: str, left: int, top: int, width: int, height: int, *, size: int = 18,
          bold: bool = False, colour: RGBColor = INK, align=None, italic: bool = False):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    lines = text.split("\n") if text else [""]
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.color.rgb = colour
        if align is not None:
            para.alignment = align
    return box


def _bullets(slide, lines: list[str], left: int, top: int, width: int, height: int,
             size: int = 16):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = f"• {line}"
        run.font.size = Pt(size)
        run.font.color.rgb = INK
        para.space_after = Pt(8)
    return box


class Deck:
    """A 16:9 presentation in the workspace's branding; one method per kind of slide."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.model = model
        self.brand = model["branding"]
        self.primary = _rgb(self.brand["primary"])
        self.accent = _rgb(self.brand["accent"])
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.logo = brandmod.logo_png(self.brand)

    def slide(self, title: str, notes: list[str] | str = ""):
        """A "title only" slide: the title in the brand colour over an accent rule, the
        footer and page number at the bottom, ``notes`` as speaker notes."""
        s = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        t = s.shapes.title
        t.left, t.top, t.width, t.height = MARGIN, TITLE_TOP, WIDTH - 2 * MARGIN - Inches(2), \
            TITLE_HEIGHT
        t.text = title
        para = t.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size = Pt(32)
            run.font.bold = True
            run.font.color.rgb = self.primary
        rule = s.shapes.add_shape(1, MARGIN, TITLE_TOP + TITLE_HEIGHT, WIDTH - 2 * MARGIN,
                                  Emu(Inches(0.06)))
        rule.fill.solid()
        rule.fill.fore_color.rgb = self.accent
        rule.line.fill.background()
        if self.logo:
            _picture(s, self.logo, WIDTH - MARGIN - Inches(1.8), TITLE_TOP + Inches(0.1),
                     Inches(1.8), Inches(0.7))
        self._footer(s)
        self._notes(s, notes)
        return s

    def _footer(self, s) -> None:
        n = len(self.prs.slides)
        words = " · ".join(x for x in (self.brand["footer"], self.model["workspace"]) if x)
        _text(s, words, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN - Inches(1),
              Inches(0.35), size=11, colour=MUTED)
        _text(s, str(n), WIDTH - MARGIN - Inches(1), HEIGHT - Inches(0.45), Inches(1),
              Inches(0.35), size=11, colour=MUTED, align=PP_ALIGN.RIGHT)

    @staticmethod
    def _notes(s, notes: list[str] | str) -> None:
        text = notes if isinstance(notes, str) else "\n".join(notes)
        if text:
            s.notes_slide.notes_text_frame.text = text

    def table(self, s, header: list[str], rows: list[list[str]], left: int, top: int,
              width: int, widths: list[float], size: int = 14):
        """A native (editable) table; ``widths`` are the columns' shares of ``width``."""
        row_h = Inches(0.42)
        shape = s.shapes.add_table(len(rows) + 1, len(header), left, top, width,
                                   row_h * (len(rows) + 1))
        tbl = shape.table
        for i, share in enumerate(widths):
            tbl.columns[i].width = int(width * share)
        for r, values in enumerate([header, *rows]):
            for c, value in enumerate(values):
                cell = tbl.cell(r, c)
                cell.text = str(value)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(size if r else size - 1)
                        run.font.bold = r == 0
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else INK
                if r == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = self.primary
        return shape

    # ---- the slides ---------------------------------------------------------------------------

    def title_slide(self) -> None:
        m = self.model
        s = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        band = s.shapes.add_shape(1, 0, 0, WIDTH, HEIGHT)
        band.fill.solid()
        band.fill.fore_color.rgb = self.primary
        band.line.fill.background()
        s.shapes._spTree.remove(band._element)
        s.shapes._spTree.insert(2, band._element)  # behind the placeholders
        on = _rgb(brandmod.text_colour(self.brand["primary"]))
        title, subtitle = s.shapes.title, s.placeholders[1]
        title.left, title.top, title.width, title.height = (MARGIN, Inches(2.2),
                                                            WIDTH - 2 * MARGIN, Inches(1.5))
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
            MARGIN, Inches(3.8), WIDTH - 2 * MARGIN, Inches(1.6))
        title.text = m["workspace"]
        compared = f", compared with {m['compare_label']}" if m["compare_label"] else ""
        subtitle.text = (f"Customer experience program report\nScorecard: {m['period_words']}"
                         f"{compared} · Prepared {m['today'].day} {m['today']:%b %Y}")
        for shape, size in ((title, 44), (subtitle, 22)):
            for para in shape.text_frame.paragraphs:
                para.alignment = PP_ALIGN.LEFT
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.color.rgb = on
                    run.font.bold = shape is title
        if self.logo:
            box = s.shapes.add_shape(1, WIDTH - MARGIN - Inches(3.2), Inches(0.5), Inches(3.2),
                                     Inches(1.4))
            box.fill.solid()
            box.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            box.line.fill.background()
            _picture(s, self.logo, WIDTH - MARGIN - Inches(3.1), Inches(0.6), Inches(3.0),
                     Inches(1.2))
        if self.brand["footer"]:
            _text(s, self.brand["footer"], MARGIN, HEIGHT - Inches(0.8), WIDTH - 2 * MARGIN,
                  Inches(0.5), size=14, colour=on)
        self._notes(s, ["Scores come with their noise: a change is called meaningful only when "
                        "it is larger than the margin of error or significant at 5%.",
                        *m["caveats"]])

    def since_slide(self) -> None:
        since = self.model["since"]
        if not since:
            return
        meeting = since["meeting"]
        s = self.slide("Since the last meeting", [
            f"Compared from {meeting['title']} ({format_date(meeting['date'])}) to "
            f"{format_date(since['today'])}.",
            "Scores: the days since the last meeting against the same number of days before, "
            "with the noise test of the scorecard."])
        a = since["actions"]
        tiles = [("Actions opened", a["opened"]), ("Actions closed", a["closed"]),
                 ("Overdue now", a["overdue"]), ("New interviews", since["interviews"]["count"])]
        width = (WIDTH - 2 * MARGIN - Inches(0.3) * 3) // 4
        for i, (label, n) in enumerate(tiles):
            left = MARGIN + i * (width + Inches(0.3))
            _text(s, f"{n:,}", left, BODY_TOP, width, Inches(0.8), size=40, bold=True,
                  colour=self.primary)
            _text(s, label, left, BODY_TOP + Inches(0.8), width, Inches(0.4), size=16,
                  colour=MUTED)
        _bullets(s, since["lines"], MARGIN, BODY_TOP + Inches(1.5), WIDTH - 2 * MARGIN,
                 BODY_BOTTOM - BODY_TOP - Inches(1.5), size=16)

    def scorecard_slide(self) -> None:
        m = self.model
        rows = [r for r in m["metrics"] if r["key"] in DECK_KEYS]
        notes = [*m["caveats"], *m["footnotes"]]
        for r in m["metrics"]:
            if r["key"] not in DECK_KEYS:
                notes.append(f"{r['label']}: {r['value']}"
                             + (f" ({r['change']}, {r['verdict']})" if r["change"] else ""))
        s = self.slide(f"Scorecard · {m['period_words']}", notes)
        if not rows:
            _text(s, "There is nothing to score yet for this period: no survey responses or "
                     "customers have been imported.", MARGIN, BODY_TOP, WIDTH - 2 * MARGIN,
                  Inches(1), size=20, italic=True, colour=MUTED)
            return
        compare = f"vs {m['compare_label']}" if m["compare_label"] else "Change"
        body = [[r["label"], r["value"] + (f"\n{r['detail']}" if r["detail"] else ""),
                 r["change"] or "—", r["verdict"] if r["change"] else "no comparison",
                 (f"{r['target']} · {STATUS_WORDS[r['status']]}" if r["status"] else "—")]
                for r in rows]
        table_w = Inches(7.3)
        self.table(s, ["Metric", "Value", compare, "Noise", "Target"], body, MARGIN, BODY_TOP,
                   table_w, [0.25, 0.17, 0.14, 0.27, 0.17], size=13)
        trend = [t for t in m["trend"] if t.get("nps") is not None]
        if trend:
            chart = charts.nps_trend_chart(trend, title="NPS by month, with its 95% interval")
            png = charts.to_png(chart.properties(width=520, height=420))
            _picture(s, png, MARGIN + table_w + Inches(0.3), BODY_TOP,
                     WIDTH - 2 * MARGIN - table_w - Inches(0.3), BODY_BOTTOM - BODY_TOP)

    def value_slide(self) -> None:
        m = self.model
        rows = m["value"]
        s = self.slide("What a promoter is worth", [
            f"Each customer is placed in a group by their latest NPS answer in "
            f"{m['period_words']}; revenue is net revenue in the period.",
            "Retention: the share of the group's customers who are still customers."])
        if not rows:
            _text(s, "No survey answers are linked to customers in this period yet, so the "
                     "value of promoters, passives and detractors can't be shown.", MARGIN,
                  BODY_TOP, WIDTH - 2 * MARGIN, Inches(1), size=20, italic=True, colour=MUTED)
            return
        field = ("revenue_per_customer" if any(r["revenue_per_customer"] is not None
                                               for r in rows) else "avg_monthly_revenue")
        title = ("Revenue per customer" if field == "revenue_per_customer"
                 else "Average monthly revenue")
        png = charts.to_png(charts.value_by_group_chart(rows, field, title=title)
                            .properties(width=560, height=380))
        _picture(s, png, MARGIN, BODY_TOP, Inches(6.6), BODY_BOTTOM - BODY_TOP)

        def money(v: float | None) -> str:
            return "—" if v is None else f"{v:,.0f}"

        body = [[r["nps_group"].capitalize() + "s", f"{r['customers']:,}",
                 "—" if r["retention_pct"] is None else f"{r['retention_pct']:.0f} %",
                 money(r[field])] for r in rows]
        self.table(s, ["Group", "Customers", "Still customers", title], body,
                   MARGIN + Inches(7.0), BODY_TOP + Inches(0.4), Inches(5.3),
                   [0.26, 0.22, 0.24, 0.28], size=14)

    def drivers_slide(self) -> None:
        d = self.model["drivers"]
        if d is None:
            return
        s = self.slide("What drives the scores", [
            "Findings from the driver analysis (the Drivers page shows the evidence). A group "
            "counts only when its whole 95% interval is below the overall NPS.",
            "Chart: each step's NPS with its 95% interval; colour and shape are the team's "
            "rating of the step on the journey map."])
        findings = d["findings"] or ["No driver findings yet: they need survey responses tied "
                                     "to journey steps or rated for effectiveness, ease and "
                                     "emotion."]
        steps = [r for r in d["steps"] if r.get("nps") is not None]
        text_w = Inches(5.6) if steps else WIDTH - 2 * MARGIN
        _bullets(s, findings, MARGIN, BODY_TOP, text_w, BODY_BOTTOM - BODY_TOP, size=15)
        if steps:
            chart = driver_charts.step_nps_chart(steps, d["overall"],
                                                 title="NPS by journey step").properties(
                width=620, padding={"left": 5, "top": 5, "bottom": 5, "right": 190})
            chart.config.legend.titleLimit = 0  # the legend's title in full
            png = charts.to_png(chart)
            _picture(s, png, MARGIN + text_w + Inches(0.3), BODY_TOP,
                     WIDTH - 2 * MARGIN - text_w - Inches(0.3), BODY_BOTTOM - BODY_TOP)

    def quadrant_slide(self) -> None:
        """Importance × performance of the questions (the key driver analysis), when there
        are enough complete answers to tell."""
        d = self.model["drivers"]
        kda = d.get("key_drivers") if d else None
        if not kda:
            return
        s = self.slide("Importance × performance: what to act on first", [
            *kda["findings"],
            f"Method: Johnson's relative weights on {kda['n']:,} complete answers, with "
            "bootstrap 95% intervals; dashed lines are the average importance and the average "
            "performance."])
        chart = driver_charts.quadrant_chart(kda["drivers"], kda["lines"]).properties(
            width=900, height=480)
        _picture(s, charts.to_png(chart), MARGIN, BODY_TOP, WIDTH - 2 * MARGIN,
                 BODY_BOTTOM - BODY_TOP)

    def journey_slides(self, session: WorkspaceSession) -> None:
        for j in self.model["journeys"]:
            summary = j["summary"]
            actions = j["actions"]
            notes = [f"{j['name']}: {summary['green']} green, {summary['yellow']} yellow, "
                     f"{summary['red']} red, {summary['unrated']} not rated.",
                     "Above the dashed line the customer sees it; below is backstage. "
                     "G = green (working well), Y = yellow (people unhappy), R = red (people "
                     "very unhappy)."]
            notes += [f"Open action: {a['what']} (owner {a['owner'] or 'none'}, due "
                      f"{format_date(a['due_date'], 'no date')}"
                      f"{', overdue' if a['overdue'] else ''})"
                      for a in actions]
            s = self.slide(f"Journey: {j['name']}", notes)
            counts = (f"{summary['green']} green · {summary['yellow']} yellow · "
                      f"{summary['red']} red · {summary['unrated']} not rated"
                      + (f" · hurts most: {summary['reddest_step']['name']}"
                         if summary["reddest_step"] else ""))
            _text(s, counts, MARGIN, BODY_TOP - Inches(0.05), WIDTH - 2 * MARGIN, Inches(0.45),
                  size=16, colour=MUTED)
            png = jc.to_png(jc.journey_map(session, j["id"]))
            _picture(s, png, MARGIN, BODY_TOP + Inches(0.45), WIDTH - 2 * MARGIN,
                     BODY_BOTTOM - BODY_TOP - Inches(0.5))

    def actions_slide(self) -> None:
        m = self.model
        actions = m["actions"]
        s = self.slide("Top actions", [
            f"{m['open_actions']} open actions, {m['overdue']} overdue; the "
            f"{len(actions)} most urgent are shown (overdue first, then by due date)."])
        if not actions:
            _text(s, "No open actions: red journey parts turned into actions with an owner and "
                     "a due date appear here.", MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1),
                  size=20, italic=True, colour=MUTED)
            return
        body = [[a["what"], " · ".join(x for x in (a["journey_name"], a["step_name"]) if x),
                 a["owner"] or "no owner",
                 ("OVERDUE " if a["overdue"] else "") + format_date(a["due_date"], "no date"),
                 a["status"]] for a in actions]
        self.table(s, ["What", "Where", "Owner", "Due", "Status"], body, MARGIN, BODY_TOP,
                   WIDTH - 2 * MARGIN, [0.40, 0.22, 0.15, 0.13, 0.10], size=13)

    def quotes_slide(self) -> None:
        quotes = self.model["quotes"][:MAX_QUOTES]
        names = "names as the owner chose" if self.model.get("show_names") else "names left out"
        what = ("What customers wrote in survey comments and said in interviews, one quote per "
                f"leading theme and journey step, as recorded ({names}, no e-mail addresses). "
                "None is invented or edited.")
        s = self.slide("In their own words", [what])
        if not quotes:
            _text(s, "No quotes yet: survey comments and key quotes from logged customer and "
                     "employee interviews appear here.", MARGIN, BODY_TOP,
                  WIDTH - 2 * MARGIN, Inches(1), size=20, italic=True, colour=MUTED)
            return
        _text(s, what, MARGIN, BODY_BOTTOM - Inches(0.4), WIDTH - 2 * MARGIN, Inches(0.4),
              size=12, colour=MUTED)
        cols, gap = 2, Inches(0.3)
        rows = (len(quotes) + 1) // 2
        w = (WIDTH - 2 * MARGIN - gap) // cols
        h = (BODY_BOTTOM - Inches(0.5) - BODY_TOP - gap * (rows - 1)) // rows
        for i, q in enumerate(quotes):
            left = MARGIN + (i % cols) * (w + gap)
            top = BODY_TOP + (i // cols) * (h + gap)
            bar = s.shapes.add_shape(1, left, top, Inches(0.08), h)
            bar.fill.solid()
            bar.fill.fore_color.rgb = {"positive": RGBColor(0x1B, 0x78, 0x37),
                                       "negative": RGBColor(0xB2, 0x18, 0x2B)}.get(
                q["sentiment"], RGBColor(0x9A, 0xA3, 0xB2))
            bar.line.fill.background()
            who = " · ".join(x for x in (q["role_segment"], q["kind"],
                                         q.get("journey_step"), str(q["date"] or "")[:10])
                             if x)
            size = 18 if len(q["quote"]) < 140 else 14
            _text(s, f"\u201c{q['quote']}\u201d", left + Inches(0.2), top, w - Inches(0.2),
                  h - Inches(0.4), size=size, italic=True)
            _text(s, who, left + Inches(0.2), top + h - Inches(0.4), w - Inches(0.2),
                  Inches(0.35), size=12, colour=MUTED)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def render_pptx(session: WorkspaceSession, model: dict[str, Any]) -> bytes:
    """The deck of a :func:`cxcore.report_model.build` model as PPTX bytes (see the module
    docstring); ``session`` draws the journey maps. Viewers may export."""
    session.require("viewer")
    deck = Deck(model)
    deck.title_slide()
    deck.since_slide()
    deck.scorecard_slide()
    deck.value_slide()
    deck.drivers_slide()
    deck.quadrant_slide()
    deck.journey_slides(session)
    deck.actions_slide()
    deck.quotes_slide()
    return deck.save()
