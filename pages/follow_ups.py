"""Follow-ups: the inbox of survey answers to act on (detractors flagged by default), with the
follow-up rate and time to close."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cxcore import followups as fu
from cxcore.errors import CXError
from cxcore.scorecard import parse_period
from cxui import cache, links, shell

session = shell.page_session()
STATUS_CHOICES = {"open": "Open (new or contacted)", "new": "New", "contacted": "Contacted",
                  "resolved": "Resolved", "all": "All"}

st.title("Follow-ups")
st.caption("Close the loop: every detractor (NPS 0-6) is flagged for a follow-up until someone "
           "takes it. Give each an owner, a due date and a note, and link it to the journey "
           "action it led to.")

period = st.text_input("Answers of period", value="all", key="fu_period",
                       help="all, a year (2026), a quarter (2026-Q3), a month (2026-05) or a "
                            "range (2026-01-01..2026-03-31)")
try:
    parse_period(period)
except CXError as exc:
    shell.show_error(exc)
    st.stop()
stats = cache.read(fu.follow_up_stats, session, period)
m1, m2, m3, m4, m5 = st.columns(5)
shell.metric("Flagged", f"{stats['flagged']:,}", container=m1)
shell.metric("Follow-up rate", "—" if stats["rate_pct"] is None else f"{stats['rate_pct']:.0f} %",
             help="Share of flagged answers contacted or resolved.", container=m2)
shell.metric("Median days to close", "—" if stats["median_days_to_close"] is None
             else f"{stats['median_days_to_close']:g}",
             help="From the day of the answer to the day it was marked resolved.", container=m3)
shell.metric("Open now", f"{stats['open']:,}", container=m4)
shell.metric("Overdue", f"{stats['overdue']:,}", container=m5)
if stats["flagged"] and stats["flagged"] < 30:
    st.caption(f"Only {stats['flagged']} answers flagged: too few to read much into the rate.")

f1, f2, f3 = st.columns([2, 2, 1])
status = f1.selectbox("Show", list(STATUS_CHOICES), format_func=STATUS_CHOICES.get,
                      key="fu_status")
owner_options = ["Anyone", "Nobody yet", *cache.read(fu.owners, session)]
owner = f2.selectbox("Owner", owner_options, key="fu_owner")
f3.write("")
overdue = f3.toggle("Overdue only", key="fu_overdue")
box = cache.read(fu.inbox, session, status=status,
                 owner=None if owner == "Anyone" else "-" if owner == "Nobody yet" else owner,
                 period=period, overdue=overdue, limit=200)
items = box["follow_ups"]
st.caption(f"{box['total']:,} follow-up{'s' if box['total'] != 1 else ''}"
           + (f"; the first {len(items)} shown, earliest due first." if box["total"] > len(items)
              else "."))
if not items:
    st.info("Nothing to follow up here.")
    st.stop()

st.dataframe(pd.DataFrame([{
    "Answer": f["date"], "NPS": f["nps"], "Status": f["status"],
    "Owner": f["owner"] or "—", "Due": f["due_date"], "Overdue": "yes" if f["overdue"] else "",
    "Comment": (f["comment"] or "")[:160],
    "Customer": links.customer_url(f["customer_id"]),
    "Action": f["action_what"],
} for f in items]), hide_index=True, width="stretch", column_config={
    "Customer": links.customer_column(),
    "NPS": st.column_config.NumberColumn(format="%d")})

by_id = {f["response_id"]: f for f in items}
chosen = st.selectbox("Open a follow-up", list(by_id), key="fu_open",
                      format_func=lambda i: f"{by_id[i]['date']} · NPS {by_id[i]['nps']} · "
                                            f"{by_id[i]['status']} · "
                                            f"{by_id[i]['customer_id'] or 'no customer id'}")
item = by_id[chosen]
with st.container(border=True):
    st.subheader(f"Answer of {shell.day(item['date'])}, NPS {item['nps']}")
    if item["comment"]:
        st.text(item["comment"])
    if item["customer_id"]:
        links.page_link("pages/customer.py", label=f"Open customer {item['customer_id']}",
                        icon=":material/person:",
                        query_params=links.customer_query(item["customer_id"]))
    if item["by_default"]:
        st.caption("Flagged by default (a detractor): nobody has taken it yet.")
    else:
        st.caption(f"Last changed by {shell.esc(item['updated_by'])} at "
                   f"{shell.when(item['updated_at'], session)}.")
    if session.can_edit:
        actions = fu.action_choices(session)
        action_ids = [None, *[a["id"] for a in actions]]
        labels = {a["id"]: f"{a['journey']}: {a['what']} ({a['status']})" for a in actions}
        with st.form(f"fu_form_{chosen}"):
            c1, c2, c3 = st.columns(3)
            new_owner = c1.text_input("Owner", value=item["owner"] or "", key=f"fu_o_{chosen}")
            new_status = c2.selectbox("Status", fu.STATUSES,
                                      index=fu.STATUSES.index(item["status"]),
                                      key=f"fu_s_{chosen}")
            due = c3.date_input("Due date", value=dt.date.fromisoformat(item["due_date"])
                                if item["due_date"] else None, key=f"fu_d_{chosen}")
            note = st.text_area("Note", value=item["note"] or "", key=f"fu_n_{chosen}")
            action = st.selectbox("Journey action", action_ids,
                                  index=action_ids.index(item["action_id"])
                                  if item["action_id"] in action_ids else 0,
                                  format_func=lambda a: "—" if a is None else labels[a],
                                  key=f"fu_a_{chosen}")
            if st.form_submit_button("Save follow-up", type="primary"):
                shell.write_then_rerun(lambda: fu.update_follow_up(
                    session, chosen, owner=new_owner, status=new_status, due_date=due,
                    note=note, action_id=action), "Follow-up saved.")
    else:
        st.text("\n".join(f"{k}: {v}" for k, v in (
            ("Owner", item["owner"]), ("Status", item["status"]), ("Due", item["due_date"]),
            ("Note", item["note"]), ("Action", item["action_what"])) if v))
