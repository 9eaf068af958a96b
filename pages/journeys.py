"""Journey health: the ecosystem map of a customer journey, its ratings, history and actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from cxcore import interviews as iv
from cxcore import journey_charts as jc
from cxcore import journeys as jr
from cxcore import workspace as wsmod
from cxcore.accounts import role_at_least
from cxcore.drivers import key as kd
from cxui import cache, report_buttons, shell

session = shell.page_session()

NOT_INVOLVED = "—"
NOT_RATED = "○ not rated"
CELL = {h: f"{jc.HEALTH_MARKS[h]} {h}" for h in ("green", "yellow", "red")}
CELL_OPTIONS = [NOT_INVOLVED, NOT_RATED, *CELL.values()]
HEALTH_OPTIONS = ["green", "yellow", "red", "not rated"]
HEALTH_TEXT = {"green": f"{jc.HEALTH_MARKS['green']} Green: working well",
               "yellow": f"{jc.HEALTH_MARKS['yellow']} Yellow: people unhappy",
               "red": f"{jc.HEALTH_MARKS['red']} Red: people very unhappy",
               "not rated": f"{jc.HEALTH_MARKS['not rated']} Not rated"}
SIDE = {"frontstage": "above the line (seen)", "backstage": "below the line (backstage)"}
SIDE_BACK = {v: k for k, v in SIDE.items()}
OWN_QUOTE = "Type a quote instead"
NO_KIND = "—"  # an actor without a kind (an empty cell would read "None")


def interview_label(item: dict) -> str:
    """An interview as "date · interviewee · first quote" (for pickers and evidence)."""
    first = next((q.strip() for q in (item.get("key_quotes") or "").splitlines() if q.strip()),
                 "")
    if len(first) > 70:
        first = first[:69] + "…"
    return " · ".join(x for x in (shell.day(item.get("date")), item.get("interviewee") or "—",
                                  f"“{first}”" if first else "") if x)


def rev() -> int:
    """Edit counter: part of the editable tables' keys so they redraw from storage after a save."""
    return st.session_state.setdefault("journeys_rev", 0)


def reload_from_storage() -> None:
    """After a write, successful or not: the editable tables and the part form redraw from
    storage on the next run (new table keys, part form loaded again)."""
    st.session_state["journeys_rev"] = rev() + 1
    st.session_state.pop("part_loaded", None)


@st.cache_data(show_spinner=False, max_entries=32)
def map_image(key: tuple, journey_id: int, fmt: str) -> bytes | str:
    """The map rendered for download (cached until the workspace file changes: ``key`` is
    :func:`shell.cache_key`)."""
    s = wsmod.WorkspaceSession(db=wsmod.open_db(key[0]), info=session.info,
                               username=session.username, role=session.role)
    try:
        chart = jc.journey_map(s, journey_id)
    finally:
        s.close()
    return jc.to_png(chart) if fmt == "png" else jc.to_svg(chart)


st.title("Journey health")
st.caption("Map one important customer journey: the steps the customer takes, who and what "
           "they deal with at each step above and below the line of visibility, and how well "
           "each part works (green, yellow, red).")

journeys = jr.list_journeys(session)

# ---- start a journey --------------------------------------------------------------------------
if session.can_edit:
    with st.expander("Start a new journey", icon=":material/add:", expanded=not journeys):
        t_tpl, t_blank, t_copy = st.tabs(["From a template", "Blank", "Copy a journey"])
        with t_tpl, st.form("new_from_template"):
            tpl = st.selectbox("Template", list(jr.TEMPLATES), key="new_template",
                               format_func=lambda k: jr.TEMPLATES[k]["name"])
            tpl_name = st.text_input("Name (optional)", key="new_template_name",
                                     placeholder="the template's name")
            if st.form_submit_button("Create from template", type="primary"):
                def _create_from_template() -> int:
                    new = jr.create_from_template(session, tpl, tpl_name or None)
                    st.session_state["journey_id"] = new
                    return new

                shell.write_then_rerun(_create_from_template, "Journey created",
                                       before_rerun=reload_from_storage)
        with t_blank, st.form("new_blank"):
            b_name = st.text_input("Journey name", key="new_name")
            b_persona = st.text_input("Target customer (persona)", key="new_persona")
            b_desc = st.text_area("Who they are", key="new_persona_description")
            b_goals = st.text_area("What they want to achieve", key="new_persona_goals")
            b_problem = st.text_area("Why this journey is a problem today", key="new_problem")

            def _create_blank() -> int:
                new = jr.create_journey(session, b_name, persona_name=b_persona,
                                        persona_description=b_desc, persona_goals=b_goals,
                                        problem=b_problem)
                st.session_state["journey_id"] = new
                return new

            if st.form_submit_button("Create journey", type="primary"):
                shell.write_then_rerun(_create_blank, "Journey created",
                                       before_rerun=reload_from_storage)
        with t_copy:
            if not journeys:
                st.caption("No journey to copy yet.")
            else:
                targets = [w for w in shell.accounts().list_workspaces(session.username)
                           if role_at_least(w.role, "editor")]
                with st.form("copy_journey"):
                    src = st.selectbox("Journey to copy", [j["id"] for j in journeys],
                                       key="copy_source", format_func=lambda i: next(
                                           j["name"] for j in journeys if j["id"] == i))
                    target_id = st.selectbox(
                        "Into workspace", [w.id for w in targets], key="copy_target",
                        index=next((i for i, w in enumerate(targets)
                                    if w.id == session.info.id), 0),
                        format_func=lambda i: next(w.name for w in targets if w.id == i))
                    copy_name = st.text_input("New name (optional)", key="copy_name")
                    with_health = st.checkbox("Copy health ratings, notes and owners too",
                                              key="copy_health")
                    if st.form_submit_button("Copy journey"):
                        def _copy() -> int:
                            if target_id == session.info.id:
                                return jr.copy_journey(session, src, session,
                                                       name=copy_name or None,
                                                       include_health=with_health)
                            target = wsmod.open_session(shell.accounts(), target_id,
                                                        session.username)
                            try:
                                return jr.copy_journey(session, src, target,
                                                       name=copy_name or None,
                                                       include_health=with_health)
                            finally:
                                target.close()

                        shell.write_then_rerun(_copy, "Journey copied",
                                               before_rerun=reload_from_storage)

archived = [j for j in jr.list_journeys(session, include_archived=True) if j["archived"]]
if archived:
    with st.expander(f"Archived journeys ({len(archived)})", icon=":material/inventory_2:"):
        st.caption("Archived journeys are hidden from the lists and the checklist; nothing in "
                   "them was deleted.")
        archived_by_id = {j["id"]: j for j in archived}
        restore_id = st.selectbox("Archived journey", list(archived_by_id), key="restore_id",
                                  format_func=lambda i: archived_by_id[i]["name"])
        if session.can_edit and st.button("Restore this journey", key="restore_journey",
                                          icon=":material/unarchive:"):
            def _restore() -> None:
                jr.set_archived(session, restore_id, False)
                st.session_state["journey_id"] = restore_id

            shell.write_then_rerun(_restore, "Journey restored", before_rerun=reload_from_storage)

if not journeys:
    st.info("No journey mapped yet." + (
        " Start one above: a template gives you typical steps and actors to adjust."
        if session.can_edit else " An editor of this workspace can start one."))
    st.stop()

ids = [j["id"] for j in journeys]
if st.session_state.get("journey_id") not in ids:
    st.session_state["journey_id"] = ids[0]
by_id = {j["id"]: j for j in journeys}
journey_id = shell.url_select(
    "Journey", ids, key="journey_id", param="journey",
    format_func=lambda i: f"{by_id[i]['name']}  ({by_id[i]['parts_rated']} of "
                          f"{shell.plural(by_id[i]['parts_total'], 'part')} rated)")
journey = jr.get_journey(session, journey_id)
steps = jr.list_steps(session, journey_id)
actors = jr.list_actors(session, journey_id)
parts = jr.list_parts(session, journey_id)
step_col = {s["id"]: f"{s['position']}. {s['name']}" for s in steps}
part_at = {(p["step_id"], p["actor_id"]): p for p in parts}

# Stateful tabs: after a save reruns the page, the user stays on the tab they were using.
tab_map, tab_rate, tab_edit, tab_hist, tab_about = st.tabs(
    ["Map", "Rate parts", "Steps and actors", "History", "Persona and problem"],
    key="journey_tab", on_change="rerun")

# ---- map ----------------------------------------------------------------------------------------
with tab_map:
    summary = jr.journey_summary(session, journey_id)
    m = st.columns([1, 1, 1, 1, 3])
    for col, (label, field) in zip(m, (("Green", "green"), ("Yellow", "yellow"),
                                        ("Red", "red"), ("Not rated", "unrated")), strict=False):
        shell.metric(label, summary[field], container=col)
    with m[4]:
        st.markdown("**Reddest step**")
        if summary["reddest_step"]:
            r = summary["reddest_step"]
            st.text(f"{r['name']}\n({r['red']} red, {r['yellow']} yellow)")
        else:
            st.caption("Nothing red or yellow.")
    # Streamlit fits a chart's whole drawing (labels included) into its width: give the map
    # the full page width (the step labels wrap to the columns as drawn), and its own height
    # plus room for the title, step labels and legend.
    st.altair_chart(jc.map_chart(steps, actors, parts, title=journey["name"], where=session),
                    theme=None, width="stretch",
                    height=jc.map_size(len(steps), len(actors))[1] + 180)
    key = shell.cache_key(session)
    d1, d2, d3 = st.columns([1, 1, 4])
    d1.download_button("Download PNG", lambda: map_image(key, journey_id, "png"),
                       file_name=f"journey-{journey_id}-map.png", mime="image/png",
                       on_click="ignore", icon=":material/image:", key="dl_png")
    d2.download_button("Download SVG", lambda: map_image(key, journey_id, "svg"),
                       file_name=f"journey-{journey_id}-map.svg", mime="image/svg+xml",
                       on_click="ignore", icon=":material/draw:", key="dl_svg")
    d3.caption(f"{shell.plural(summary['parts_total'], 'part')} (actors at the steps they "
               f"take part in), {summary['parts_total'] - summary['unrated']} rated.")
    if summary["unrated_parts"]:
        with st.expander(f"Not rated yet ({len(summary['unrated_parts'])})"):
            st.dataframe(pd.DataFrame(summary["unrated_parts"])[["step_name", "actor_name"]]
                         .rename(columns={"step_name": "Step", "actor_name": "Actor"}),
                         hide_index=True, width="stretch")
    step_drivers = cache.read(kd.journey_drivers, session, journey_id)
    if step_drivers:
        st.markdown("**What drives customers' verdict at each step** (survey questions linked "
                    "to a step; share of the explained variance, 95 % interval, from the "
                    "Drivers page's analysis over all data)")
        st.dataframe(pd.DataFrame(kd.step_driver_rows(step_drivers.values())),
                     hide_index=True, width="stretch")

# ---- rate parts ---------------------------------------------------------------------------------
with tab_rate:
    if not steps or not actors:
        st.info("Add steps and actors first (tab 'Steps and actors').")
    else:
        matrix = pd.DataFrame(
            [{"Actor": a["name"], "Side": SIDE[a["stage"]],
              **{step_col[s["id"]]: (NOT_INVOLVED if (s["id"], a["id"]) not in part_at else
                                     CELL.get(part_at[(s["id"], a["id"])]["health"],
                                              NOT_RATED)) for s in steps}}
             for a in actors])
        if session.can_edit:
            st.caption("Pick a cell's value to rate a part; the change is saved at once. "
                       "'—' means the actor takes no part in that step (choosing it removes "
                       "the part); 'not rated' adds the actor to the step without a rating.")
            edited = st.data_editor(
                matrix, key=f"rate_matrix_{journey_id}_{rev()}", hide_index=True,
                disabled=["Actor", "Side"], num_rows="fixed", width="stretch",
                column_config={c: st.column_config.SelectboxColumn(
                    c, options=CELL_OPTIONS, required=True) for c in step_col.values()})
            changes = []
            for row_ix, a in enumerate(actors):
                for s in steps:
                    old, new = matrix.at[row_ix, step_col[s["id"]]], \
                        edited.at[row_ix, step_col[s["id"]]]
                    if old != new:
                        changes.append((s, a, new))
            if changes:
                def _save_cells() -> None:
                    for s, a, new in changes:
                        if new == NOT_INVOLVED:
                            jr.set_involvement(session, s["id"], a["id"], False)
                        elif new == NOT_RATED:
                            if (s["id"], a["id"]) in part_at:
                                jr.set_health(session, s["id"], a["id"], None)
                            else:
                                jr.set_involvement(session, s["id"], a["id"], True)
                        else:
                            health = next(h for h, label in CELL.items() if label == new)
                            jr.set_health(session, s["id"], a["id"], health)

                shell.write_then_rerun(_save_cells, "Saved", before_rerun=reload_from_storage)
        else:
            st.dataframe(matrix, hide_index=True, width="stretch")

        st.subheader("One part in detail")
        c1, c2 = st.columns(2)
        sel_step = c1.selectbox("Step", [s["id"] for s in steps], key="part_step",
                                format_func=lambda i: step_col[i])
        sel_actor = c2.selectbox("Actor", [a["id"] for a in actors], key="part_actor",
                                 format_func=lambda i: next(
                                     f"{a['name']} ({SIDE[a['stage']]})" for a in actors
                                     if a["id"] == i))
        part = part_at.get((sel_step, sel_actor))
        if st.session_state.get("part_loaded") != (sel_step, sel_actor, rev()):
            st.session_state["part_health"] = (part or {}).get("health") or "not rated"
            st.session_state["part_viewpoint"] = (part or {}).get("viewpoint") or ""
            st.session_state["part_note"] = (part or {}).get("note") or ""
            st.session_state["part_owner"] = (part or {}).get("owner") or ""
            st.session_state["part_loaded"] = (sel_step, sel_actor, rev())
        if part is None:
            st.caption("This actor does not take part in this step yet; rating it adds it.")
        else:
            st.caption(f"Last change: {jc.format_when(part['updated_at'], session) or '—'} by "
                       f"{part['updated_by'] or '—'}")
        if session.can_edit:
            with st.form("part_form"):
                health = st.radio("Health", HEALTH_OPTIONS, key="part_health", horizontal=True,
                                  format_func=HEALTH_TEXT.get)
                viewpoint = st.text_input("Whose view is this?", key="part_viewpoint",
                                          placeholder="e.g. customer, driver, shop staff")
                note = st.text_area("Why (note)", key="part_note")
                owner = st.text_input("Owner of this part", key="part_owner")
                if st.form_submit_button("Save rating", type="primary"):
                    shell.write_then_rerun(lambda: jr.set_health(
                        session, sel_step, sel_actor,
                        None if health == "not rated" else health, note=note,
                        viewpoint=viewpoint, owner=owner), "Rating saved",
                        before_rerun=reload_from_storage)
        elif part is not None:
            st.text(f"Health: {HEALTH_TEXT[part['health'] or 'not rated']}")
            st.text(f"Whose view: {part['viewpoint'] or '—'}\nOwner: {part['owner'] or '—'}")
            st.text(part["note"] or "")

        if part is not None:
            ev_col, act_col = st.columns(2)
            with ev_col:
                st.markdown("**Evidence**")
                evidence = jr.list_evidence(session, part["id"])
                interviews = {i["id"]: i for i in iv.list_interviews(session)}
                for ev in evidence:
                    source = interviews.get(ev["interview_id"])
                    st.text(f"“{ev['quote']}”" + (
                        f"\n  — interview: {interview_label(source)}" if source else
                        f"\n  — interview {ev['interview_id']}" if ev["interview_id"] else ""))
                if not evidence:
                    st.caption("No quotes yet.")
                if session.can_edit:
                    interview_id = st.selectbox(
                        "From interview (optional)", [None, *interviews], key="ev_interview",
                        format_func=lambda i: "Not from a logged interview" if i is None
                        else interview_label(interviews[i]),
                        help="Interviews logged in this workspace, newest first.")
                    key_quotes = [] if interview_id is None else [
                        q.strip() for q in (interviews[interview_id]["key_quotes"] or "")
                        .splitlines() if q.strip()]
                    picked = OWN_QUOTE
                    if key_quotes:
                        picked = st.selectbox("Key quote", [*key_quotes, OWN_QUOTE],
                                              key=f"ev_pick_{interview_id}")
                    with st.form("evidence_form", clear_on_submit=True):
                        typed = ""
                        if picked == OWN_QUOTE:
                            typed = st.text_area("Quote", key="ev_quote")
                        if st.form_submit_button("Add quote"):
                            quote = typed if picked == OWN_QUOTE else picked
                            shell.write_then_rerun(
                                lambda: jr.add_evidence(session, part["id"], quote,
                                                        interview_id),
                                "Quote added", before_rerun=reload_from_storage)
            with act_col:
                st.markdown("**Actions**")
                own = jr.list_actions(session, journey_id=journey_id)
                own = [x for x in own if x["part_id"] == part["id"]]
                if own:
                    st.dataframe(pd.DataFrame(
                        [{"What": x["what"], "Owner": x["owner"] or "",
                          "Due": shell.day(x["due_date"]), "Status": x["status"]} for x in own]),
                        hide_index=True, width="stretch", column_config={
                            "Owner": st.column_config.TextColumn(width=80),
                            "Due": st.column_config.TextColumn(width=95),
                            "Status": st.column_config.TextColumn(width=80)})
                if part["health"] in ("red", "yellow") and session.can_edit:
                    with st.form("action_form", clear_on_submit=True):
                        what = st.text_input("What will be done", key="act_what")
                        act_owner = st.text_input("Who owns it", key="act_owner")
                        act_due = st.date_input("Due date", value=None, key="act_due")
                        if st.form_submit_button("Add action"):
                            shell.write_then_rerun(
                                lambda: jr.add_action(session, part["id"], what,
                                                      owner=act_owner, due_date=act_due),
                                "Action added", before_rerun=reload_from_storage)
                elif part["health"] not in ("red", "yellow"):
                    st.caption("Actions are for red or yellow parts.")

# ---- steps and actors -------------------------------------------------------------------------
with tab_edit:
    st.caption("Steps are the customer's actions, in order. Actors are the people, groups, "
               "systems and policies the customer deals with, directly or not. Change the "
               "'Order' numbers to reorder; edits are saved as you make them.")
    steps_df = pd.DataFrame(
        [{"id": s["id"], "Order": s["position"], "Step": s["name"],
          "Description": s["description"] or ""} for s in steps],
        columns=["id", "Order", "Step", "Description"]).astype({"id": "Int64", "Order": "Int64"})
    actors_df = pd.DataFrame(
        [{"id": a["id"], "Order": i, "Actor": a["name"], "Side": SIDE[a["stage"]],
          "Kind": a["kind"] or NO_KIND, "Description": a["description"] or ""}
         for i, a in enumerate(actors, start=1)],
        columns=["id", "Order", "Actor", "Side", "Kind", "Description"]
    ).astype({"id": "Int64", "Order": "Int64"})
    # One grid above the other, each the page's full width, so every column shows whole.
    step_columns = {"Order": st.column_config.NumberColumn(step=1, width=70),
                    "Step": st.column_config.TextColumn(required=False, width=300),
                    "Description": st.column_config.TextColumn(width="large")}
    actor_columns = {"Order": st.column_config.NumberColumn(step=1, width=70),
                     "Actor": st.column_config.TextColumn(width=240),
                     "Side": st.column_config.SelectboxColumn(
                         options=list(SIDE.values()), default=SIDE["frontstage"], width=210),
                     "Kind": st.column_config.SelectboxColumn(
                         options=[NO_KIND, *jr.ACTOR_KINDS], default=NO_KIND, width=100),
                     "Description": st.column_config.TextColumn(width="large")}
    if session.can_edit:
        st.markdown("**Steps**")
        ed_steps = st.data_editor(
            steps_df, key=f"steps_editor_{journey_id}_{rev()}", num_rows="dynamic",
            hide_index=True, column_order=["Order", "Step", "Description"], width="stretch",
            column_config=step_columns)
        st.markdown("**Actors**")
        ed_actors = st.data_editor(
            actors_df, key=f"actors_editor_{journey_id}_{rev()}", num_rows="dynamic",
            hide_index=True, column_order=["Order", "Actor", "Side", "Kind", "Description"],
            width="stretch", column_config=actor_columns)

        def ordered(df: pd.DataFrame, name_col: str) -> list[dict]:
            """Edited rows in 'Order' order; new rows without a name yet are left for later."""
            df = df.reset_index(drop=True)
            df = df[~(df["id"].isna() & df[name_col].fillna("").astype(str).str.strip().eq(""))]
            df = df.assign(_o=pd.to_numeric(df["Order"], errors="coerce").fillna(1e9),
                           _i=range(len(df)))
            return df.sort_values(["_o", "_i"]).to_dict("records")

        def clean_id(value: Any) -> int | None:
            return None if value is None or pd.isna(value) else int(value)

        new_steps = [{"id": clean_id(r["id"]), "name": r["Step"], "description": r["Description"]
                      if isinstance(r["Description"], str) else ""}
                     for r in ordered(ed_steps, "Step")]
        old_steps = [{"id": s["id"], "name": s["name"], "description": s["description"] or ""}
                     for s in steps]
        if new_steps != old_steps:
            shell.write_then_rerun(lambda: jr.save_steps(session, journey_id, new_steps),
                                   "Steps saved", before_rerun=reload_from_storage)
        new_actors = [{"id": clean_id(r["id"]), "name": r["Actor"],
                       "stage": SIDE_BACK.get(r["Side"], r["Side"]),
                       "kind": r["Kind"] if r["Kind"] in jr.ACTOR_KINDS else None,
                       "description": r["Description"] if isinstance(r["Description"], str)
                       else ""} for r in ordered(ed_actors, "Actor")]
        old_actors = [{"id": a["id"], "name": a["name"], "stage": a["stage"],
                       "kind": a["kind"] or None,
                       "description": a["description"] or ""} for a in actors]
        if new_actors != old_actors:
            shell.write_then_rerun(lambda: jr.save_actors(session, journey_id, new_actors),
                                   "Actors saved", before_rerun=reload_from_storage)
    else:
        st.markdown("**Steps**")
        st.dataframe(steps_df.drop(columns="id"), hide_index=True, width="stretch",
                     column_config=step_columns)
        st.markdown("**Actors**")
        st.dataframe(actors_df.drop(columns="id"), hide_index=True, width="stretch",
                     column_config=actor_columns)

# ---- history ----------------------------------------------------------------------------------
with tab_hist:
    today = dt.date.today()
    weekly = jr.health_over_time(session, journey_id, end=today)
    st.markdown("**Health over time** (weekly: share of rated parts that are green, and the "
                "number of red parts)")
    st.altair_chart(jc.health_over_time_chart(weekly), theme=None, width="content")
    since = st.date_input("What changed since", value=today - dt.timedelta(days=14),
                          key="changes_since", max_value=today)
    changed = jr.changes_since(session, journey_id, since)
    st.write(f"{shell.plural(len(changed['changes']), 'change')} since "
             f"{shell.day(since.isoformat())}: "
             f"{shell.plural(changed['better'], 'part')} better, {changed['worse']} worse.")

    def history_table(items: list[dict]) -> None:
        st.dataframe(pd.DataFrame(
            [{"When": jc.format_when(h["at"], session), "Who": h["username"],
              "Step": h["step_name"],
              "Actor": h["actor_name"], "From": h["from_health"] or "not rated",
              "To": h["to_health"] or "not rated", "Note": h["note"] or ""} for h in items]),
            hide_index=True, width="stretch",
            column_config={"Note": st.column_config.TextColumn(width="large")})

    if changed["changes"]:
        history_table(changed["changes"])
    with st.expander("Full history"):
        full = jr.health_history(session, journey_id)
        if full:
            history_table(full)
        else:
            st.caption("No health changes yet.")

# ---- persona and problem ----------------------------------------------------------------------
with tab_about:
    if session.can_edit:
        with st.form("journey_details"):
            k = journey_id
            d_name = st.text_input("Journey name", value=journey["name"], key=f"d_name_{k}")
            d_persona = st.text_input("Target customer (persona)", key=f"d_persona_{k}",
                                      value=journey["persona_name"] or "")
            d_desc = st.text_area("Who they are", value=journey["persona_description"] or "",
                                  key=f"d_desc_{k}")
            d_goals = st.text_area("What they want to achieve", key=f"d_goals_{k}",
                                   value=journey["persona_goals"] or "")
            d_problem = st.text_area("Why this journey is a problem today",
                                     value=journey["problem"] or "", key=f"d_problem_{k}")
            if st.form_submit_button("Save details"):
                shell.write_then_rerun(lambda: jr.update_journey(
                    session, journey_id, name=d_name, persona_name=d_persona,
                    persona_description=d_desc, persona_goals=d_goals, problem=d_problem),
                    "Details saved", before_rerun=reload_from_storage)
        if st.button("Archive this journey", key="archive_journey",
                     help="Hidden from lists and the checklist; nothing is deleted. Restore it "
                          "from 'Archived journeys' above."):
            shell.write_then_rerun(lambda: jr.set_archived(session, journey_id, True),
                                   "Journey archived", before_rerun=reload_from_storage)
        if session.is_owner:
            with st.expander("Delete this journey", icon=":material/delete_forever:"):
                st.warning("Deleting removes the journey with its steps, actors, ratings, "
                           "evidence, history and actions, for good. Archive it instead to "
                           "hide it and keep everything.")
                confirm = st.text_input("Type the journey's name to confirm",
                                        key=f"delete_confirm_{journey_id}")
                if st.button("Delete journey for good", key="delete_journey", type="primary",
                             icon=":material/delete_forever:",
                             disabled=confirm.strip() != journey["name"].strip()):
                    shell.write_then_rerun(lambda: jr.delete_journey(session, journey_id),
                                           "Journey deleted", before_rerun=reload_from_storage)
    else:
        for label, field in (("Target customer", "persona_name"),
                             ("Who they are", "persona_description"),
                             ("What they want to achieve", "persona_goals"),
                             ("Why this journey is a problem today", "problem")):
            st.markdown(f"**{label}**")
            st.text(journey[field] or "—")

# ---- share ----
st.subheader("Share")
st.caption("The program report with every journey map and its open actions, in the "
           "workspace's branding.")
report_buttons.report_downloads(session, key="journeys")
