"""Drivers: which parts of the experience go with customers recommending you, or not."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxcore import driver_charts as charts
from cxcore import drivers as dr
from cxcore import export
from cxcore import scorecard as sc
from cxui import shell

session = shell.page_session()
KEY = shell.cache_key(session)
# The chart's shapes, so the table does not rely on colour either.
TEAM_WORDS = {"green": "● green", "yellow": "▲ yellow", "red": "■ red", None: "◆ not rated"}
POSITION = {"below": "▼ below overall", "above": "▲ above overall", "in line": "in line",
            None: "—"}


# The session's connection is not hashable (leading underscore); KEY changes on every write.
@st.cache_data(show_spinner=False, max_entries=64)
def cached_analysis(_session, key, period: str) -> dict:
    return dr.analyse(_session, period)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_periods(_session, key, grain: str) -> list[str]:
    return sc.available_periods(_session, grain)


def signed(value) -> str:
    return "—" if value is None else f"{value:+.0f}"


def csv(frame: pd.DataFrame) -> bytes:
    return export.frame_csv(frame)  # formula-like text neutralised, like every download


st.title("Drivers of CX quality")
st.caption(f"{session.info.name}: which parts of the experience go with customers recommending "
           "you, and which with customers warning others off.")

# ---- period ----
grains = {"All data": "all", "Year": "year", "Quarter": "quarter", "Month": "month"}
top = st.columns([1, 1, 2])
grain = grains[top[0].selectbox("Period type", list(grains), key="dr_grain",
                                help="Driver analysis needs many answers: start with all the "
                                     "data, then look at recent periods.")]
if grain == "all":
    period = "all"
    top[1].selectbox("Period", ["all"], key="dr_period_all", disabled=True,
                     format_func=lambda _: "All data")
else:
    options = cached_periods(session, KEY, grain) or ["all"]
    period = top[1].selectbox("Period", options, key=f"dr_period_{grain}")

analysis = cached_analysis(session, KEY, period)
overall = analysis["overall"]
words = sc.period_words(period)
if overall["nps"] is None:
    st.info(f"There are no NPS answers in {shell.esc(words)} yet, so there is nothing to "
            "analyse. Import survey responses on the **Import data** page (editors): an NPS "
            "answer per response, and where you can the journey step it was about, customer "
            "effort (1-7, 7 = very easy), ease, effectiveness, emotion, channel and segment.")
    st.stop()

top[2].metric(f"Overall NPS · {words}", signed(overall["nps"]),
              help="Net Promoter Score: % promoters (9-10) − % detractors (0-6).")
top[2].caption(f"±{overall['moe']:.0f} (95% margin of error), {overall['n']:,} answers")
if overall["small_sample"]:
    st.warning(f"Only {overall['n']} NPS answers in {shell.esc(words)}: every number below can "
               "move a lot by chance. Choose a longer period.")

# ---- findings first ----
st.header("What to act on first")
findings = analysis["findings"]
with st.container(border=True):
    for i, finding in enumerate(findings, start=1):
        st.markdown(f"**{i}.** {shell.esc(finding['text'])}")
st.caption("Findings count only differences larger than the noise (outside the 95% margin of "
           "error), heaviest first: by how many points the overall NPS would rise if that group "
           "scored like everyone else. **Correlation is not cause**: a rating that moves with "
           "NPS shows where to look, not proof that changing it will change NPS.")

# ---- 1. journey steps ----
st.header("1 · Journey steps: customers' score vs the team's map")
steps = analysis["steps"]
answered = [s for s in steps if s["nps"] is not None]
if not steps:
    st.info("No journey map yet. Map a journey on **Journey health** and tag survey responses "
            "with the step they are about, to see where in the journey customers are won or "
            "lost.")
elif not answered:
    st.info(f"No NPS answers in {shell.esc(words)} are tied to a journey step. Add a journey "
            "step column when you import survey responses.")
else:
    st.altair_chart(charts.step_nps_chart(steps, overall["nps"]), width="stretch")
    st.caption("Each point is a step's NPS; its colour **and** shape show the team's rating on "
               "the journey map (the worst colour of any part of the step). The line across "
               "each point is its 95% interval: a step is clearly below or above the overall "
               "score only when the whole line is on one side of the dashed overall line. "
               "\"≠ map\" marks steps where customers and the map disagree.")
    small = [s for s in answered if s["small_sample"]]
    if small:
        st.warning("Fewer than 30 answers at: " + ", ".join(
            f"'{shell.esc(s['step'])}' ({s['n']})" for s in small)
                   + ". Their scores can swing a lot by chance.")
    disagree = [s for s in steps if s["disagree"]]
    if disagree:
        st.warning("Customers and the map disagree at: " + "; ".join(
            f"'{shell.esc(s['step'])}' (team: {s['team']}, customers: NPS {signed(s['nps'])}, "
            f"{POSITION[s['vs_overall']]})" for s in disagree) + ".")
    step_table = pd.DataFrame([{
        "Journey": s["journey"], "Step": f"{s['position']}. {s['step']}", "Answers": s["n"],
        "NPS": signed(s["nps"]),
        "± margin": "—" if s["moe"] is None else f"±{s['moe']:.0f}",
        "vs overall": POSITION[s["vs_overall"]], "Team's rating": TEAM_WORDS[s["team"]],
        "Green / yellow / red parts": f"{s['green']} / {s['yellow']} / {s['red']}",
        "Disagree": "yes" if s["disagree"] else "",
        "Effort (7 = easy)": "—" if s["mean_ces"] is None else f"{s['mean_ces']:.1f}"}
        for s in steps])
    st.dataframe(step_table, hide_index=True, width="stretch")
    st.download_button("Steps as CSV", csv(pd.DataFrame([{
        "journey": s["journey"], "position": s["position"], "step": s["step"], "answers": s["n"],
        "nps": s["nps"], "margin_of_error": s["moe"], "low_95": s["low"], "high_95": s["high"],
        "vs_overall": s["vs_overall"], "team_rating": s["team"], "green_parts": s["green"],
        "yellow_parts": s["yellow"], "red_parts": s["red"], "unrated_parts": s["unrated"],
        "disagree": s["disagree"], "mean_effort": s["mean_ces"]} for s in steps])),
        file_name=f"drivers-steps-{period}.csv", mime="text/csv", icon=":material/download:",
        key="dr_steps_csv")

# ---- 2. ratings ----
st.header("2 · Which ratings move likelihood to recommend")
ratings = analysis["ratings"]
with_r = [r for r in ratings if r["r"] is not None]
st.write("A correlation (r, from -1 to 1) says how closely two answers rise and fall together: "
         "near 1, customers who give a high rating almost always give a high NPS; near 0, the "
         "rating tells you nothing about NPS. Correlation is not cause: both may follow from "
         "something else, such as a late delivery.")
if with_r:
    st.altair_chart(charts.correlation_chart(ratings), width="stretch")
    st.caption("The black line is the 95% interval of r. Strength: below 0.1 no real link, "
               "0.1-0.3 weak, 0.3-0.5 moderate, 0.5 and above strong (Cohen's conventions).")
for r in ratings:
    if r["r"] is None:
        st.caption(f"{r['label']}: no correlation shown, because {r['reason']}.")
rating_table = pd.DataFrame([{
    "Rating": r["label"], "Answers with NPS": r["n"],
    "r": "—" if r["r"] is None else f"{r['r']:+.2f}", "Strength": r["strength"] or "—",
    "Low answers": r["low_band"], "NPS when low": signed(r["low"]["nps"]),
    "n low": r["low"]["n"], "High answers": r["high_band"],
    "NPS when high": signed(r["high"]["nps"]), "n high": r["high"]["n"]} for r in ratings])
st.dataframe(rating_table, hide_index=True, width="stretch")
st.caption("NPS when low / high: the NPS of the customers who gave the rating a low or a high "
           "value (the middle answer is left out). Customer effort is on 1-7 where 7 = very easy.")
st.download_button("Ratings as CSV", csv(pd.DataFrame([{
    "rating": r["key"], "answers": r["n"], "r": r["r"], "r_low_95": r["r_low"],
    "r_high_95": r["r_high"], "strength": r["strength"], "why_no_r": r["reason"],
    "low_band": r["low_band"], "low_n": r["low"]["n"], "low_nps": r["low"]["nps"],
    "low_mean_nps_answer": r["low"]["mean_nps_answer"],
    "low_detractors_pct": r["low"]["detractors_pct"], "high_band": r["high_band"],
    "high_n": r["high"]["n"], "high_nps": r["high"]["nps"],
    "high_mean_nps_answer": r["high"]["mean_nps_answer"],
    "high_detractors_pct": r["high"]["detractors_pct"]} for r in ratings])),
    file_name=f"drivers-ratings-{period}.csv", mime="text/csv", icon=":material/download:",
    key="dr_ratings_csv")

# ---- 3. channels and segments ----
st.header("3 · Channels and segments")
st.write("A group is marked below (or above) the overall score only when its whole 95% "
         "interval is on that side of the overall NPS; otherwise the difference may be chance.")
for by, plural, tab in zip(("channel", "segment"), ("channels", "segments"),
                           st.tabs(["By channel", "By segment"]), strict=True):
    with tab:
        rows = analysis[plural]
        if not rows:
            st.info(f"No NPS answers with a {by} in {shell.esc(words)}.")
            continue
        st.altair_chart(charts.group_nps_chart(rows, by, overall["nps"]), width="stretch")
        small = [r for r in rows if r["small_sample"]]
        if small:
            st.warning("Fewer than 30 answers in: " + ", ".join(
                f"'{shell.esc(r['group'])}' ({r['n']})" for r in small)
                       + ". Treat their scores as an indication only.")
        st.dataframe(pd.DataFrame([{
            by.capitalize(): r["group"], "Answers": r["n"], "NPS": signed(r["nps"]),
            "± margin": f"±{r['moe']:.0f}", "vs overall": POSITION[r["vs_overall"]]}
            for r in rows]), hide_index=True, width="stretch")
        st.download_button(f"NPS by {by} as CSV", csv(pd.DataFrame([{
            by: r["group"], "answers": r["n"], "nps": r["nps"], "margin_of_error": r["moe"],
            "low_95": r["low"], "high_95": r["high"], "vs_overall": r["vs_overall"]}
            for r in rows])), file_name=f"drivers-{plural}-{period}.csv", mime="text/csv",
            icon=":material/download:", key=f"dr_{plural}_csv")
