"""Compare clients: every workspace you belong to side by side, each for its latest complete
period or all for the same one."""

from datetime import date

import streamlit as st

from cxcore import compare, scorecard
from cxcore import compare_charts as charts
from cxui import shell

session = shell.page_session()
today = date.today()
NO_DATA = "no data"

st.title("Compare clients")
st.caption("Every workspace you belong to, side by side: where each client stands in the "
           "field.")

GRAIN_WORDS = {"quarter": "Quarter", "month": "Month", "year": "Year"}
cols = st.columns([2, 1, 2])
mode = cols[0].radio("Period", list(compare.MODES), key="compare_mode",
                     format_func=lambda m: compare.MODES[m].capitalize())
grain = cols[1].selectbox("Length", list(GRAIN_WORDS), key="compare_grain",
                          format_func=GRAIN_WORDS.get)
period = None
if mode == "same":
    default = compare.last_complete_period(today, grain)
    choices = [default]
    for _ in range({"quarter": 7, "month": 11, "year": 3}[grain]):
        choices.append(scorecard.previous_period(scorecard.parse_period(choices[-1])).label)
    period = cols[2].selectbox("Which one", [*choices, "all"], key=f"compare_period_{grain}",
                               format_func=lambda p: "All data" if p == "all" else p)
anonymise = st.toggle(
    f"Show only {session.info.name} by name", key="compare_anonymise",
    help="The other clients become Client A, Client B, …: show one client where it stands "
         "without naming the others.")

rows = compare.compare_workspaces(shell.accounts(), session.username, period=period, mode=mode,
                                  grain=grain, today=today, anonymise=anonymise,
                                  keep=session.info.id)
if len(rows) < 2:
    st.info("You belong to one workspace, so there is nothing to compare it with yet.")


def interval(low, high, fmt="{:+.0f}"):
    return NO_DATA if low is None else f"{fmt.format(low)} to {fmt.format(high)}"


def cell(value, fmt="{:.0f}"):
    return NO_DATA if value is None else fmt.format(value)


def period_cell(r):
    if r["observed"]:
        return r["period"]
    if r["data_from"] is None:
        return "no dated data yet"
    span = f"{shell.day(r['data_from'])} to {shell.day(r['data_to'])}"
    if mode == "same":
        return f"not covered (data: {span})"
    return f"no complete {grain} yet (data: {span})"


table = [{
    "Client": r["workspace"],
    "Period": period_cell(r),
    "NPS": cell(r["nps"], "{:+.0f}"), "NPS 95 % interval": interval(r["nps_low"], r["nps_high"]),
    "NPS answers": cell(r["nps_n"], "{:,}"),
    "Note": ("too few answers to tell" if r["nps_small"] else ""),
    "CSAT %": cell(r["csat_pct"], "{:.1f}"),
    "CSAT 95 % interval": interval(r["csat_low"], r["csat_high"], "{:.0f}"),
    "Churn %": cell(r["churn_rate_pct"], "{:.1f}"),
    "Checklist (now)": f"{r['steps_done']} of 6 steps done",
    "Red journey parts (now)": r["red_parts"],
    "Open actions (now)": r["open_actions"], "Overdue (now)": r["overdue_actions"],
} for r in rows]
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "Period": st.column_config.TextColumn(width="medium"),
    "Checklist (now)": st.column_config.TextColumn(width="medium"),
})
where = ("each client's latest complete " + grain if mode == "latest"
         else scorecard.period_words(period))
st.caption(f"Scores are for {where}; the checklist, red journey parts and actions are as they "
           f"stand today. \"{NO_DATA}\": the client has no such data for that period, or its "
           "data do not cover the period (never counted as 0).")
field = compare.field_summary(rows)
if field["median_nps"] is not None:
    st.caption(f"Median NPS across the {field['with_nps']} clients with answers in {where}: "
               f"{field['median_nps']:+.0f}. Two clients differ clearly only where their "
               "intervals do not overlap.")
    st.altair_chart(charts.nps_field_chart(rows, highlight=session.info.name,
                                           show_period=mode == "latest"),
                    width="stretch")
