"""Interview charts: the sentiment bars keep their height and full legend; the themes axis
keeps empty periods."""

from __future__ import annotations

from cxcore import interview_charts as charts


def test_sentiment_chart_has_a_band_per_kind_and_every_sentiment_in_the_legend():
    spec = charts.sentiment_chart([{"kind": "customer", "sentiment": "negative",
                                    "interviews": 3}]).to_dict()
    assert spec["height"] == {"step": 44}  # never squeezed into a strip
    assert spec["encoding"]["y"]["scale"]["domain"] == ["customer", "employee"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["negative", "neutral", "positive"]
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_themes_axis_keeps_an_empty_quarter_and_month():
    rows = [{"period": "2025-Q4", "tag": "a", "interviews": 2},
            {"period": "2026-Q2", "tag": "a", "interviews": 1}]
    spec = charts.tag_frequency_chart(rows).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    months = charts.tag_frequency_chart([{"period": "2025-12", "tag": "a", "interviews": 1},
                                         {"period": "2026-02", "tag": "a", "interviews": 1}],
                                        "Month").to_dict()
    assert months["encoding"]["x"]["scale"]["domain"] == ["2025-12", "2026-01", "2026-02"]
    assert charts.all_periods([]) == []
