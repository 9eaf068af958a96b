"""One customer's whole story: answers and comments, revenue, interviews, follow-ups, segment
and channel changes, referrals; for owners, the export and erasure of their personal data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxcore import comment_charts as charts
from cxcore import customer_view as cv
from cxcore import privacy
from cxcore.errors import NotFound
from cxui import links, shell

session = shell.page_session()

st.title("Customer")
asked = st.query_params.get("id")
query = st.text_input("Find a customer by id or name", value=asked or "", key="cust_query")
matches = cv.find_customers(session, query, limit=50)
if not matches:
    st.info("No customer matches. Import customers on the Import data page." if not query
            else "No customer matches that id or name.")
    st.stop()
ids = [m["id"] for m in matches]
names = {m["id"]: m["name"] for m in matches}
index = ids.index(asked) if asked in ids else 0
customer_id = st.selectbox("Customer", ids, index=index, key=f"cust_pick_{query}",
                           format_func=lambda i: f"{i} · {names[i]}" if names[i] else i)
if st.query_params.get("id") != customer_id:
    st.query_params["id"] = customer_id
try:
    view = cv.customer_timeline(session, customer_id)
except NotFound as exc:
    shell.show_error(exc)
    st.stop()

c = view["customer"]
value = view["value"]
st.subheader(f"{c['id']}" + (f" · {c['name']}" if c.get("name") else ""))
m1, m2, m3, m4 = st.columns(4)
shell.metric("Segment", c.get("segment") or "—", container=m1)
shell.metric("Channel", c.get("channel") or "—", container=m2)
shell.metric("Revenue so far", "—" if value["revenue_total"] is None
             else f"{value['revenue_total']:,.2f}",
             help=f"{value['revenue_events']} revenue events", container=m3)
shell.metric("Monthly revenue", "—" if value["monthly_revenue"] is None
             else f"{value['monthly_revenue']:,.2f}", container=m4)
since = f"Customer since {shell.day(value['customer_since'])}" if value["customer_since"] else ""
ended = f"; left {shell.day(value['ended'])}" if value["ended"] else ""
referral = (f"; referred by {view['referred_by']['id']}" if view["referred_by"] else "")
st.caption(shell.esc(since + ended + referral + f"; brought {len(view['referred'])} "
                     "customer(s)."))
if view["referred_by"]:
    links.page_link("pages/customer.py", label=f"Open {view['referred_by']['id']} (referred them)",
                 query_params={"id": view["referred_by"]["id"]}, icon=":material/person:")

if view["nps_over_time"]:
    groups = [p["group"] for p in view["nps_over_time"]]
    st.altair_chart(charts.customer_nps_chart(view["nps_over_time"]), width="stretch")
    st.caption("NPS group over time: " + " → ".join(groups) + ".")

tabs = st.tabs(["Timeline", "Answers", "Interviews", "Follow-ups", "Referrals"])
with tabs[0]:
    st.dataframe(pd.DataFrame([{"Date": e["date"], "What": e["kind"], "Detail": e["summary"]}
                               for e in view["timeline"]]), hide_index=True, width="stretch",
                 column_config={"Detail": st.column_config.TextColumn(width="large")})
    for change in view["changes"]:
        if change["date"] is None:
            st.caption(shell.esc(f"Their {change['field']} is now {change['to']} (last answer: "
                                 f"{change['from']})."))
with tabs[1]:
    if view["responses"]:
        st.dataframe(pd.DataFrame([{
            "Date": r["date"], "NPS": r["nps"], "Group": r["group"], "CSAT": r["csat"],
            "Effort": r["ces"], "Comment": r["comment"], "Themes": ", ".join(r["tags"]),
            "Segment": r["segment"], "Channel": r["channel"], "Step": r["journey_step"]}
            for r in view["responses"]]), hide_index=True, width="stretch")
    else:
        st.info("No survey answers.")
    if view["revenue"]:
        st.dataframe(pd.DataFrame([{"Date": e["date"], "Kind": e["kind"], "Amount": e["amount"]}
                                   for e in view["revenue"]]), hide_index=True)
with tabs[2]:
    for i in view["interviews"]:
        with st.container(border=True):
            st.text(f"{i['kind'].capitalize()} interview on {i['date']}"
                    + (f" ({i['sentiment']})" if i["sentiment"] else ""))
            for label, field in (("Key quotes", "key_quotes"), ("Notes", "notes"),
                                 ("Pain points", "pain_points")):
                if i[field]:
                    st.caption(label)
                    st.text(i[field])
    if not view["interviews"]:
        st.info("No interview is linked to this customer (set the customer id when logging "
                "an interview).")
with tabs[3]:
    if view["follow_ups"]:
        st.dataframe(pd.DataFrame([{
            "Answer": f["date"], "NPS": f["nps"], "Status": f["status"], "Owner": f["owner"],
            "Due": f["due_date"], "Note": f["note"]} for f in view["follow_ups"]]),
            hide_index=True, width="stretch")
        links.page_link("pages/follow_ups.py", label="Open the follow-up inbox",
                     icon=":material/inbox:")
    else:
        st.info("Nothing to follow up.")
with tabs[4]:
    if view["referred"]:
        st.dataframe(pd.DataFrame([{"Customer": links.customer_url(r["id"]),
                                    "Since": r["start_date"]} for r in view["referred"]]),
                     hide_index=True, column_config={"Customer": links.customer_column()})
    else:
        st.info("No referrals made.")

if session.is_owner:
    with st.expander("Personal data (owners)"):
        st.caption("Right of access: everything the workspace holds about this customer.")
        if st.button("Prepare export", key="cust_export"):
            data = privacy.export_customer(session, customer_id)
            st.session_state["cust_export_data"] = (customer_id, data)
        ready = st.session_state.get("cust_export_data")
        if ready and ready[0] == customer_id:
            d1, d2 = st.columns(2)
            d1.download_button("Download JSON", privacy.export_json(ready[1]),
                               file_name=f"customer-{customer_id}.json",
                               mime="application/json", key="cust_dl_json")
            d2.download_button("Download CSV", privacy.export_csv(ready[1]),
                               file_name=f"customer-{customer_id}.csv", mime="text/csv",
                               key="cust_dl_csv")
        st.divider()
        st.warning("Erasing removes this customer's name, comments, interview text and "
                   "follow-up notes everywhere in the workspace, search included, and deletes "
                   "the workspace's automatic snapshots. Scores, dates and amounts stay, "
                   "anonymous. It cannot be undone.")
        confirm = st.text_input("Type the customer id to confirm",
                                key=f"cust_confirm_{customer_id}")
        if st.button("Erase this customer", type="primary", key="cust_erase",
                     disabled=confirm.strip() != customer_id):
            result = shell.run_action(lambda: privacy.erase_customer(session, customer_id,
                                                                     confirm))
            if result is not None:
                st.query_params.clear()
                st.session_state.pop("cust_export_data", None)
                shell.done(f"Customer erased; their anonymous numbers are kept as "
                           f"{result['anonymous_id']}.")
