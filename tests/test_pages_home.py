"""AppTest of Home's Share section: the program report is one click away, as HTML, PDF or
PPTX (the file is made when the button is pressed)."""

from __future__ import annotations

PAGE = "pages/home.py"


def download_buttons(at):
    return list(at.get("download_button"))


def test_report_downloads_are_one_click(app_page, workspace):
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "Share" in [s.value for s in at.subheader]
    buttons = {b.proto.label: b.proto for b in download_buttons(at)}
    assert list(buttons) == ["Report (HTML)", "Report (PDF)", "Slides (PPTX)"]
    # one click: each button carries a deferred file, made when it is pressed
    assert all(b.deferred_file_id for b in buttons.values())
    assert at.session_state["home_report_paper"] == "A4"


def test_the_deferred_files_are_the_reports(accounts, workspace):
    from cxui import report_buttons

    for fmt, magic in (("html", b"<!doctype html>"), ("pdf", b"%PDF"), ("pptx", b"PK")):
        made = report_buttons._maker(workspace.id, "viewer", fmt, None, "Letter")()
        assert made.startswith(magic), fmt
