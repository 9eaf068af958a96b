"""Home: where the workspace's CX program stands and what to do next."""

import streamlit as st

from cxcore import checklist
from cxcore import workspace as wsmod
from cxui import report_buttons, shell

session = shell.page_session()

st.title(shell.esc(session.info.name))
st.caption(f"Your role: {session.role}")

program = checklist.overview(session)
if program["purpose_statement"]:
    st.markdown("**Why we exist**")
    st.markdown(f"> {shell.esc(program['purpose_statement'])}")

st.subheader("The program")
st.progress(program["total_progress"],
            text=checklist.progress_words(program))
step_cols = st.columns(6)
for col, step in zip(step_cols, program["steps"], strict=True):
    with col:
        st.markdown(f"**{step['number']}. {shell.esc(step['title'])}**")
        st.caption(f"{step['status'].capitalize()} · {shell.esc(step['evidence_summary'])}")

counts = wsmod.counts(session)
labels = {"customers": "Customers", "revenue_events": "Revenue events",
          "responses": "Survey responses", "pulse": "Employee pulse answers",
          "interviews": "Interviews", "journeys": "Journey maps", "actions": "Actions"}
st.subheader("What the workspace holds")
cols = st.columns(len(counts) or 1)
for col, (table, n) in zip(cols, counts.items(), strict=False):
    shell.metric(labels.get(table, table), f"{n:,}", container=col)

st.subheader("What to do next")
for step in wsmod.next_steps(session, counts):
    st.markdown(f"- {shell.esc(step)}")

st.subheader("Rolling it out")
for stage in checklist.rollout_stages(session):
    mark = ":material/check_circle:" if stage["has_data"] else ":material/radio_button_unchecked:"
    st.markdown(f"{mark} **{shell.esc(stage['title'])}** — {shell.esc(stage['data_summary'])}")

st.subheader("Share")
st.write("The purpose, the six steps, the scorecard of the last complete quarter, what changed "
         "since the last meeting, the value of promoters, each journey map with its open "
         "actions and recent customer quotes, in the workspace's branding: a page to email, a "
         "PDF to print or a deck to present.")
report_buttons.report_downloads(session, key="home")
