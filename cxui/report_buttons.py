"""Download buttons for the program report (HTML, PDF, PPTX), shared by Home, Scorecard and
Journey health: one click each, the file is made when the button is pressed."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from cxcore import report_model
from cxcore import workspace as wsmod
from cxui import shell

LABELS = {"html": ("Report (HTML)", ":material/description:"),
          "pdf": ("Report (PDF)", ":material/picture_as_pdf:"),
          "pptx": ("Slides (PPTX)", ":material/slideshow:")}


def _maker(workspace_id: int, username: str, fmt: str, period: str | None,
           paper: str) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: Streamlit runs it on its own thread when the
    button is pressed, so it opens (and closes) its own workspace connection."""
    acc = shell.accounts()

    def make() -> bytes:
        session = wsmod.open_session(acc, workspace_id, username)
        try:
            return report_model.render(session, fmt, period=period, paper=paper)
        finally:
            session.close()

    return make


def report_downloads(session: wsmod.WorkspaceSession, *, key: str,
                     period: str | None = None) -> None:
    """Three download buttons side by side, plus the PDF's paper size; ``period`` is the
    scorecard period of the report (default: the last complete quarter)."""
    cols = st.columns([1, 1, 1, 1.2])
    paper = cols[3].segmented_control("PDF paper", ["A4", "Letter"], default="A4",
                                      key=f"{key}_report_paper") or "A4"
    for col, fmt in zip(cols, ("html", "pdf", "pptx"), strict=False):
        label, icon = LABELS[fmt]
        col.download_button(
            label, _maker(session.info.id, session.username, fmt, period, paper),
            file_name=report_model.filename(session, fmt), mime=report_model.FORMATS[fmt][1],
            key=f"{key}_report_{fmt}", icon=icon, on_click="ignore", width="stretch")
