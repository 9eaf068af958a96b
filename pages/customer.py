"""One customer's whole story: answers and comments, revenue, interviews, follow-ups, segment
and channel changes, referrals; for owners, the export and erasure of their personal data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxcore import comment_charts as charts
from cxcore import customer_view as cv
from cxcore import locale_settings as loc
from cxcore import privacy
from cxcore.errors import NotFound
from cxui import links, shell, voc

session = shell.page_session()

st.title("Customer")
asked = st.query_params.get("id")
if asked and asked != st.session_state.get("_cust_seen_id"):
    # A link to another customer (a table, "referred them") wins over what was typed before.
    st.session_state["_cust_seen_id"] = asked
    st.session_state["cust_query"] = asked
query = st.text_input("Find a customer by id or name", key="cust_query")
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
st.session_state["_cust_seen_id"] = customer_id
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
shell.metric("Revenue so far", loc.format_money(value["revenue_total"], session, 2),
             help=shell.plural(value["revenue_events"], "revenue event"), container=m3)
shell.metric("Monthly revenue", loc.format_money(value["monthly_revenue"], session, 2),
             container=m4)
story = []
if value["customer_since"]:
    story.append(f"Customer since {shell.day(value['customer_since'])}")
if value["ended"]:
    story.append(f"left on {shell.day(value['ended'])}")
if view["referred_by"]:
    story.append(f"referred by {view['referred_by']['id']}")
brought = len(view["referred"])
story.append("has referred nobody yet" if not brought
             else f"referred {shell.plural(brought, 'customer')}")
sentence = "; ".join(story)
st.caption(shell.esc(sentence[:1].upper() + sentence[1:] + "."))
if view["referred_by"]:
    links.page_link("pages/customer.py", label=f"Open {view['referred_by']['id']} (referred them)",
                    query_params=links.customer_query(view["referred_by"]["id"]),
                    icon=":material/person:")

if view["nps_over_time"]:
    groups = [p["group"] for p in view["nps_over_time"]]
    st.altair_chart(charts.customer_nps_chart(view["nps_over_time"]), width="stretch")
    st.caption("NPS group over time: " + " → ".join(groups) + ".")

tabs = st.tabs(["Timeline", "Answers", "Interviews", "Follow-ups", "Referrals"])
with tabs[0]:
    table = pd.DataFrame([{"Date": e["date"], "What": e["kind"], "Detail": e["summary"]}
                          for e in view["timeline"]])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={**voc.day_columns(table, "Date"),
                                "Detail": st.column_config.TextColumn(width="large")})
    for change in view["changes"]:
        if change["date"] is None:
            st.caption(shell.esc(f"Their {change['field']} is now {change['to']} (last answer: "
                                 f"{change['from']})."))
with tabs[1]:
    if view["responses"]:
        table = pd.DataFrame([{
            "Date": r["date"], "NPS": r["nps"], "Group": r["group"], "CSAT": r["csat"],
            "Effort": r["ces"], "Comment": r["comment"], "Themes": ", ".join(r["tags"]),
            "Segment": r["segment"], "Channel": r["channel"], "Step": r["journey_step"]}
            for r in view["responses"]])
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config=voc.day_columns(table, "Date"))
    else:
        st.info("No survey answers.")
    if view["revenue"]:
        table = pd.DataFrame([{"Date": e["date"], "Kind": e["kind"],
                               "Amount": loc.format_money(e["amount"], session, 2)}
                              for e in view["revenue"]])
        st.dataframe(table, hide_index=True, column_config=voc.day_columns(table, "Date"))
with tabs[2]:
    for i in view["interviews"]:
        with st.container(border=True):
            st.text(f"{i['kind'].capitalize()} interview on {shell.day(i['date'])}"
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
        table = pd.DataFrame([{
            "Answer": f["date"], "NPS": f["nps"], "Status": f["status"], "Owner": f["owner"],
            "Due": f["due_date"], "Note": f["note"]} for f in view["follow_ups"]])
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config=voc.day_columns(table, "Answer", "Due"))
        links.page_link("pages/follow_ups.py", label="Open the follow-up inbox",
                        icon=":material/inbox:")
    else:
        st.info("Nothing to follow up.")
with tabs[4]:
    if view["referred"]:
        table = pd.DataFrame([{"Customer": links.customer_url(r["id"]),
                               "Since": r["start_date"]} for r in view["referred"]])
        st.dataframe(table, hide_index=True,
                     column_config={"Customer": links.customer_column(),
                                    **voc.day_columns(table, "Since")})
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
