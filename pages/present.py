"""Present: the scorecard, findings, journey maps and actions as slides, one per screen.

While presenting, ``app.py`` shows this page alone with the navigation hidden and nothing in the
sidebar. Next and previous are buttons with keyboard shortcuts (→ / ←)."""

from datetime import date

import streamlit as st

from cxcore import report_model, slides
from cxui import shell

session = shell.page_session()
KEY = shell.cache_key(session)


@st.cache_data(show_spinner="Preparing the slides…", max_entries=8)
def cached_slides(_session, key, username: str, today) -> tuple[str, list[dict]]:
    model = report_model.build(_session, today=today)
    css = slides.slide_css(model["branding"]) + slides.controls_css(model["branding"])
    return css, slides.build_slides(_session, model)


css, deck = cached_slides(session, KEY, session.username, date.today())
index_key = f"present_slide_{session.info.id}"
index = min(st.session_state.get(index_key, 0), len(deck) - 1)

if not shell.presenting():
    st.title("Present")
    st.caption(f"{len(deck)} slides from this workspace's own data: the scorecard in groups, "
               "each driver finding, each journey map, the top actions and customers' words. "
               "The navigation is hidden while you present; → and ← move between slides.")
    if st.button("Start presenting", type="primary", icon=":material/slideshow:",
                 key="present_start"):
        st.session_state[index_key] = 0
        shell.start_presenting()
    st.subheader("Slides")
    for i, s in enumerate(deck, 1):
        st.markdown(f"{i}. {shell.esc(s['title'])}")
    st.stop()

st.html(css + deck[index]["html"])


def go(step: int) -> None:
    st.session_state[index_key] = max(0, min(len(deck) - 1, index + step))


# The controls take the workspace's colours from slides.controls_css through their keys.
with st.container(horizontal=True, horizontal_alignment="distribute",
                  vertical_alignment="center", key=slides.CONTROL_KEYS["row"]):
    st.button("Previous", icon=":material/arrow_back:", key=slides.CONTROL_KEYS["previous"],
              shortcut="Left", on_click=go, args=(-1,), disabled=index == 0)
    with st.container(key=slides.CONTROL_KEYS["count"], width="content"):
        st.markdown(f"**{index + 1} of {len(deck)}** · {shell.esc(deck[index]['title'])}")
    st.button("Next", icon=":material/arrow_forward:", icon_position="right",
              key=slides.CONTROL_KEYS["next"], shortcut="Right", on_click=go, args=(1,),
              disabled=index == len(deck) - 1, type="primary")
    if st.button("End presentation", icon=":material/close:", key=slides.CONTROL_KEYS["end"]):
        shell.stop_presenting()
