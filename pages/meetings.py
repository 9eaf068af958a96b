"""Meetings: the review meetings of the program, and what changed since the last one."""

from datetime import date

import streamlit as st

from cxcore import meetings
from cxui import report_buttons, shell

session = shell.page_session()
today = date.today()

st.title("Meetings")
st.caption("Save each review meeting; the next one starts from what changed since.")

saved = meetings.list_meetings(session)

if session.can_edit:
    with (st.expander("Save a meeting", icon=":material/event:", expanded=not saved),
          st.form("meeting_form", clear_on_submit=True)):
        cols = st.columns([1, 2])
        when = cols[0].date_input("Date", today, key="meeting_date", format="YYYY-MM-DD")
        title = cols[1].text_input("Title", key="meeting_title",
                                   placeholder="e.g. Quarterly CX review")
        attendees = st.text_input("Attendees", key="meeting_attendees",
                                  placeholder="e.g. Ann (CEO), Bob (support), Chris")
        notes = st.text_area("Notes (optional)", key="meeting_notes", height=100)
        if st.form_submit_button("Save meeting", type="primary"):
            shell.write_then_rerun(lambda: meetings.add_meeting(
                session, when, title, attendees, notes), "Meeting saved")


st.subheader("Since the last meeting")
if not saved:
    st.info("No meeting saved yet. Save today's meeting; at the next one this page shows what "
            "changed since: scores with their noise, journey health, actions and interviews.")
else:
    by_id = {m["id"]: m for m in saved}
    earlier = [m["id"] for m in saved if m["date"] < today.isoformat()]
    if not earlier:
        st.info("Every saved meeting is dated today or later: the summary starts from the "
                "previous meeting, so it appears after today.")
    else:
        since_id = st.selectbox(
            "Changes since", earlier, key="meeting_since",
            format_func=lambda i: f"{shell.day(by_id[i]['date'])} · {by_id[i]['title']}")
        since_day = date.fromisoformat(by_id[since_id]["date"])
        summary = meetings.changes_since(session, since_day, today)
        a, iv = summary["actions"], summary["interviews"]
        cols = st.columns(4)
        for col, (label, n) in zip(cols, (("Actions opened", a["opened"]),
                                          ("Actions closed", a["closed"]),
                                          ("Overdue now", a["overdue"]),
                                          ("New interviews", iv["count"])), strict=True):
            shell.metric(label, f"{n:,}", border=True, container=col)
        for line in summary["lines"]:
            st.markdown(f"- {shell.esc(line)}")
        for j in summary["journeys"]:
            with st.expander(f"{j['name']}: health changes", icon=":material/route:"):
                st.dataframe(
                    [{"Step": p["step"], "Who": p["actor"], "Before": p["before"] or "not rated",
                      "Now": p["after"] or "not rated", "Change": p["direction"]}
                     for p in j["parts"]], hide_index=True, width="stretch")
        st.caption("Scores compare the days since that meeting with the same number of days "
                   "before it; a change is called meaningful only when the scorecard's test "
                   "says it is larger than the noise.")

    st.subheader("Saved meetings")
    st.dataframe([{"Date": shell.day(m["date"]), "Title": m["title"],
                   "Attendees": m["attendees"], "Notes": m["notes"]} for m in saved],
                 hide_index=True, width="stretch")
    if session.can_edit:
        with st.expander("Delete a meeting", icon=":material/delete:"):
            gone = st.selectbox("Meeting", list(by_id), key="meeting_delete",
                                format_func=lambda i: f"{shell.day(by_id[i]['date'])} · "
                                                      f"{by_id[i]['title']}")
            if st.button("Delete this meeting", key="meeting_delete_button"):
                shell.write_then_rerun(lambda: meetings.delete_meeting(session, gone),
                                       "Meeting deleted")

st.subheader("Take it to the meeting")
st.caption("The report and the deck include this summary (since the last meeting before "
           "today).")
report_buttons.report_downloads(session, key="meetings")
