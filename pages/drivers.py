"""Drivers: which parts of the experience go with customers recommending you, or not."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxcore import driver_charts as charts
from cxcore import drivers as dr
from cxcore import export
from cxcore import scorecard as sc
from cxcore.drivers import key as kd
from cxui import cache, shell

session = shell.page_session()
# The chart's shapes, so the table does not rely on colour either.
TEAM_WORDS = {"green": "● green", "yellow": "▲ yellow", "red": "■ red", None: "◆ not rated"}
POSITION = {"below": "▼ below overall", "above": "▲ above overall", "in line": "in line",
            None: "—"}
REST = {"below": "▼ below the rest", "above": "▲ above the rest", "in line": "in line",
        None: "too few to tell"}


def signed(value) -> str:
    return "—" if value is None else f"{value:+.0f}"


def quote_caption(quote: dict | None) -> None:
    """A finding's real quote, small, under it (nothing when there is none)."""
    if quote:
        said = ", ".join(x for x in (quote["source"], quote.get("who"),
                                     (quote.get("date") or "")[:10]) if x)
        st.caption(f"“{shell.esc(quote['text'])}” — {shell.esc(said)}")


def csv(frame: pd.DataFrame) -> bytes:
    return export.frame_csv(frame)  # formula-like text neutralised, like every download


st.title("Drivers of CX quality")
st.caption(f"{session.info.name}: which questions explain how customers rate you, which parts of "
           "the experience go with customers recommending you, and what to act on first.")

# ---- period, outcome, segment ----
grains = {"All data": "all", "Year": "year", "Quarter": "quarter", "Month": "month"}
top = st.columns([1, 1, 2])
grain = grains[shell.url_select("Period type", list(grains), key="dr_grain", param="grain",
                                container=top[0], to_text=grains.get,
                                help="Driver analysis needs many answers: start with all the "
                                     "data, then look at recent periods.")]
if grain == "all":
    period = "all"
    top[1].selectbox("Period", ["all"], key="dr_period_all", disabled=True,
                     format_func=lambda _: "All data")
else:
    options = cache.read(sc.available_periods, session, grain) or ["all"]
    period = shell.url_select("Period", options, key=f"dr_period_{grain}", param="period",
                              container=top[1])

choices = cache.read(kd.outcome_choices, session)
default = cache.read(kd.default_outcome, session)
segment_list = cache.read(kd.segment_names, session)
labels = {c["value"]: c["label"] for c in choices}
values = list(labels)
pick = st.columns([2, 1, 1])
outcome = pick[0].selectbox(
    "What to explain (outcome)", values, index=values.index(default) if default in values else 0,
    format_func=lambda v: labels[v], key="dr_outcome",
    help="NPS, CSAT, effort, any rating question, or one answer of a single-choice question "
         "(e.g. 'Satisfaction = satisfied' against every other answer).")
segment = shell.url_select("Customers", [None, *segment_list], key="dr_segment",
                           param="segment", container=pick[1],
                           to_text=lambda s: "(all)" if s is None else s,
                           format_func=lambda s: "All segments" if s is None else s)
basis = {"Mean (0-100)": "mean", "Top box (%)": "top_box"}[pick[2].radio(
    "Performance as", ["Mean (0-100)", "Top box (%)"], key="dr_basis", horizontal=True,
    help="Mean: the average answer rescaled so the bottom of the scale is 0 and the top 100. "
         "Top box: the share of answers at the top of the scale.")]

analysis = cache.read(dr.analyse, session, period)
overall = analysis["overall"]
words = sc.period_words(period)
with st.spinner("Weighing the drivers…"):
    kda_result = cache.read(kd.key_drivers, session, outcome, period, segment, basis=basis,
                            groups=True)
has_nps = overall["nps"] is not None
if has_nps:
    shell.metric(f"Overall NPS · {words}", signed(overall["nps"]), container=top[2],
                 help="Net Promoter Score: % promoters (9-10) − % detractors (0-6).")
    top[2].caption(f"±{overall['moe']:.0f} (95% margin of error), {overall['n']:,} answers")
    if overall["small_sample"]:
        st.warning(f"Only {overall['n']} NPS answers in {shell.esc(words)}: every number below "
                   "can move a lot by chance. Choose a longer period.")
if not has_nps and not kda_result["answered"]:
    st.info(f"There are no answers to analyse in {shell.esc(words)} yet. Import survey "
            "responses on the **Import data** page (editors): an NPS or satisfaction answer per "
            "response, the rating questions asked, and where you can the journey step it was "
            "about, channel and segment.")
    st.stop()

# ---- findings first ----
st.header("What to act on first")
with st.container(border=True):
    number = 0
    quotes = kda_result.get("finding_quotes") or []
    for i, text in enumerate(kda_result["findings"]):
        number += 1
        st.markdown(f"**{number}.** {shell.esc(text)}")
        quote_caption(quotes[i] if i < len(quotes) else None)
    for finding in analysis["findings"]:
        number += 1
        st.markdown(f"**{number}.** {shell.esc(finding['text'])}")
        quote_caption(finding.get("quote"))
    if not number:
        st.markdown("Nothing to act on yet: too few answers to tell.")
st.caption("Findings about questions come from the key driver analysis below; those about "
           "journey steps, channels and segments from NPS, counting only differences larger "
           "than the noise, heaviest first. **Correlation is not cause**: a question that "
           "moves with the score shows where to look, not proof that changing it will change "
           "the score.")

# ---- key drivers ----
st.header("1 · Key drivers: what explains the outcome")
outcome_words = kda_result["outcome"]["label"]
if kda_result["enough"]:
    if kda_result["sampled"]:
        basis_words = (f"Estimated on a random sample of {kda_result['n']:,} of "
                       f"{kda_result['total']:,} responses that answered every question")
    else:
        basis_words = f"Computed on all {kda_result['n']:,} responses that answered every question"
    st.caption(
        f"{basis_words} (complete cases; {kda_result['answered']:,} responses in "
        f"{shell.esc(words)} have an answer to the outcome question). Responses missing any "
        "question, or answering 'not applicable', are left out rather than filled in "
        "(pairwise correlations would mix different customers). Method: Johnson's relative "
        "weights, each question's share of the variance that the questions together explain, "
        f"with bootstrap 95% intervals ({kda_result['draws']} resamples)."
        + (" The outcome is a yes/no label coded 1/0 (linear probability model, "
           "point-biserial correlations)." if kda_result["outcome"]["binary"] else ""))
    cols = st.columns(3)
    shell.metric("Explained by these questions (R²)", f"{kda_result['r2']:.0%}",
                 container=cols[0],
                 help="The share of the differences in the outcome between customers that "
                      "the questions together account for.")
    cols[0].caption(f"95% interval {kda_result['r2_low']:.0%}-{kda_result['r2_high']:.0%}")
    shell.metric("Questions weighed", len(kda_result["drivers"]), container=cols[1])
    shell.metric("Responses analysed", f"{kda_result['n']:,}", container=cols[2])
    st.altair_chart(charts.weights_chart(kda_result["drivers"], outcome_words),
                    width="stretch")
    st.caption("A bar is the question's share of what the questions explain; the shares add "
               "up to 100%. The black line is its 95% interval: two questions whose lines "
               "overlap may be equally important.")
    perf_title = ("Performance (mean, 0-100 of the scale)" if basis == "mean"
                  else "Performance (top box, % of answers)")
    st.subheader("Importance × performance")
    st.altair_chart(charts.quadrant_chart(kda_result["drivers"], kda_result["lines"],
                                          perf_title), width="stretch")
    st.caption("A number instead of a name is the question's rank in the table below (no room "
               "for its name). "
               f"Dashed lines: the average share ({kda_result['lines']['weight_pct']:.0f}%) and "
               f"the average performance ({kda_result['lines']['performance']:.0f}). **Fix "
               "first**: important and scoring below average. **Keep up**: important and "
               "scoring well. **Watch**: less important and scoring low. **Less urgent**: less "
               "important and scoring well.")
    driver_table = pd.DataFrame([{
        "Rank": d["rank"], "Question": d["label"], "Share %": f"{d['weight_pct']:.1f}",
        "95% interval": f"{d['low_pct']:.1f}-{d['high_pct']:.1f}",
        "Keeps its rank": f"{d['rank_stability']:.0%}",
        "Shapley %": "—" if d["shapley_pct"] is None else f"{d['shapley_pct']:.1f}",
        "Performance": f"{d['performance']:.0f}", "Quadrant": d["quadrant"],
        "r with outcome": f"{d['r']:+.2f}", "VIF": f"{d['vif']:.1f}"}
        for d in kda_result["drivers"]])
    st.dataframe(driver_table, hide_index=True, width="stretch")
    st.caption(f"Keeps its rank: the share of {kda_result['draws']} resamples in which the "
               "question has the same rank. Shapley %: the same shares by Shapley value "
               "regression (every order of adding the questions), a cross-check computed up to "
               "15 questions. VIF: how much a question overlaps with the others (above 5 is a "
               "lot).")
    st.download_button("Key drivers as CSV", csv(pd.DataFrame(kda_result["drivers"])),
                       file_name=f"key-drivers-{period}.csv", mime="text/csv",
                       icon=":material/download:", key="dr_kda_csv")
    col = kda_result["collinearity"]
    with st.expander("Overlap between the questions (collinearity)"):
        cond = "infinite" if col["condition"] is None else f"{col['condition']:.1f}"
        st.write(f"Condition number {cond} (above 30 is severe); largest VIF "
                 f"{'infinite' if col['max_vif'] is None else format(col['max_vif'], '.1f')}. "
                 f"The most alike pair: '{shell.esc(col['pair'][0])}' and "
                 f"'{shell.esc(col['pair'][1])}' (r = {col['pair_r']:.2f}). Relative weights "
                 "share the credit of overlapping questions instead of giving it to one.")
        st.dataframe(pd.DataFrame(col["matrix"], columns=col["labels"], index=col["labels"])
                     .round(2), width="stretch")
    left = kda_result["left_out"]
    if left:
        st.caption("Left out (answered by fewer than half of the customers, or not at all): "
                   + ", ".join(f"{shell.esc(x['label'])} ({x['answers']:,})" for x in left)
                   + ".")
else:
    st.info(f"Too few to tell what explains '{shell.esc(outcome_words)}': "
            f"{shell.esc(kda_result['reason'])}. Choose a longer period, all segments, or "
            "import more responses.")

# ---- 1. journey steps ----
st.header("2 · Journey steps: customers' score vs the team's map")
step_links = kd.step_drivers(session, kda_result)
if step_links:
    st.write("Questions linked to a journey step, and how much each explains of "
             f"'{shell.esc(outcome_words)}':")
    st.dataframe(pd.DataFrame([{
        "Journey": s["journey"], "Step": f"{s['position']}. {s['step']}",
        "Question": d["label"], "Share %": f"{d['weight_pct']:.1f}",
        "95% interval": f"{d['low_pct']:.1f}-{d['high_pct']:.1f}",
        "Performance": f"{d['performance']:.0f}", "Quadrant": d["quadrant"]}
        for s in step_links for d in s["drivers"]]), hide_index=True, width="stretch")
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

# ---- 3. ratings against NPS ----
if has_nps:
    st.header("3 · Which ratings move likelihood to recommend")
    ratings = analysis["ratings"]
    if not any(r["n"] for r in ratings):
        st.info("None of the standard ratings (effort, ease, effectiveness, emotion, CSAT) was "
                "answered together with NPS here; the key driver analysis above weighs the "
                "survey's own questions instead.")
    else:
        with_r = [r for r in ratings if r["r"] is not None]
        st.write("A correlation (r, from -1 to 1) says how closely two answers rise and fall "
                 "together: near 1, customers who give a high rating almost always give a high "
                 "NPS; near 0, the rating tells you nothing about NPS. Correlation is not cause: "
                 "both may follow from something else, such as a late delivery.")
        if with_r:
            st.altair_chart(charts.correlation_chart(ratings), width="stretch")
            st.caption("The black line is the 95% interval of r. Strength: below 0.1 no real "
                       "link, 0.1-0.3 weak, 0.3-0.5 moderate, 0.5 and above strong (Cohen's "
                       "conventions).")
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
        st.caption("NPS when low / high: the NPS of the customers who gave the rating a low or "
                   "a high value (the middle answer is left out). Customer effort is on 1-7 "
                   "where 7 = very easy.")
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

# ---- 4. segments and channels ----
st.header("4 · Segments and channels")
st.write("Each group is compared with **the rest of the customers**, never with an overall "
         "score that includes the group itself. A difference is called only when a test says "
         "it is larger than the noise (5% level); small groups say \"too few to tell\".")
VERDICT = {"more": "▲ matters more than for the rest", "less": "▼ matters less",
           "same": "no clear difference"}
CONSISTENT = {"differs": "differs", "consistent": "consistent (within the noise)",
              "too few to tell": "too few to tell"}
tab_names = (["NPS by channel", "NPS by segment"] if has_nps else []) + [
    "Drivers by group", "Same questions across channels", "Across journey steps"]
tabs = st.tabs(tab_names)
if has_nps:
    for by, plural, tab in zip(("channel", "segment"), ("channels", "segments"), tabs[:2],
                               strict=True):
        with tab:
            rows = analysis[plural]
            if not rows:
                st.info(f"No NPS answers with a {by} in {shell.esc(words)}.")
                continue
            st.altair_chart(charts.group_nps_chart(rows, by, overall["nps"]), width="stretch")
            st.caption("Bars: NPS with its 95% interval; dashed: the overall NPS for reference. "
                       "Red and \"▼ below the rest\": clearly below everyone else.")
            small = [r for r in rows if r["small_sample"]]
            if small:
                st.warning("Fewer than 30 answers in: " + ", ".join(
                    f"'{shell.esc(r['group'])}' ({r['n']})" for r in small)
                           + ". Treat their scores as an indication only.")
            st.dataframe(pd.DataFrame([{
                by.capitalize(): r["group"], "Answers": r["n"], "NPS": signed(r["nps"]),
                "± margin": f"±{r['moe']:.0f}", "The rest": signed(r["rest_nps"]),
                "vs the rest": REST[r["vs_rest"]]}
                for r in rows]), hide_index=True, width="stretch")
            st.download_button(f"NPS by {by} as CSV", csv(pd.DataFrame([{
                by: r["group"], "answers": r["n"], "nps": r["nps"], "margin_of_error": r["moe"],
                "low_95": r["low"], "high_95": r["high"], "rest_answers": r["rest_n"],
                "rest_nps": r["rest_nps"], "vs_rest": r["vs_rest"]}
                for r in rows])), file_name=f"drivers-{plural}-{period}.csv", mime="text/csv",
                icon=":material/download:", key=f"dr_{plural}_csv")
group_tabs = tabs[2:] if has_nps else tabs
with group_tabs[0]:
    by_options = {c["value"]: c["label"] for c in cache.read(kd.group_choices, session)
                  if c["value"] not in (outcome, outcome.split("=")[0])}
    by = st.selectbox("Compare customers by", list(by_options), key="dr_group_by",
                      format_func=lambda v: by_options[v],
                      help="Each group's drivers against those of everyone else: a segment, "
                           "a channel, or any single-choice question of the survey.")
    if not kda_result["enough"]:
        st.info("Too few to tell: drivers by group need the key driver analysis above.")
    else:
        if by in ("segment", "channel"):
            groups = kda_result.get(f"by_{by}") or []
        else:
            with st.spinner("Comparing the groups…"):
                groups = cache.read(kd.drivers_by_group, session, outcome, by, period,
                                    segment)["groups"]
        by_words = by_options[by].lower()
        if not groups:
            st.info(f"Too few to tell: every complete answer has the same {by_words}.")
        else:
            st.caption(f"What explains '{shell.esc(outcome_words)}' in each group of "
                       f"{shell.esc(by_words)}, against the rest of the customers: a question "
                       "\"matters more\" only when the 95% interval of the difference in its "
                       "share excludes zero.")
        for g in groups:
            if not g["enough"]:
                st.markdown(f"**{shell.esc(g['group'])}**: {shell.esc(g['reason'])}.")
                continue
            st.markdown(f"**{shell.esc(g['group'])}** ({g['n']:,} responses; the rest "
                        f"{g['rest_n']:,})")
            st.dataframe(pd.DataFrame([{
                "Question": d["label"], "Share here %": f"{d['weight_pct']:.1f}",
                "95% interval": f"{d['low_pct']:.1f}-{d['high_pct']:.1f}",
                "Share in the rest %": f"{d['rest_pct']:.1f}",
                "Difference (95%)": f"{d['diff']:+.1f} ({d['diff_low']:+.1f} to "
                                    f"{d['diff_high']:+.1f})",
                "Verdict": VERDICT[d["verdict"]]} for d in g["drivers"]]),
                hide_index=True, width="stretch")
for by, tab in zip(("channel", "step"), group_tabs[1:], strict=True):
    with tab:
        cons = (kda_result.get("consistency") or {}).get(by)
        if not kda_result["enough"] or not cons:
            st.info("Too few to tell: this needs the key driver analysis above.")
            continue
        what = "channel" if by == "channel" else "journey step"
        st.caption(f"Do the same questions score alike in every {what}? Means on 0-100 of each "
                   f"question's scale, per {what} with at least {kd.GROUP_MIN} complete "
                   "answers. \"Differs\" only when a Kruskal-Wallis test is significant after "
                   "a Bonferroni correction for the number of questions; otherwise any gap is "
                   "within the noise.")
        if cons["small_groups"]:
            st.caption("Too few answers to include: " + ", ".join(
                f"{shell.esc(g)} ({cons['counts'][g]})" for g in cons["small_groups"]) + ".")
        if len(cons["groups"]) < 2:
            st.info(f"Too few to tell: fewer than two {what}s have {kd.GROUP_MIN} or more "
                    "complete answers.")
            continue
        st.dataframe(pd.DataFrame([{
            "Question": r["label"],
            **{g: f"{r['means'][g]:.0f}" for g in cons["groups"]},
            "Gap (points)": "—" if r["gap"] is None else f"{r['gap']:.0f}",
            "Lowest": r["lowest"] or "—",
            "Verdict": CONSISTENT[r["verdict"]]} for r in cons["rows"]]),
            hide_index=True, width="stretch")
        differ = [r for r in cons["rows"] if r["verdict"] == "differs"]
        if differ:
            st.warning("Not the same experience everywhere: " + "; ".join(
                f"'{shell.esc(r['label'])}' scores {r['gap']:.0f} points lower in "
                f"{shell.esc(r['lowest'])} than in {shell.esc(r['highest'])}" for r in differ)
                + ".")
