"""Interview log: conversations with customers and frontline employees, searchable, with themes,
a wall of quotes, interview guides and CSV import/export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from cxcore import comments, privacy
from cxcore import interview_charts as charts
from cxcore import interviews as iv
from cxcore.errors import ValidationError
from cxcore.quotes import real_quotes
from cxui import links, shell

session = shell.page_session()
ALL = "All"
SENTIMENT_LABELS = {None: "not recorded", "negative": "negative", "neutral": "neutral",
                    "positive": "positive"}

st.title("Interview log")
st.caption("What customers and frontline employees told you, in their own words. "
           "Steps 4 and 5 of the program checklist count these interviews.")


counts = iv.counts_by_kind(session)
col_c, col_e, _ = st.columns([1, 1, 2])
shell.metric("Customer interviews", counts["customer"], container=col_c)
shell.metric("Employee interviews", counts["employee"], container=col_e)




def show_guide(kind: str) -> None:
    """The interview guide for ``kind``, as plain text."""
    st.markdown(f"**{kind.capitalize()} interview guide**")
    for n, question in enumerate(iv.guide(session, kind), 1):
        st.text(f"{n}. {question}")


def interview_form(form_key: str, kind: str, values: dict[str, Any] | None = None
                   ) -> dict[str, Any] | None:
    """The fields of one interview in a form; returns the data when submitted, else None."""
    values = values or {}
    choices = [None, *iv.journey_choices(session)]
    current = next((n for n, c in enumerate(choices) if c and c["journey_id"] == values.get(
        "journey_id") and c["journey_step_id"] == values.get("journey_step_id")), 0)
    with st.form(form_key):
        left, right = st.columns(2)
        when = left.date_input("Date", value=dt.date.fromisoformat(values["date"])
                               if values.get("date") else dt.date.today(),
                               max_value=dt.date.today(), key=f"{form_key}_date")
        interviewee = right.text_input("Interviewee (name or anonymous label)",
                                       value=values.get("interviewee") or "",
                                       key=f"{form_key}_interviewee")
        role = left.text_input("Role or segment", value=values.get("role_segment") or "",
                               key=f"{form_key}_role")
        channel = right.text_input("Channel", value=values.get("channel") or "",
                                   placeholder=", ".join(iv.CHANNELS),
                                   key=f"{form_key}_channel")
        interviewer = left.text_input("Interviewer",
                                      value=values.get("interviewer") or session.username,
                                      key=f"{form_key}_interviewer")
        journey = right.selectbox("Journey and step (optional)", range(len(choices)),
                                  index=current, key=f"{form_key}_journey",
                                  format_func=lambda n: choices[n]["label"] if n else "—")
        notes = st.text_area("Notes", value=values.get("notes") or "", height=200,
                             key=f"{form_key}_notes")
        quotes = st.text_area("Key quotes (one per line)", value=values.get("key_quotes") or "",
                              key=f"{form_key}_quotes")
        left, right = st.columns(2)
        pains = left.text_area("Pain points", value=values.get("pain_points") or "",
                               key=f"{form_key}_pains")
        works = right.text_area("What works well", value=values.get("works_well") or "",
                                key=f"{form_key}_works")
        sentiments = list(SENTIMENT_LABELS)
        sentiment = left.selectbox("Sentiment", sentiments,
                                   index=sentiments.index(values.get("sentiment")),
                                   format_func=SENTIMENT_LABELS.get, key=f"{form_key}_sentiment")
        tags = right.text_input("Tags (comma separated)", value=", ".join(values.get("tags", [])),
                                help="For example: delivery, installation, pricing, staff",
                                key=f"{form_key}_tags")
        customer_id = left.text_input("Customer id (optional)",
                                      value=values.get("customer_id") or "",
                                      help="Links the interview to the customer's own page.",
                                      key=f"{form_key}_customer")
        submitted = st.form_submit_button("Save interview", type="primary")
    if not submitted:
        return None
    chosen = choices[journey] or {}
    return {"kind": kind, "date": when, "interviewee": interviewee, "role_segment": role,
            "channel": channel, "interviewer": interviewer,
            "journey_id": chosen.get("journey_id"),
            "journey_step_id": chosen.get("journey_step_id"), "notes": notes,
            "key_quotes": quotes, "pain_points": pains, "works_well": works,
            "sentiment": sentiment, "tags": tags, "customer_id": customer_id}


# ---- undo of the last delete --------------------------------------------------------------------
if session.can_edit:
    last = iv.last_deleted(session)
    if last is not None and st.session_state.get("iv_undo_id") == last["id"]:
        with st.container(border=True):
            st.text(f"Deleted: interview with {last['interviewee']} on {last['date']}.")
            if st.button("Undo delete", key="iv_undo", icon=":material/undo:") and shell.attempt(
                    lambda: iv.restore_interview(session, last["id"])):
                st.session_state.pop("iv_undo_id", None)
                shell.done("Interview restored.")

names = ["Log", "Themes", "Quote wall", "Interview guides", "Import / export"]
if session.can_edit:
    names.insert(1, "Log an interview")
tabs = dict(zip(names, st.tabs(names), strict=True))

# ---- the log ------------------------------------------------------------------------------------
with tabs["Log"]:
    tag_names = [t["tag"] for t in iv.all_tags(session)]
    journeys = {c["journey_id"]: c["label"] for c in iv.journey_choices(session)
                if c["journey_step_id"] is None}
    f1, f2, f3, f4 = st.columns(4)
    kind = f1.selectbox("Type", [ALL, *iv.KINDS], key="iv_f_kind")
    sentiment = f2.selectbox("Sentiment", [ALL, *iv.SENTIMENTS], key="iv_f_sentiment")
    tag = f3.selectbox("Tag", [ALL, *tag_names], key="iv_f_tag")
    journey = f4.selectbox("Journey", [ALL, *journeys], key="iv_f_journey",
                           format_func=lambda j: j if j == ALL else journeys[j])
    f1, f2, f3 = st.columns([1, 1, 2])
    date_from = f1.date_input("From", value=None, key="iv_f_from")
    date_to = f2.date_input("To", value=None, key="iv_f_to")
    search = f3.text_input("Search notes and quotes", key="iv_f_search",
                           placeholder="Words that must all appear")
    filters = {"kind": None if kind == ALL else kind,
               "sentiment": None if sentiment == ALL else sentiment,
               "tag": None if tag == ALL else tag,
               "journey_id": None if journey == ALL else journey,
               "date_from": date_from, "date_to": date_to, "search": search}
    rows = iv.list_interviews(session, **filters)
    st.caption(f"{len(rows)} interview{'s' if len(rows) != 1 else ''} found.")
    if rows:
        st.download_button("Download these as CSV", iv.export_csv(session, **filters),
                           file_name="interviews-filtered.csv", mime="text/csv",
                           key="iv_export_filtered", icon=":material/download:")
        table = pd.DataFrame([{
            "Date": r["date"], "Type": r["kind"], "Interviewee": r["interviewee"],
            "Role or segment": r["role_segment"], "Channel": r["channel"],
            "Sentiment": r["sentiment"], "Tags": ", ".join(r["tags"]),
            "Journey": " › ".join(x for x in (r["journey_name"], r["journey_step_name"]) if x),
            "Notes": (r["notes"] or "")[:200],
            "Customer": links.customer_url(r["customer_id"]),
        } for r in rows])
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Customer": links.customer_column()})

        by_id = {r["id"]: r for r in rows}
        chosen_id = st.selectbox(
            "Open an interview", list(by_id), key="iv_open",
            format_func=lambda i: f"{by_id[i]['date']} · {by_id[i]['kind']} · "
                                  f"{by_id[i]['interviewee']}")
        item = by_id[chosen_id]
        with st.container(border=True):
            st.text(f"{item['kind'].capitalize()} interview with {item['interviewee']} on "
                    f"{item['date']}")
            meta = [("Role or segment", item["role_segment"]), ("Channel", item["channel"]),
                    ("Interviewer", item["interviewer"]),
                    ("Journey", item["journey_name"]), ("Step", item["journey_step_name"]),
                    ("Sentiment", item["sentiment"]), ("Tags", ", ".join(item["tags"])),
                    ("Customer id", item["customer_id"])]
            st.text("\n".join(f"{label}: {value}" for label, value in meta if value))
            for label, field in (("Notes", "notes"), ("Key quotes", "key_quotes"),
                                 ("Pain points", "pain_points"),
                                 ("What works well", "works_well")):
                if item[field]:
                    st.caption(label)
                    st.text(item[field])
            st.caption(f"Logged by {shell.esc(item['created_by'])} at "
                       f"{shell.when(item['created_at'], session)}; last changed by "
                       f"{shell.esc(item['updated_by'])} at "
                       f"{shell.when(item['updated_at'], session)}.")
        if session.can_edit:
            with st.expander("Edit this interview"):
                edit_kind = st.radio("Type", iv.KINDS, index=iv.KINDS.index(item["kind"]),
                                     horizontal=True, key=f"iv_edit_kind_{chosen_id}")
                data = interview_form(f"iv_edit_{chosen_id}", edit_kind, item)
                if data is not None and shell.attempt(
                        lambda: iv.update_interview(session, chosen_id, data)):
                    shell.done("Interview updated.")
            if st.session_state.get("iv_confirm_delete") == chosen_id:
                st.warning("Delete this interview? You can undo it, or restore it from "
                           f"'Recently deleted' for {iv.RECOVERY_DAYS} days.")
                c1, c2, _ = st.columns([1, 1, 4])
                if c1.button("Yes, delete", type="primary", key="iv_delete_yes"):
                    st.session_state.pop("iv_confirm_delete", None)
                    if shell.attempt(lambda: iv.delete_interview(session, chosen_id)):
                        st.session_state["iv_undo_id"] = chosen_id
                        shell.done("Interview deleted. Use 'Undo delete' above to bring it back.")
                if c2.button("Cancel", key="iv_delete_no"):
                    st.session_state.pop("iv_confirm_delete", None)
                    st.rerun()
            elif st.button("Delete interview", key="iv_delete", icon=":material/delete:"):
                st.session_state["iv_confirm_delete"] = chosen_id
                st.rerun()

    if session.can_edit:
        deleted = iv.list_interviews(session, deleted=True)
        if deleted:
            with st.expander(f"Recently deleted ({len(deleted)})"):
                st.caption(f"Deleted interviews can be restored for {iv.RECOVERY_DAYS} days.")
                for r in deleted:
                    c1, c2 = st.columns([4, 1])
                    c1.text(f"{r['date']} · {r['kind']} · {r['interviewee']} "
                            f"(deleted by {r['deleted_by']} at "
                            f"{shell.when(r['deleted_at'], session)})")
                    if c2.button("Restore", key=f"iv_restore_{r['id']}") and shell.attempt(
                            lambda rid=r["id"]: iv.restore_interview(session, rid)):
                        shell.done("Interview restored.")

# ---- log a new interview ------------------------------------------------------------------------
if session.can_edit:
    with tabs["Log an interview"]:
        form_col, guide_col = st.columns([3, 2])
        with form_col:
            new_kind = st.radio("Who did you talk to?", iv.KINDS, horizontal=True,
                                format_func=lambda k: "a customer" if k == "customer"
                                else "a frontline employee", key="iv_new_kind")
            version = st.session_state.get("iv_new_version", 0)
            data = interview_form(f"iv_new_{version}", new_kind)
            if data is not None:
                new_id = shell.run_action(lambda: iv.create_interview(session, data))
                if new_id is not None:
                    st.session_state["iv_new_version"] = version + 1
                    shell.done("Interview saved.")
        with guide_col, st.container(border=True):
            show_guide(new_kind)

# ---- themes -------------------------------------------------------------------------------------
with tabs["Themes"]:
    period = st.radio("Group by", ["quarter", "month"], horizontal=True, key="iv_period")
    frequency = iv.tag_frequency(session, period)
    if frequency:
        st.altair_chart(charts.tag_frequency_chart(frequency, period.capitalize()),
                        width="stretch")
        st.caption("The eight most used tags; each bar counts the interviews that carried "
                   "the tag in that period.")
        left, right = st.columns(2)
        left.dataframe(pd.DataFrame(iv.all_tags(session)).rename(
            columns={"tag": "Tag", "interviews": "Interviews"}), hide_index=True)
        sentiments = iv.sentiment_counts(session)
        if sentiments:
            right.altair_chart(charts.sentiment_chart(sentiments), width="stretch")
    else:
        st.info("No tagged interviews yet. Tag interviews (delivery, pricing, staff…) to see "
                "themes over time.")

# ---- quote wall ---------------------------------------------------------------------------------
with tabs["Quote wall"]:
    themes = [t["tag"] for t in comments.all_themes(session)]
    step_choices = {c["journey_step_id"]: c["label"] for c in iv.journey_choices(session)
                    if c["journey_step_id"] is not None}
    w1, w2, w3 = st.columns([2, 2, 1])
    wall_tag = w1.selectbox("Theme", [ALL, *themes], key="iv_wall_tag")
    wall_step = w2.selectbox("Journey step", [ALL, *step_choices], key="iv_wall_step",
                             format_func=lambda s: s if s == ALL else step_choices[s])
    w3.write("")
    with_comments = w3.toggle("Survey comments too", value=True, key="iv_wall_comments")
    quotes = real_quotes(session, theme=None if wall_tag == ALL else wall_tag,
                         journey_step_id=None if wall_step == ALL else wall_step, limit=150,
                         hide_names=not privacy.show_names(session),
                         sources=("interview", "comment") if with_comments else ("interview",))
    if not quotes:
        st.info("No quotes yet for this choice.")
    columns = st.columns(3)
    for n, quote in enumerate(quotes):
        with columns[n % 3].container(border=True):
            st.text(f"“{quote['text']}”")
            mood = quote["sentiment"] or quote["group"]
            st.caption(shell.esc(" · ".join(x for x in (
                quote["who"], quote["source"], quote["journey_step"], mood, quote["date"])
                if x)))
    if len(quotes) >= 150:
        st.caption("Showing 150 quotes; pick a theme or a step to narrow them down.")
    st.caption("Real words only: interview key quotes and survey comments as stored, newest "
               "first, e-mail addresses hidden"
               + ("." if privacy.show_names(session) else "; names hidden (an owner can show "
                  "them on the Branding page)."))

# ---- guides -------------------------------------------------------------------------------------
with tabs["Interview guides"]:
    st.caption("The questions shown beside the form while logging an interview.")
    for guide_kind, column in zip(iv.KINDS, st.columns(2), strict=True):
        with column:
            if session.can_edit:
                text = st.text_area(f"{guide_kind.capitalize()} interview guide (one question "
                                    "per line; empty restores the default)",
                                    value="\n".join(iv.guide(session, guide_kind)), height=260,
                                    key=f"iv_guide_{guide_kind}")
                if st.button("Save guide", key=f"iv_guide_save_{guide_kind}"):
                    saved = shell.run_action(lambda k=guide_kind, t=text: iv.set_guide(
                        session, k, t))
                    if saved is not None:
                        st.session_state.pop(f"iv_guide_{guide_kind}", None)
                        shell.done(f"{guide_kind.capitalize()} interview guide saved.")
            else:
                show_guide(guide_kind)

# ---- import / export ----------------------------------------------------------------------------
with tabs["Import / export"]:
    st.download_button("Download the log as CSV", iv.export_csv(session),
                       file_name=f"interviews-{dt.date.today().isoformat()}.csv",
                       mime="text/csv", key="iv_export", icon=":material/download:")
    st.caption("Columns: " + shell.esc(", ".join(iv.CSV_COLUMNS)) + ". Journey and step by "
               "name; tags separated by semicolons.")
    if session.can_edit:
        st.subheader("Import interviews from CSV")
        upload = st.file_uploader("CSV file with the same columns", type=["csv"],
                                  key="iv_upload")
        if upload is not None:
            content = upload.getvalue()
            preview = shell.run_action(lambda: iv.preview_import(session, content))
            if preview is not None:
                if preview.problems:
                    shell.show_error(ValidationError(preview.problems))
                if preview.duplicates:
                    st.info(f"{preview.duplicates} row(s) are already in the log and will be "
                            "skipped.")
                if preview.rows:
                    st.caption(f"{len(preview.rows)} new row(s) read. Preview:")
                    st.dataframe(pd.DataFrame([{**r, "tags": ", ".join(r["tags"])}
                                               for r in preview.rows[:200]]),
                                 hide_index=True)
                if st.button(f"Import {len(preview.rows)} interview(s)", type="primary",
                             disabled=not preview.ok, key="iv_import_confirm"):
                    added = shell.run_action(lambda: iv.import_csv(session, content))
                    if added is not None:
                        shell.done(f"{added} interview(s) imported.")
                if preview.problems:
                    st.caption("Fix the file and upload it again: nothing is imported while "
                               "any row has a problem.")
