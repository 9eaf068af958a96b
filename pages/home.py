"""Home: where the workspace's CX program stands and what to do next."""

import streamlit as st

from cxcore import workspace as wsmod
from cxui import shell

session = shell.page_session()

st.title(shell.esc(session.info.name))
st.caption(f"Your role: {session.role}")

counts = wsmod.counts(session)
labels = {"customers": "Customers", "revenue_events": "Revenue events",
          "responses": "Survey responses", "pulse": "Employee pulse answers",
          "interviews": "Interviews", "journeys": "Journey maps", "actions": "Actions"}
cols = st.columns(len(counts) or 1)
for col, (table, n) in zip(cols, counts.items(), strict=False):
    col.metric(labels.get(table, table), f"{n:,}")

st.subheader("What to do next")
for step in wsmod.next_steps(session, counts):
    st.markdown(f"- {shell.esc(step)}")
