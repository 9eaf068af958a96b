"""AppTest of Home's Share section: the program report is prepared on request, then offered
as a download."""

from __future__ import annotations

from datetime import date

PAGE = "pages/home.py"


def download_buttons(at):
    return list(at.get("download_button"))


def test_report_is_prepared_only_when_asked(app_page, workspace):
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "Share" in [s.value for s in at.subheader]
    assert not download_buttons(at)
    assert f"home_report_{workspace.id}" not in at.session_state
    at.button(key="home_report_prepare").click()
    at.run()
    assert not at.exception
    name, data = at.session_state[f"home_report_{workspace.id}"]
    assert data.startswith(b"<!doctype html>")
    assert b"Acme" in data
    assert name == f"acme-cx-report-{date.today().isoformat()}.html"
    buttons = download_buttons(at)
    assert len(buttons) == 1
    assert buttons[0].proto.label == "Download the program report (HTML)"
    assert buttons[0].proto.url  # the prepared bytes (checked above) are served from here
    # the prepared file stays on later runs, without preparing again
    at.run()
    assert not at.exception
    assert len(download_buttons(at)) == 1
