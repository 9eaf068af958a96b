"""Program checklist: the six steps of starting a CX program, then the roll-out stages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from cxcore import checklist as cl
from cxcore import journeys
from cxui import shell

session = shell.page_session()
FOLLOW = "follow the evidence"
STATUS_ICON = {"not started": ":material/radio_button_unchecked:",
               "in progress": ":material/pending:", "done": ":material/check_circle:",
               cl.WAITING: ":material/hourglass_empty:"}





def link(page: str, label: str, icon: str | None = None) -> None:
    """A link to another page, or a hint when that page is not in this user's menu."""
    try:
        st.page_link(page, label=label, icon=icon)
    except (StreamlitAPIException, KeyError):
        st.caption(f"Open **{shell.esc(label)}** from the menu (when it is available to you).")


view = cl.overview(session)
steps = view["steps"]

st.title("Program checklist")
st.caption("Six steps to start a customer-experience program, then the stages of rolling it "
           "out. Each step's status is suggested by what the workspace holds; you can "
           "override it with a note.")
st.progress(view["total_progress"], text=cl.progress_words(view))
st.dataframe(pd.DataFrame([{
    "Step": s["number"], "What": s["title"],
    "Status": s["status"].capitalize() + (" (set by hand)" if s["overridden"] else ""),
    "Progress": round(s["progress"] * 100), "Evidence": s["evidence_summary"],
    "Owner": s["owner"], "Due": shell.day(s["due_date"]),
} for s in steps]), hide_index=True, width="stretch", column_config={
    "Progress": st.column_config.ProgressColumn("Progress", min_value=0, max_value=100,
                                                format="%d%%")})


def step_details(step: dict[str, Any]) -> None:
    """Status, evidence, owner and notes of one step, and (editors) the forms to change them."""
    n = step["number"]
    st.write(step["about"])
    st.progress(step["progress"])
    st.text(f"Evidence: {step['evidence_summary']}")
    if step["overridden"]:
        st.text(f"Status set by hand to '{step['status']}' (the evidence suggests "
                f"'{step['suggested_status']}'). Why: {step['override_note']}")
    else:
        st.caption(f"Status follows the evidence: {step['suggested_status']}.")
    facts = [("Owner", step["owner"]), ("Due", shell.day(step["due_date"])),
             ("Notes", step["notes"])]
    if any(value for _, value in facts):
        st.text("\n".join(f"{label}: {value}" for label, value in facts if value))
    if not session.can_edit:
        return
    left, right = st.columns(2)
    with left.form(f"cl_step_{n}"):
        owner = st.text_input("Owner", value=step["owner"] or "", key=f"cl_owner_{n}")
        due = st.date_input("Due date", value=dt.date.fromisoformat(step["due_date"])
                            if step["due_date"] else None, key=f"cl_due_{n}")
        notes = st.text_area("Notes", value=step["notes"] or "", key=f"cl_notes_{n}")
        if st.form_submit_button("Save owner, due date and notes") and shell.attempt(
                lambda: cl.update_step(session, n, owner=owner, due_date=due, notes=notes)):
            shell.done(f"Step {n} saved.")
    with right.form(f"cl_override_{n}"):
        options = [FOLLOW, *cl.STATUSES]
        status = st.selectbox("Status", options,
                              index=options.index(step["status"]) if step["overridden"] else 0,
                              key=f"cl_status_{n}")
        note = st.text_area("Why (required when you set the status by hand)",
                            value=step["override_note"] or "", key=f"cl_override_note_{n}")
        if st.form_submit_button("Save status"):
            action = (lambda: cl.clear_override(session, n)) if status == FOLLOW else (
                lambda: cl.set_override(session, n, status, note))
            if shell.attempt(action):
                shell.done(f"Step {n} status saved.")


def reflection(step_number: int) -> None:
    """The guided prompts of step 1 or 2, with the answers kept."""
    items = view["reflections"][step_number]
    if not session.can_edit:
        for item in items:
            st.markdown(f"**{shell.esc(item['prompt'])}**")
            st.text(item["answer"] or "(not answered yet)")
        return
    with st.form(f"cl_reflect_{step_number}"):
        answers = {item["key"]: st.text_area(item["prompt"], value=item["answer"] or "",
                                             key=f"cl_reflect_{step_number}_{item['key']}")
                   for item in items}
        if st.form_submit_button("Save answers", type="primary") and shell.attempt(
                lambda: cl.save_reflections(session, step_number, answers)):
            shell.done(f"Step {step_number} answers saved.")


def customer_shoes() -> None:
    """Step 3: experiences of being your own customer."""
    entries = cl.list_shoes_entries(session)
    if entries:
        st.dataframe(pd.DataFrame([{"Date": shell.day(e["date"]), "What kind": e["kind"],
                                    "What was done": e["what_was_done"],
                                    "What it felt like": e["how_it_felt"],
                                    "By": e["created_by"]} for e in entries]),
                     hide_index=True, width="stretch")
    else:
        st.info("No experiences recorded yet: buy from yourselves, call your own support line "
                "or mystery-shop a branch, then write down how it felt.")
    if not session.can_edit:
        return
    with st.form("cl_shoes", clear_on_submit=False):
        left, right = st.columns(2)
        when = left.date_input("Date", value=dt.date.today(), max_value=dt.date.today(),
                               key="cl_shoes_date")
        kind = right.selectbox("What kind", cl.SHOES_KINDS, key="cl_shoes_kind")
        what = st.text_area("What was done", key="cl_shoes_what")
        felt = st.text_area("What it felt like", key="cl_shoes_felt")
        if st.form_submit_button("Add experience") and shell.attempt(
                lambda: cl.add_shoes_entry(session, when, kind, what, felt)):
            for key in ("cl_shoes_what", "cl_shoes_felt"):
                st.session_state.pop(key, None)
            shell.done("Experience added.")
    if entries:
        by_id = {e["id"]: e for e in entries}
        left, right = st.columns([3, 1])
        chosen = left.selectbox("Remove an experience", list(by_id), key="cl_shoes_remove",
                                format_func=lambda i: f"{by_id[i]['date']} · {by_id[i]['kind']}"
                                                      f" · {by_id[i]['what_was_done'][:60]}")
        sure = right.checkbox("Yes, remove it", key="cl_shoes_sure")
        if right.button("Remove", key="cl_shoes_remove_btn", disabled=not sure) and shell.attempt(
                lambda: cl.delete_shoes_entry(session, chosen)):
            st.session_state.pop("cl_shoes_sure", None)
            shell.done("Experience removed.")


def journey_step() -> None:
    """Step 6: how far the journey maps have got."""
    coverage = journeys.journey_coverage(session)
    if coverage:
        st.dataframe(pd.DataFrame([{"Journey": c["name"], "Parts": c["parts_total"],
                                    "Rated": c["parts_rated"]} for c in coverage]),
                     hide_index=True)
    link("pages/journeys.py", "Journey health", ":material/route:")


# Open the first step that is not done, and any step under way; the rest stay folded so the
# page reads as a short list.
first_open = next((s["number"] for s in steps if s["status"] != "done"), None)
for step in steps:
    label = f"Step {step['number']}. {step['title']} — {step['status']}"
    with st.expander(label, expanded=step["number"] == first_open
                     or step["status"] == "in progress",
                     icon=STATUS_ICON.get(step["status"])):
        step_details(step)
        if step["number"] in (1, 2):
            st.divider()
            reflection(step["number"])
        elif step["number"] == 3:
            st.divider()
            customer_shoes()
        elif step["number"] in (4, 5):
            link("pages/interviews.py", "Interview log", ":material/forum:")
        else:
            journey_step()

if session.can_edit:
    with st.expander("Targets for steps 3 to 5"):
        goal = view["targets"]
        with st.form("cl_targets"):
            values = {key: st.number_input(cl.TARGET_LABELS[key].capitalize(), min_value=1,
                                           max_value=cl.MAX_TARGET, value=goal[key], step=1,
                                           key=f"cl_target_{key}")
                      for key in cl.DEFAULT_TARGETS}
            if st.form_submit_button("Save targets") and shell.attempt(
                    lambda: cl.set_targets(session, **values)):
                shell.done("Targets saved.")

st.header("After the six steps: rolling out")
st.caption("Systematically measure, find what drives the experience, tie it to business "
           "results and share what you learn. Each stage says whether the workspace has the "
           "data for it yet.")
for stage in cl.rollout_stages(session):
    with st.container(border=True):
        mark = ":green[data available]" if stage["has_data"] else ":gray[no data yet]"
        st.markdown(f"**{shell.esc(stage['title'])}** · {mark}")
        st.write(stage["does"])
        st.caption(shell.esc(f"Needs {stage['needs']}. Now: {stage['data_summary']}"))
        link(stage["page"], stage["page_title"])
