"""Actions: one list of improvement actions across all journeys, with filters and overdue items
highlighted. Closing an action asks for a fresh rating of the part it was meant to fix."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cxcore import journey_charts as jc
from cxcore import journeys as jr
from cxcore.errors import CXError
from cxui import shell

session = shell.page_session()

HEALTH_OPTIONS = ["green", "yellow", "red", "not rated"]
MARK = jc.HEALTH_MARKS
HEALTH_TEXT = {"green": f"{MARK['green']} Green: working well",
               "yellow": f"{MARK['yellow']} Yellow: people unhappy",
               "red": f"{MARK['red']} Red: people very unhappy",
               "not rated": f"{MARK['not rated']} Not rated"}
#: Short labels for the table's "Part health" column (the full meaning is in the legend).
HEALTH_SHORT = {h: f"{MARK[h]} {h.capitalize() if h != 'not rated' else 'Not rated'}"
                for h in HEALTH_OPTIONS}
OVERDUE_STYLE = "background-color: #fde0dc; color: #7f0000; font-weight: 600"


st.title("Actions")
st.caption("What the team is doing about red and yellow parts of the journey maps. Add an "
           "action from a part on the Journey health page.")

today = dt.date.today()

# ---- re-rating prompt after closing an action ---------------------------------------------
rerate = st.session_state.get("rerate_action")
if rerate is not None:
    try:
        closed = jr.get_action(session, rerate)
    except CXError:
        closed = None
        st.session_state.pop("rerate_action", None)
    if closed is not None and closed["part_id"] is not None and session.can_edit:
        with st.container(border=True):
            st.markdown("**Action closed. How does this part work now?**")
            st.text(f"{closed['actor_name']} at step '{closed['step_name']}' "
                    f"({closed['journey_name']}); currently "
                    f"{closed['health'] or 'not rated'}.")
            with st.form("rerate_form"):
                health = st.radio("New rating", HEALTH_OPTIONS, horizontal=True,
                                  key="rerate_health", format_func=HEALTH_TEXT.get,
                                  index=HEALTH_OPTIONS.index(closed["health"] or "not rated"))
                note = st.text_area("Why (note)", key="rerate_note",
                                    placeholder="What changed after the action?")
                c1, c2 = st.columns(2)
                save = c1.form_submit_button("Save new rating", type="primary")
                skip = c2.form_submit_button("Not now")
            if save:
                st.session_state.pop("rerate_action", None)
                shell.write_then_rerun(lambda: jr.set_health(
                    session, closed["step_id"], closed["actor_id"],
                    None if health == "not rated" else health, note=note or None),
                    "Rating saved")
            if skip:
                st.session_state.pop("rerate_action", None)
                st.rerun()
    elif closed is not None:
        st.session_state.pop("rerate_action", None)

# ---- filters ----------------------------------------------------------------------------------
journeys = jr.list_journeys(session, include_archived=True)
journey_names = {j["id"]: j["name"] for j in journeys}
owners = jr.action_owners(session)
f1, f2, f3, f4 = st.columns([2, 2, 2, 1.4])
statuses = f1.multiselect("Status", list(jr.ACTION_STATUSES), key="filter_status",
                          default=["open", "in progress"])
journey_filter = f2.selectbox("Journey", [None, *journey_names], key="filter_journey",
                              format_func=lambda i: "All journeys" if i is None
                              else journey_names[i])
owner_filter = f3.selectbox("Owner", [None, *owners], key="filter_owner",
                            format_func=lambda o: "Anyone" if o is None else o)
overdue_only = f4.checkbox("Overdue only", key="filter_overdue")

rows = jr.list_actions(session, status=statuses or None, journey_id=journey_filter,
                       owner=owner_filter, overdue_only=overdue_only, today=today)
n_overdue = sum(r["overdue"] for r in rows)
st.write(f"{shell.plural(len(rows), 'action')} shown, {n_overdue} overdue.")

if rows:
    df = pd.DataFrame(rows)
    df["Overdue"] = df["overdue"].map({1: "⚠ OVERDUE", 0: ""})
    df["Part health"] = df["health"].map(lambda h: HEALTH_SHORT[h or "not rated"])
    df["Due"] = df["due_date"].map(shell.day)
    df = df.fillna({"owner": "", "journey_name": "", "step_name": "", "actor_name": ""})
    # Most important first: on a narrow screen the table scrolls sideways, never cuts text.
    table = df[["Overdue", "what", "owner", "Due", "status", "Part health", "step_name",
                "actor_name", "journey_name"]].rename(columns={
                    "what": "What", "owner": "Owner", "status": "Status",
                    "journey_name": "Journey", "step_name": "Step", "actor_name": "Actor"})
    overdue_mask = df["overdue"].astype(bool).tolist()
    styled = table.style.apply(
        lambda row: [OVERDUE_STYLE if overdue_mask[row.name] else ""] * len(row), axis=1)
    column = st.column_config.TextColumn
    # No fixed widths: each column is as wide as its longest text, so nothing is cut off (the
    # table scrolls sideways on a narrow screen instead).
    st.dataframe(styled, hide_index=True, width="stretch", column_config={
        "Part health": column(help="Health of the part the action is for: green working "
                                   "well, yellow people unhappy, red people very unhappy.")})
    st.caption(f"Part health: :green[{MARK['green']}] working well · "
               f":orange[{MARK['yellow']}] people unhappy · :red[{MARK['red']}] people very "
               "unhappy.")
else:
    st.info("No actions match these filters.")

# ---- edit one action --------------------------------------------------------------------------
if session.can_edit and rows:
    st.subheader("Update an action")
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox("Action", list(by_id), key="edit_action",
                          format_func=lambda i: f"{by_id[i]['what'][:80]} — "
                                                f"{by_id[i]['owner'] or 'no owner'}")
    action = by_id[chosen]
    with st.form(f"action_form_{chosen}"):
        what = st.text_input("What", value=action["what"], key=f"a_what_{chosen}")
        c1, c2, c3 = st.columns(3)
        owner = c1.text_input("Owner", value=action["owner"] or "", key=f"a_owner_{chosen}")
        due = c2.date_input("Due date", key=f"a_due_{chosen}", value=(
            dt.date.fromisoformat(action["due_date"]) if action["due_date"] else None))
        status = c3.selectbox("Status", list(jr.ACTION_STATUSES), key=f"a_status_{chosen}",
                              index=list(jr.ACTION_STATUSES).index(action["status"]))
        saved = st.form_submit_button("Save changes")
    if saved:
        def save_action() -> None:
            jr.update_action(session, chosen, what=what, owner=owner, due_date=due,
                             status=status)
            if status == "done" and action["status"] != "done":
                st.session_state["rerate_action"] = chosen

        shell.write_then_rerun(save_action, "Action saved")
    if action["status"] != "done" and st.button("Close action (done)", key="close_action",
                                                icon=":material/task_alt:"):
        def close_action() -> None:
            jr.close_action(session, chosen)
            st.session_state["rerate_action"] = chosen

        shell.write_then_rerun(close_action, "Action closed")
