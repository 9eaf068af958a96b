"""Compare clients: every workspace you belong to side by side, for one period."""

from datetime import date

import streamlit as st

from cxcore import compare, scorecard
from cxcore import compare_charts as charts
from cxui import shell

session = shell.page_session()
today = date.today()

st.title("Compare clients")
st.caption("Every workspace you belong to, side by side for the same period: where each "
           "client stands in the field.")

default = compare.last_complete_quarter(today)
quarters = [default]
for _ in range(7):
    year, q = int(quarters[-1][:4]), int(quarters[-1][-1])
    quarters.append(f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}")
cols = st.columns([1, 2])
period = cols[0].selectbox("Period", [*quarters, "all"], key="compare_period",
                           format_func=lambda p: "All data" if p == "all" else p)
anonymise = cols[1].toggle(
    f"Show only {session.info.name} by name", key="compare_anonymise",
    help="The other clients become Client A, Client B, …: show one client where it stands "
         "without naming the others.")

rows = compare.compare_workspaces(shell.accounts(), session.username, period=period,
                                  today=today, anonymise=anonymise, keep=session.info.id)
if len(rows) < 2:
    st.info("You belong to one workspace, so there is nothing to compare it with yet.")


def interval(low, high, fmt="{:+.0f}"):
    return "" if low is None else f"{fmt.format(low)} to {fmt.format(high)}"


def num(value, fmt="{:.0f}"):
    return None if value is None else float(fmt.format(value))


table = [{
    "Client": r["workspace"],
    "NPS": num(r["nps"]), "NPS 95 % interval": interval(r["nps_low"], r["nps_high"]),
    "NPS answers": r["nps_n"],
    "Note": ("too few answers to tell" if r["nps_small"] else ""),
    "CSAT %": num(r["csat_pct"], "{:.1f}"),
    "CSAT 95 % interval": interval(r["csat_low"], r["csat_high"], "{:.0f}"),
    "Churn %": num(r["churn_rate_pct"], "{:.1f}"),
    "Checklist": f"{r['steps_done']} of 6 steps done",
    "Red journey parts": r["red_parts"],
    "Open actions": r["open_actions"], "Overdue": r["overdue_actions"],
} for r in rows]
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "NPS": st.column_config.NumberColumn(format="%+d"),
    "Checklist": st.column_config.TextColumn(width="medium"),
})
field = compare.field_summary(rows)
if field["median_nps"] is not None:
    st.caption(f"Median NPS across the {field['with_nps']} clients with answers in "
               f"{scorecard.period_words(period)}: {field['median_nps']:+.0f}. Two clients "
               "differ clearly only where their intervals do not overlap. An empty cell: no "
               "data for that period.")
    st.altair_chart(charts.nps_field_chart(rows, highlight=session.info.name),
                    width="stretch")
