"""Rough edges a newcomer meets: checklist wording, health marks the fonts have, chart titles."""

from __future__ import annotations

import subprocess

import pytest

from cxcore import checklist
from cxcore import journey_charts as jc
from cxcore import scorecard_charts as charts


def test_progress_words_do_not_contradict():
    view = {"done_count": 3, "total_progress": 0.9,
            "steps": [{"status": s} for s in ("done", "done", "done", "in progress",
                                              "in progress", "in progress")]}
    assert checklist.progress_words(view) == ("3 of 6 steps done, 3 under way · 90 % complete "
                                              "overall")
    view = {"done_count": 0, "total_progress": 0.0,
            "steps": [{"status": "not started"}] * 6}
    assert checklist.progress_words(view) == "0 of 6 steps done · 0 % complete overall"


def test_health_marks_are_not_emoji():
    for mark in jc.HEALTH_MARKS.values():
        assert len(mark) == 1 and ord(mark) < 0x2600  # geometric shapes, not emoji


@pytest.mark.skipif(subprocess.run(["which", "fc-list"], capture_output=True).returncode,
                    reason="needs fontconfig")
def test_the_installed_sans_font_has_the_marks():
    chars = "".join(jc.HEALTH_MARKS.values()) + "▼✓◐"
    codes = ",".join(f"{ord(c):x}" for c in chars)
    found = subprocess.run(["fc-list", f":charset={codes}", "family"], capture_output=True,
                           text=True).stdout
    assert "DejaVu Sans" in found


def test_value_chart_has_no_rotated_axis_title_to_push_its_title_away():
    spec = charts.value_by_group_chart([{"nps_group": "promoter", "revenue_per_customer": 10.0,
                                         "customers": 1}]).to_dict()
    assert spec["encoding"]["y"]["title"] is None
    assert spec["title"] == "Revenue per customer by NPS group"
