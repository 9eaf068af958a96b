"""The scorecard for people: values, changes and intervals in the workspace's number format,
and the sentences that go with a card (caveats, what revenue retention and lifetime value
assume)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cxcore import locale_settings as loc
from cxcore import metrics as m
from cxcore.period import Period, parse_period
from cxcore.scorecard.base import next_day
from cxcore.scorecard.catalogue import METRIC_BY_KEY
from cxcore.scorecard.customers import snapshot_words


def format_value(value: float | None, unit: str, *, precise: bool = False,
                 missing: str = "no data", where: Any = None) -> str:
    """A metric value as people read it, by :attr:`MetricDef.unit`: ``"%"`` → ``42.5 %``,
    ``"pts"`` → ``+31``, ``"/7"`` → ``5.12 / 7``, ``"count"`` → ``1,204``, ``"money"`` →
    ``$12,345`` in the workspace's currency and number format (``where``: a session or a
    :class:`cxcore.locale_settings.Locale`). ``None`` gives ``missing``; nothing prints "-0".

    ``precise`` (the command line's table) shows points with one decimal (``+31.4``) and money
    with two (``$12,345.68``); the cards and the report round both to whole numbers.
    """
    if value is None:
        return missing
    if unit == "%":
        return loc.format_pct(value, 1, where)
    if unit == "pts":
        return loc.format_points(value, 1 if precise else 0, where)
    if unit == "/7":
        return f"{loc.format_number(value, 2, where)} / 7"
    if unit == "count":
        return loc.format_number(value, 0, where)
    return loc.format_money(value, where, 2 if precise else 0)


def format_change(change: float | None, unit: str, where: Any = None) -> str | None:
    """A change between two periods, always signed: percentage points for ``"%"``
    (``+2.5 pp``), points for ``"pts"`` (``-3.0 pts``), two decimals for ``"/7"`` (``+0.25``),
    money in the workspace's currency (``+$1,200``), a whole number otherwise. ``None``
    (nothing to compare with) gives ``None``."""
    if change is None:
        return None
    if unit == "%":
        return loc.format_pp(change, 1, where)
    if unit == "pts":
        return f"{loc.format_number(change, 1, where, signed=True)} pts"
    if unit == "/7":
        return loc.format_number(change, 2, where, signed=True)
    if unit == "money":
        return loc.format_money(change, where, signed=True)
    return loc.format_number(change, 0, where, signed=True)


def format_interval(low: float | None, high: float | None, unit: str = "pts", *,
                    precise: bool = False, where: Any = None) -> str | None:
    """A 95 % interval as its two ends: ``95 % CI +17 to +33`` (None without one)."""
    if low is None or high is None:
        return None
    if unit == "/7":
        ends = [loc.format_number(v, 2, where) for v in (low, high)]
    else:
        ends = [format_value(v, unit, precise=precise, where=where) for v in (low, high)]
    return f"95 % CI {ends[0]} to {ends[1]}"


#: The card fields that hold each metric's interval and sample size.
INTERVALS = {"nps": ("nps_low", "nps_high", "nps_n"), "enps": ("enps_low", "enps_high", "enps_n"),
             "ces_mean": ("ces_low", "ces_high", "ces_n")}


def metric_interval_text(card: dict[str, Any], key: str, *, precise: bool = False,
                         where: Any = None) -> str | None:
    """The interval and sample size shown next to a metric: ``(95 % CI +17 to +33), n = 360``
    for NPS, eNPS and customer effort; ``None`` for other metrics or without an interval."""
    fields = INTERVALS.get(key)
    if not fields or card.get(fields[0]) is None:
        return None
    d = METRIC_BY_KEY[key]
    interval = format_interval(card[fields[0]], card[fields[1]], d.unit, precise=precise,
                               where=where)
    return f"({interval}), n = {loc.format_number(card[fields[2]], 0, where)}"


def metric_with_interval(card: dict[str, Any], key: str, *, precise: bool = False,
                         where: Any = None, missing: str = "no data") -> str:
    """A metric value followed by its interval when it has one:
    ``+25 (95 % CI +17 to +33), n = 360``."""
    d = METRIC_BY_KEY[key]
    text = format_value(card.get(key), d.unit, precise=precise, missing=missing, where=where)
    extra = metric_interval_text(card, key, precise=precise, where=where)
    return f"{text} {extra}" if extra and card.get(key) is not None else text


def caveats(card: dict, period: str | Period, before: dict | None, compare_words: str | None, *,
             show_day: Any = str, note_no_comparison: bool = True,
             min_n: int = m.SMALL_SAMPLE) -> list[tuple[str, str]]:
    """What to say before anyone reads the scorecard of ``period``: ("info" | "warning", text).

    A snapshot customer file's left-truncation (:func:`snapshot_words`), a period still in
    progress (the data ends before it does), an NPS from fewer than
    ``min_n`` answers (the workspace's small-sample threshold) in this or the comparison
    period, and no
    comparison period at all (unless ``note_no_comparison`` is false: the page shows that
    through its own picker). ``show_day`` formats the last date of the data.
    """
    per = parse_period(period)
    notes = []
    if card.get("snapshot"):
        notes.append(("info", snapshot_words(card["snapshot"], show_day)))
    if not per.is_all and card["data_last_date"] and (
            per.end > next_day(card["data_last_date"])):
        notes.append(("info", f"{per.label} is still in progress: the data ends on "
                              f"{show_day(card['data_last_date'])}, so revenue and churn cover "
                              "only part of it."))
    if card["nps_n"] and card["nps_n"] < min_n:
        notes.append(("warning", f"Only {card['nps_n']} NPS answers in {period_words(per)}: "
                                 "the score can move a lot by chance. Treat it as an "
                                 "indication, not a result."))
    if before is not None and before["nps_n"] and before["nps_n"] < min_n:
        notes.append(("warning", f"Only {before['nps_n']} NPS answers in {compare_words}: "
                                 "too few to tell whether the score changed."))
    if compare_words is None and note_no_comparison:
        notes.append(("info", "There is no earlier period to compare with, so no changes are "
                              "shown."))
    return notes


def period_words(period: str | Period) -> str:
    """A period as said in a sentence: ``all`` is "all the data", others keep their label."""
    per = parse_period(period)
    return "all the data" if per.is_all else per.label


def _day_words(day: str) -> str:
    value = date.fromisoformat(day)
    return f"{value.day} {value:%b %Y}"


def revenue_retention_words(card: dict[str, Any]) -> str | None:
    """One sentence on what the card's revenue retention compares (None without a window)."""
    window = card.get("revenue_retention_window")
    if not window:
        return None
    last_day = (date.fromisoformat(window["end"]) - timedelta(days=1)).isoformat()
    base_last = (date.fromisoformat(window["start"]) - timedelta(days=1)).isoformat()
    if card.get("period_start") is None:
        span = (f"the last 12 months of data ({_day_words(window['start'])} to "
                f"{_day_words(last_day)}) with the 12 months before")
    else:
        span = (f"{card['period']} with the period before it ({_day_words(window['base_start'])}"
                f" to {_day_words(base_last)})")
    cohort = card.get("revenue_cohort") or 0
    since = _day_words(window["base_start"])
    if not cohort:
        return (f"Revenue retention compares {span}, for customers who were already customers "
                f"on {since}: there are none with revenue yet, so it can't be shown.")
    who = (f"for the {cohort:,} customer{'s' if cohort != 1 else ''} who were already "
           f"customers on {since} and paid in it")
    return f"Revenue retention compares {span}, {who}."


#: Column labels of :func:`breakdown_table`.
BREAKDOWN_COLUMNS = {"responses": "Responses", "nps": "NPS", "nps_ci": "NPS 95 % CI",
                     "csat_pct": "CSAT", "ces_mean": "Effort (1-7)", "customers": "Customers",
                     "churn_rate_pct": "Churn", "retention_rate_pct": "Retention"}


def breakdown_table(rows: list[dict[str, Any]], by: str,
                    where: Any = None) -> list[dict[str, str]]:
    """The rows of :func:`breakdown` for people: readable column names, rounded numbers with
    units, the NPS interval as its two ends, "—" where there is no value (missing segments are
    already "(not set)")."""
    def show(key: str, row: dict[str, Any]) -> str:
        if key == "nps_ci":
            if row.get("nps_low") is None:
                return "—"
            return (f"{loc.format_points(row['nps_low'], 0, where)} to "
                    f"{loc.format_points(row['nps_high'], 0, where)}")
        value = row.get(key)
        if value is None or value != value:
            return "—"
        if key == "nps":
            return loc.format_points(value, 0, where)
        if key in ("csat_pct", "churn_rate_pct", "retention_rate_pct"):
            return loc.format_pct(value, 0, where)
        if key == "ces_mean":
            return f"{loc.format_number(value, 1, where)} / 7"
        return loc.format_number(value, 0, where)

    return [{by.capitalize(): str(row[by]),
             **{label: show(key, row) for key, label in BREAKDOWN_COLUMNS.items()}}
            for row in rows]



def clv_words(card: dict[str, Any], where: Any = None) -> str | None:
    """The assumptions behind the card's lifetime values, in one or two sentences (None
    without a CLV)."""
    if card.get("clv") is None:
        return None
    inputs = card.get("clv_inputs") or {}
    churn = loc.format_pct(card.get("monthly_churn_pct"), 2, where)
    source = ("measured in the snapshot's last month" if card.get("clv_churn_source") ==
              "snapshot" else "churn events per customer-month in the period")
    margin = inputs.get("gross_margin_pct", 100.0)
    what = "revenue (gross margin 100 %)" if margin >= 100 else (
        f"gross margin ({loc.format_pct(margin, 0, where)} of revenue)")
    return (f"Lifetime value counts {what}: "
            f"{loc.format_money(card.get('monthly_revenue_per_customer'), where)} a month per "
            f"customer, kept each month with a monthly churn of {churn} ({source}), for at most "
            f"{loc.format_number(inputs.get('clv_horizon_years', 5), 1, where)} years; the "
            f"discounted value also discounts at "
            f"{loc.format_pct(inputs.get('annual_discount_rate_pct'), 0, where)} a year.")

