"""Times shown to people are in the workspace's time zone (labelled), on every page that
shows a stored time; account-level tables with no workspace say which zone they use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cxcore import activity, importers
from cxcore import journey_charts as jc
from cxcore import locale_settings as loc
from cxui import shell

from .test_pages_import import with_file

BERLIN = loc.Locale(timezone="Europe/Berlin")


def test_journey_times_in_the_workspace_zone() -> None:
    # 13:05 UTC in January is 14:05 in Berlin (CET, UTC+1); in July 15:05 (CEST, UTC+2).
    assert jc.format_when("2026-01-05T13:05:00+00:00", BERLIN) == "5 Jan 2026 14:05 CET"
    assert jc.format_when("2026-07-05T13:05:00", BERLIN) == "5 Jul 2026 15:05 CEST"
    assert jc.format_when("2026-01-05T13:05:00+00:00") == "5 Jan 2026 13:05 UTC"
    assert jc.format_when(None, BERLIN) == ""
    steps = [{"id": 1, "name": "Buy", "position": 0}]
    actors = [{"id": 1, "name": "Customer", "stage": "frontstage", "position": 0}]
    parts = [{"id": 1, "step_id": 1, "actor_id": 1, "health": "green",
              "updated_at": "2026-01-05T23:30:00+00:00", "updated_by": "ann"}]
    _, _, df = jc.map_data(steps, actors, parts, BERLIN)
    assert df["last_change"].tolist() == ["6 Jan 2026 00:30 CET by ann"]


def test_shell_when_uses_the_workspace_zone_or_labels_the_viewers() -> None:
    assert shell.when("2026-01-05T13:05:00+00:00", BERLIN) == "5 Jan 2026 14:05 CET"
    # No workspace (account-level tables) and no browser: UTC, and it says so.
    assert shell.when("2026-01-05T13:05:00+00:00") == "5 Jan 2026, 13:05 UTC"
    assert shell.when("2026-01-05", BERLIN) == "5 Jan 2026"
    assert shell.when(None, BERLIN) == ""


def test_activity_page_shows_workspace_local_times(app_page, accounts, owner_session) -> None:
    loc.set_locale(owner_session, timezone_name="Asia/Tokyo")
    entries = activity.workspace_activity(accounts, owner_session)
    at = app_page("pages/activity.py", user="owner")
    assert not at.exception
    shown = at.dataframe[0].value["When"].tolist()
    # Tokyo is UTC+9 all year: the expected text, computed independently of format_time.
    expected = []
    for e in entries:
        utc = datetime.fromisoformat(e["at"]).replace(tzinfo=UTC)
        local = utc + timedelta(hours=9)
        expected.append(f"{local.day} {local:%b %Y %H:%M} JST")
    assert shown == expected
    assert all(w.endswith("JST") for w in shown)


def test_import_list_shows_workspace_local_times(app_page, editor_session) -> None:
    loc.set_locale(editor_session, timezone_name="America/New_York")
    at = with_file(app_page)
    next(b for b in at.button if b.label == "Import 2 valid rows").click()
    at.run()
    assert not at.exception
    batch = importers.list_batches(editor_session)[0]
    when = at.dataframe[-1].value["When"][0]
    assert when == loc.format_time(batch["created_at"], loc.Locale(timezone="America/New_York"))
    assert when.endswith(("EST", "EDT"))
