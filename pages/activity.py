"""Activity: who changed what in this workspace, and (administrators) the account log."""

import datetime as dt

import streamlit as st

from cxcore import activity
from cxcore.accounts import SYSTEM
from cxui import shell

session = shell.page_session("owner")
acc = shell.accounts()
is_admin = acc.is_admin(session.username)

st.title("Activity")
st.caption(f"{session.info.name}: every change to its data, members and settings, newest first.")


def kind_words(kind: str) -> str:
    """``checklist_step`` -> "Checklist step"."""
    return kind.replace("_", " ").capitalize()


def filters(entries: list[dict], prefix: str) -> dict:
    """Person, kind and date pickers over ``entries``; returns the chosen filters."""
    people, kinds = activity.choices(entries)
    c1, c2, c3 = st.columns([1, 1, 2])
    person = c1.selectbox("Person", people, index=None, placeholder="Everyone",
                          key=f"{prefix}_person", format_func=shell.person)
    kind = c2.selectbox("Kind", kinds, index=None, placeholder="Every kind",
                        key=f"{prefix}_kind", format_func=kind_words)
    days = c3.date_input("Dates", value=(), key=f"{prefix}_dates", format="YYYY-MM-DD",
                         help="Pick a first and a last day (inclusive); empty for all.")
    since = until = None
    if isinstance(days, tuple | list) and days:
        since, until = days[0], days[-1]
    elif isinstance(days, dt.date):
        since = until = days
    return {"person": person, "kind": kind, "since": since, "until": until}


def table(entries: list[dict], file_name: str, key: str, where=None) -> None:
    """Entries with times for people (the workspace's time zone with ``where``, else the
    viewer's, labelled), and their CSV download."""
    if not entries:
        st.info("Nothing matches these filters.")
        return
    st.caption(shell.plural(len(entries), "entry", "entries"))
    st.dataframe([{"When": shell.when(e["at"], where), "Who": shell.person(e["who"]),
                   "Kind": kind_words(e["kind"]), "What": e["what"], "Change": e["change"]}
                  for e in entries], hide_index=True, width="stretch")
    st.download_button("Download as CSV", activity.to_csv(entries), file_name=file_name,
                       mime="text/csv", key=key, icon=":material/download:", on_click="ignore")


everything = activity.workspace_activity(acc, session)
chosen = filters(everything, "ws")
table(activity.workspace_activity(acc, session, **chosen),
      f"activity-{session.info.id}.csv", "ws_csv", session)

if is_admin:
    st.divider()
    st.header("Account log (administrator)")
    st.caption("Accounts, rights, memberships and workspaces across the whole server, and "
               "sign-in lockouts.")
    log = activity.account_log(acc, by=session.username)
    chosen = filters(log, "acc")
    table(activity.account_log(acc, by=session.username, **chosen), "account-log.csv",
          "acc_csv")
    if any(e["who"] == SYSTEM for e in log):
        st.caption("“Server operator” entries were made with `python -m cxcore` on the server.")
