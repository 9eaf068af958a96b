"""The hard-plus-soft scorecard: SQL aggregates over a workspace's responses, pulse answers,
customers and revenue events, turned into metrics by :mod:`cxcore.metrics`.

Periods
    ``all`` (every record), a year ``2026``, a quarter ``2026-Q3``, a month ``2026-05``, or a date
    range ``2026-01-15..2026-03-31`` (both days included). A record belongs to a period when its
    ISO date falls in ``[start, end)`` (``end`` is the day after the last day).

Definitions (the docstrings of the functions below repeat the ones they compute)
    *Active customer in a period*: ``start_date`` before the period's end and no ``end_date``
    before its start. *Customers at the start* (churn base): started before the period and not
    ended before it. *Churned in the period*: a base customer whose ``end_date`` falls in it.
    Customers flagged ``churned`` without an ``end_date`` cannot be placed in time: they count as
    churned for ``all`` and are left out of the churn base of dated periods.

    *Net revenue*: ``amount`` for kinds new, renewal and upsell; ``−|amount|`` for downgrade and
    refund. *GRR / NRR* (the standard cohort definition, like for like): the base period is the
    window of the same length just before the period; the cohort is the customers with positive
    net revenue R0 in it who were already customers when it began (their ``start_date``, or
    their first revenue event, is before it). R1 is a cohort customer's net revenue in the
    period, so it includes expansion and loses contraction and churn (a churned customer has
    R1 = 0; new customers of the period are not in the cohort). NRR = Σ max(R1, 0) / Σ R0;
    GRR = Σ min(max(R1, 0), R0) / Σ R0, the same capped so that no expansion counts (GRR ≤ 100 %).
    Customers who joined during the base period are left out of the cohort: they paid for only
    part of it, so their growth into a full period would count as expansion and push NRR far
    above 100 % in a young or fast-growing book. For ``all`` the period is the last 12 months of
    data and the base the 12 months before. ``revenue_cohort`` says how many customers the
    cohort holds.

    *Monthly churn* (for CLV) = churn events in the window / customer-months of exposure in it;
    *monthly revenue per customer* = net revenue in the window / customer-months (or, with no
    revenue events, the average ``monthly_revenue`` of active customers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from cxcore import locale_settings as loc
from cxcore import metrics as m
from cxcore.errors import Problem, ValidationError
from cxcore.rollups import NET_AMOUNT, RAW_FINGERPRINT_SQL, RESPONSE_AGGREGATE
from cxcore.workspace import WorkspaceSession

DAYS_PER_MONTH = 365.2425 / 12
TARGETS_SETTING = "scorecard_targets"
FINANCE_SETTING = "scorecard_finance"
DEFAULT_FINANCE = {"gross_margin_pct": 100.0, "annual_discount_rate_pct": 10.0,
                   "clv_horizon_years": float(m.CLV_HORIZON_YEARS)}
SMALL_SAMPLE_SETTING = "small_sample_min"
NOT_SET = "(not set)"  # the breakdown group of records without a segment or channel


# ---- metric catalogue ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MetricDef:
    """How a scorecard metric is shown, compared and judged against a target."""

    key: str
    label: str
    unit: str            # "pts", "%", "/7", "money", "count"
    higher_is_better: bool
    hard: bool           # hard (business) metric, or soft (perception)
    test: str | None     # "nps", "proportion", "mean" or None (not tested)
    help: str


METRICS: tuple[MetricDef, ...] = (
    MetricDef("nps", "NPS", "pts", True, False, "nps",
              "Net Promoter Score: the % of promoters (9-10) minus the % of detractors (0-6), "
              "from -100 to 100."),
    MetricDef("csat_pct", "CSAT", "%", True, False, "proportion",
              "The share of answers that are satisfied: 4 or 5 on a 1-5 scale."),
    MetricDef("ces_mean", "Customer effort", "/7", True, False, "mean",
              "The average effort answer on 1-7 where 7 = very easy (higher is better)."),
    MetricDef("rating_index", "CX index", "pts", True, False, None,
              "The effectiveness, ease and emotion ratings (1-7) averaged on a 0-100 scale."),
    MetricDef("enps", "eNPS", "pts", True, False, "nps",
              "Employee NPS from the pulse survey: would staff recommend working here, "
              "-100 to 100."),
    MetricDef("retention_rate_pct", "Retention", "%", True, True, "proportion",
              "The share of customers at the start of the period still customers at its end."),
    MetricDef("churn_rate_pct", "Churn", "%", False, True, "proportion",
              "The share of customers at the start of the period who left during it."),
    MetricDef("nrr_pct", "Net revenue retention", "%", True, True, None,
              "What the customers who paid throughout the period before pay now, incl. "
              "upsells, minus downgrades and those who left, as a % of what they paid then. "
              "Customers who joined during the period before are not counted."),
    MetricDef("grr_pct", "Gross revenue retention", "%", True, True, None,
              "Like net revenue retention, but upsells don't count: only what was lost to "
              "leavers and downgrades (at most 100 %)."),
    MetricDef("revenue_per_customer", "Revenue per customer", "money", True, True, None,
              "What a paying customer paid on average in the period (net revenue / customers "
              "with revenue)."),
    MetricDef("clv", "Customer lifetime value", "money", True, True, None,
              "The gross margin a customer is expected to bring over the lifetime horizon "
              "(default 5 years), from today's monthly revenue and monthly churn; with the "
              "gross margin at 100 % it is revenue."),
    MetricDef("clv_discounted", "Discounted CLV", "money", True, True, None,
              "The same lifetime margin in today's money: each future month discounted at "
              "the annual discount rate."),
    MetricDef("expansion_revenue", "Upsell revenue", "money", True, True, None,
              "The revenue from upsell events in the period."),
    MetricDef("referrals", "Referred customers", "count", True, True, None,
              "How many new customers of the period came by referral from a customer."),
)
METRIC_BY_KEY = {d.key: d for d in METRICS}


#: What to import to see a metric that has no data.
NEEDS = {
    "nps": "survey responses with an NPS answer", "csat_pct": "survey responses with CSAT",
    "ces_mean": "survey responses with customer effort",
    "rating_index": "survey responses with effectiveness, ease or emotion ratings",
    "enps": "employee pulse answers", "retention_rate_pct": "customers with start dates",
    "churn_rate_pct": "customers with start dates",
    "nrr_pct": "revenue from customers who paid throughout the period before",
    "grr_pct": "revenue from customers who paid throughout the period before",
    "revenue_per_customer": "revenue events",
    "clv": "customers and revenue events", "clv_discounted": "customers and revenue events",
    "expansion_revenue": "revenue events with upsells",
    "referrals": "customers with a 'referred by' column"}


# ---- formatting ---------------------------------------------------------------------------------

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


# ---- periods ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A reporting period: ``start`` inclusive, ``end`` exclusive (ISO dates); both None = all."""

    label: str
    start: str | None
    end: str | None
    grain: str  # "all", "year", "quarter", "month", "range"

    @property
    def is_all(self) -> bool:
        """True for the whole history."""
        return self.start is None

    def months(self) -> float | None:
        """Length in months (None for all)."""
        if self.start is None or self.end is None:
            return None
        days = (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days
        return days / DAYS_PER_MONTH


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str | Period | None) -> Period:
    """A :class:`Period` from ``all`` / ``2026`` / ``2026-Q3`` / ``2026-05`` /
    ``2026-01-15..2026-03-31``; raises ValidationError for anything else. A :class:`Period` is
    returned as it is, so the edge (page, CLI) parses once and passes the value down."""
    if isinstance(text, Period):
        return text
    raw = (text or "all").strip()
    if raw.lower() == "all":
        return Period("all", None, None, "all")
    if match := _YEAR.match(raw):
        year = int(match.group(1))
        return Period(raw, f"{year:04d}-01-01", f"{year + 1:04d}-01-01", "year")
    if match := _QUARTER.match(raw):
        year, quarter = int(match.group(1)), int(match.group(2))
        first = date(year, 3 * quarter - 2, 1)
        return Period(f"{year}-Q{quarter}", first.isoformat(), _add_months(first, 3).isoformat(),
                      "quarter")
    if match := _MONTH.match(raw):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            first = date(year, month, 1)
            return Period(raw, first.isoformat(), _add_months(first, 1).isoformat(), "month")
    if match := _RANGE.match(raw):
        try:
            first = date.fromisoformat(match.group(1))
            last = date.fromisoformat(match.group(2))
        except ValueError:
            first = last = None
        if first and last and first <= last:
            return Period(f"{first}..{last}", first.isoformat(),
                          (last + timedelta(days=1)).isoformat(), "range")
    raise ValidationError(Problem(
        "period", f"'{raw}' is not a period: use all, a year (2026), a quarter (2026-Q3), a "
                  "month (2026-05) or a date range (2026-01-01..2026-03-31)."))


def previous_period(period: Period) -> Period | None:
    """The period of the same kind and length just before ``period`` (None for all)."""
    if period.is_all:
        return None
    start = date.fromisoformat(period.start)  # type: ignore[arg-type]
    end = date.fromisoformat(period.end)  # type: ignore[arg-type]
    if period.grain == "year":
        return parse_period(str(start.year - 1))
    if period.grain == "quarter":
        prev = _add_months(start, -3)
        return parse_period(f"{prev.year}-Q{(prev.month - 1) // 3 + 1}")
    if period.grain == "month":
        prev = _add_months(start, -1)
        return parse_period(f"{prev.year:04d}-{prev.month:02d}")
    length = end - start
    return parse_period(f"{start - length}..{start - timedelta(days=1)}")


def data_range(session: WorkspaceSession) -> tuple[str | None, str | None]:
    """The first and last dates found in responses, pulse, customers and revenue events."""
    # One min() or max() per sub-select, so SQLite answers each from an index end.
    tables = (("responses", "date"), ("pulse", "date"), ("revenue_events", "date"),
              ("customers", "start_date"))
    selects = [f"(select min({c}) from {t})" for t, c in tables] + [
        f"(select max({c}) from {t})" for t, c in (*tables, ("customers", "end_date"))]
    values = session.db.execute(f"select {', '.join(selects)}").fetchone()
    lows = [v for v in values[:len(tables)] if v]
    highs = [v for v in values[len(tables):] if v]
    lo, hi = (min(lows) if lows else None), (max(highs) if highs else None)
    return (lo[:10] if lo else None, hi[:10] if hi else None)


def next_day(day: str) -> str:
    """The ISO date after ``day`` (the exclusive end of a period that ends on ``day``)."""
    return (date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat()


def available_periods(session: WorkspaceSession, grain: str = "quarter") -> list[str]:
    """Period labels of ``grain`` (year, quarter, month) covering the data, newest first."""
    lo, hi = data_range(session)
    if lo is None or hi is None:
        return []
    try:
        first, last = date.fromisoformat(lo), date.fromisoformat(hi)
    except ValueError:
        return []
    labels: list[str] = []
    if grain == "year":
        labels = [str(y) for y in range(first.year, last.year + 1)]
    elif grain == "quarter":
        cur = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
        while cur <= last:
            labels.append(f"{cur.year}-Q{(cur.month - 1) // 3 + 1}")
            cur = _add_months(cur, 3)
    else:
        cur = date(first.year, first.month, 1)
        while cur <= last:
            labels.append(f"{cur.year:04d}-{cur.month:02d}")
            cur = _add_months(cur, 1)
    return labels[::-1]


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
    per = period if isinstance(period, Period) else parse_period(period)
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


# ---- aggregates ---------------------------------------------------------------------------------

def _window(period: Period, column: str = "date") -> tuple[str, list[Any]]:
    if period.is_all:
        return "1", []
    return f"{column} >= ? and {column} < ?", [period.start, period.end]


def _filters(segment: str | None, channel: str | None,
             named: bool = False) -> tuple[str, list]:
    clauses, params = [], []
    for column, value in (("segment", segment), ("channel", channel)):
        if value is not None:
            clauses.append(f"{column} = :{column}" if named else f"{column} = ?")
            params.append(value)
    return (" and ".join(clauses) or "1"), params


def rollups_fresh(db: sqlite_utils.Database) -> bool:
    """Whether the rollups match the raw rows' fingerprint (:data:`RAW_FINGERPRINT_SQL`)."""
    row = db.execute("select value from rollup_state where key = 'raw'").fetchone()
    return row is not None and json.loads(row[0]) == list(db.execute(RAW_FINGERPRINT_SQL)
                                                          .fetchone())


#: :data:`RESPONSE_AGGREGATE` summed over the day rollup (``rollup_responses`` of
#: :mod:`cxcore.rollups`), which holds those measures per day × segment × channel × step.
ROLLUP_AGGREGATE = ", ".join(f"sum({name}) as {name}"
                             for name in re.findall(r" as (\w+)", RESPONSE_AGGREGATE))


def _response_sql(period: Period, segment: str | None, channel: str | None,
                  group_by: str | None = None, rolled: bool = True) -> tuple[str, list]:
    """The responses' counts and sums, from the day rollup (``rolled``) or the raw rows;
    ``group_by`` is an expression of ``day`` (rollup) or ``date`` (raw), segment, channel."""
    where, params = _window(period, "day" if rolled else "date")
    fwhere, fparams = _filters(segment, channel)
    select = f"{group_by} as grp, " if group_by else ""
    source = f"{ROLLUP_AGGREGATE} from rollup_responses" if rolled else \
        f"{RESPONSE_AGGREGATE} from responses"
    sql = f"select {select}{source} where {where} and {fwhere}"
    if group_by:
        sql += " group by grp order by grp"
    return sql, params + fparams


def _pulse_sql(period: Period) -> tuple[str, list]:
    where, params = _window(period)
    return (f"select count(enps) as enps_n, sum(enps >= 9) as enps_promoters, "
            f"sum(enps between 7 and 8) as enps_passives, sum(enps <= 6) as enps_detractors "
            f"from pulse where {where}"), params


def _customer_sql(period: Period, as_of_end: str, segment: str | None,
                  channel: str | None) -> tuple[str, list]:
    """Customers active, churn base, churned, exposure (customer-months) and new customers."""
    fwhere, _ = _filters(segment, channel, named=True)
    start = period.start or "0000-01-01"
    end = period.end or as_of_end
    known = "not (churned = 1 and end_date is null)"
    started = "coalesce(start_date, '0000-01-01')"
    if period.is_all:
        churned = "sum(churned = 1 or end_date is not null)"
        base = "count(*)"
        events = churned
    else:
        base = f"sum({started} < :start and (end_date is null or end_date >= :start) and {known})"
        churned = (f"sum({started} < :start and end_date >= :start and end_date < :end)")
        events = "sum(end_date >= :start and end_date < :end)"
    # Exposure: days inside [start, end) while a customer; unknown-date churners until the end.
    exposure = (f"sum(max(0, julianday(min(coalesce(end_date, :end), :end)) - "
                f"julianday(max({started}, :start))))")
    sql = (f"select count(*) as customers, {base} as churn_base, {churned} as churned, "
           f"{events} as churn_events, {exposure} as exposure_days, "
           f"sum({started} >= :start and {started} < :end) as new_customers, "
           f"sum({started} >= :start and {started} < :end and referred_by is not null "
           f"and referred_by != '') as referrals, "
           f"sum(referred_by is not null and referred_by != '') as referral_data, "
           f"avg(monthly_revenue) as avg_monthly_revenue "
           f"from customers where {started} < :end and coalesce(end_date, :end) >= :start"
           f" and {fwhere}")
    params: dict[str, Any] = {"start": start, "end": end}
    if segment is not None:
        params["segment"] = segment
    if channel is not None:
        params["channel"] = channel
    return sql, params  # type: ignore[return-value]


def _revenue_windows(period: Period, as_of: str | None) -> tuple[str, str, str] | None:
    """(base start, period start, period end) for GRR/NRR; ``all`` = last 12 months of data.

    The cohort is the customers paying in [base start, period start) who were customers before
    base start; NRR/GRR compare their revenue in [period start, period end) with it."""
    if period.is_all:
        if as_of is None:
            return None
        last = date.fromisoformat(as_of)
        end = _add_months(date(last.year, last.month, 1), 1)
        start = _add_months(end, -12)
        return _add_months(start, -12).isoformat(), start.isoformat(), end.isoformat()
    prev = previous_period(period)
    return prev.start, period.start, period.end  # type: ignore[union-attr,return-value]


def _month_aligned(*days: str | None) -> bool:
    return all(d is not None and d[8:10] == "01" for d in days)


def _revenue_sql(period: Period, windows: tuple[str, str, str], segment: str | None,
                 channel: str | None, rolled: bool = True) -> tuple[str, dict]:
    """Base (R0) and period (R1) revenue per customer, then totals: from the customer × month
    rollup (``rollup_revenue`` of :mod:`cxcore.rollups`) when the windows start on the 1st of
    a month (years, quarters, months, all), from the raw events otherwise (date ranges)."""
    if not rolled or not _month_aligned(*windows):
        return _revenue_events_sql(period, windows, segment, channel)
    base_start, start, end = windows
    params: dict[str, Any] = {"base_start": base_start[:7], "start": start[:7],
                              "end": end[:7]}
    lower = "1" if period.is_all else "month >= :base_start and month < :end"
    cust_filter = ""
    if segment is not None or channel is not None:
        fwhere, _ = _filters(segment, channel, named=True)
        cust_filter = f" and customer_id in (select id from customers where {fwhere})"
        params.update({k: v for k, v in (("segment", segment), ("channel", channel))
                       if v is not None})
    if period.is_all:
        period_sums = "sum(net) as p, sum(n) as pn, sum(iif(kind = 'upsell', amount, null)) as up"
    else:
        period_sums = ("sum(iif(month >= :start, net, null)) as p, "
                       "sum(iif(month >= :start, n, 0)) as pn, "
                       "sum(iif(month >= :start and kind = 'upsell', amount, null)) as up")
    # The cohort test of _revenue_events_sql, with each customer's first revenue date kept
    # in rollup_revenue_customers; months compare as 'YYYY-MM' text.
    since = ("(select min(coalesce(s, f), coalesce(f, s)) from "
             "(select (select start_date from customers where id = t.customer_id) as s, "
             "(select first_date from rollup_revenue_customers f "
             "where f.customer_id = t.customer_id) as f))")
    sql = (
        "with t as materialized (select customer_id, "
        " sum(iif(month >= :base_start and month < :start, net, null)) as r0, "
        " sum(iif(month >= :start and month < :end, net, null)) as r1, "
        f" {period_sums} "
        f" from rollup_revenue where {lower}{cust_filter} group by customer_id), "
        f"c as materialized (select t.*, (r0 > 0 and {since} < :base_start_day) as k from t) "
        "select sum(iif(k, r0, null)) as r0, "
        "sum(iif(k, max(coalesce(r1, 0), 0), null)) as r1, "
        "sum(iif(k, min(max(coalesce(r1, 0), 0), r0), null)) as r1_capped, "
        "sum(k) as cohort, sum(r0 > 0) as base_payers, "
        "sum(iif(pn > 0, p, null)) as revenue, sum(pn > 0) as paying_customers, "
        "sum(up) as upsell from c")
    params["base_start_day"] = base_start
    return sql, params


def _revenue_events_sql(period: Period, windows: tuple[str, str, str], segment: str | None,
                        channel: str | None) -> tuple[str, dict]:
    """One pass over revenue events grouped by customer: base (R0) and period (R1) revenue."""
    base_start, start, end = windows
    lower = "1" if period.is_all else "date >= :base_start and date < :end"
    cust_filter = ""
    params: dict[str, Any] = {"base_start": base_start, "start": start, "end": end}
    if segment is not None or channel is not None:
        fwhere, _ = _filters(segment, channel, named=True)
        cust_filter = f" and customer_id in (select id from customers where {fwhere})"
        params.update({k: v for k, v in (("segment", segment), ("channel", channel))
                       if v is not None})
    if period.is_all:
        # Whole history: the period's revenue is every event's.
        period_sums = (f"sum({NET_AMOUNT}) as p, count(*) as pn, "
                       "sum(iif(kind = 'upsell', amount, null)) as up")
    else:
        period_sums = ("sum(iif(date >= :start, net, null)) as p, "
                       "sum(date >= :start) as pn, "
                       "sum(iif(date >= :start and kind = 'upsell', amount, null)) as up")
        period_sums = period_sums.replace("net", NET_AMOUNT)
    # The cohort: customers with revenue in the base window who were already customers when
    # it began (start date, or their first revenue event, before it), so that both windows
    # cover each of them for their whole length.
    since = ("(select min(coalesce(s, f), coalesce(f, s)) from "
             "(select (select start_date from customers where id = t.customer_id) as s, "
             "(select min(date) from revenue_events e where e.customer_id = t.customer_id) "
             "as f))")
    # Materialized so the cohort test runs once per customer, not once per use below.
    sql = (
        "with t as materialized (select customer_id, "
        f" sum(iif(date >= :base_start and date < :start, {NET_AMOUNT}, null)) as r0, "
        f" sum(iif(date >= :start and date < :end, {NET_AMOUNT}, null)) as r1, "
        f" {period_sums} "
        f" from revenue_events where {lower}{cust_filter} group by customer_id), "
        f"c as materialized (select t.*, (r0 > 0 and {since} < :base_start) as k from t) "
        "select sum(iif(k, r0, null)) as r0, "
        "sum(iif(k, max(coalesce(r1, 0), 0), null)) as r1, "
        "sum(iif(k, min(max(coalesce(r1, 0), 0), r0), null)) as r1_capped, "
        "sum(k) as cohort, sum(r0 > 0) as base_payers, "
        "sum(iif(pn > 0, p, null)) as revenue, sum(pn > 0) as paying_customers, "
        "sum(up) as upsell from c")
    return sql, params


def bare_sql(session: WorkspaceSession, period: str | Period = "all") -> list[tuple]:
    """The SQL the scorecard needs, run bare (no Python around it): the benchmark's floor."""
    per = period if isinstance(period, Period) else parse_period(period)
    db = session.db
    _, hi = data_range(session)
    out = []
    rolled = rollups_fresh(db)
    for sql, params in (_response_sql(per, None, None, rolled=rolled), _pulse_sql(per)):
        out.append(db.execute(sql, params).fetchone())
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat() if hi else "9999-12-31"
    sql, params = _customer_sql(per, as_of_end, None, None)
    out.append(db.execute(sql, params).fetchone())
    windows = _revenue_windows(per, hi)
    if windows:
        sql, params = _revenue_sql(per, windows, None, None, rolled)
        out.append(db.execute(sql, params).fetchone())
    return out


def _row(db: sqlite_utils.Database, sql: str, params: Any) -> dict[str, Any]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    values = cursor.fetchone()
    return dict(zip(names, values or [None] * len(names), strict=True))


def small_sample_threshold(session: WorkspaceSession) -> int:
    """The fewest answers each period needs before a change is tested (workspace setting
    ``small_sample_min``, default :data:`cxcore.metrics.SMALL_SAMPLE` = 30)."""
    value = session.setting(SMALL_SAMPLE_SETTING, m.SMALL_SAMPLE)
    return int(value) if isinstance(value, int | float) and value >= 2 else m.SMALL_SAMPLE


def set_small_sample_threshold(session: WorkspaceSession, n: int) -> None:
    """Store the small-sample threshold (a whole number from 2 to 10,000; editors+)."""
    session.require("editor")
    if isinstance(n, bool) or not isinstance(n, int | float) or n != int(n) or not 2 <= n <= 10000:
        raise ValidationError(Problem(SMALL_SAMPLE_SETTING, f"must be a whole number from 2 to "
                                                            f"10,000, not {n!r}"))
    session.set_setting(SMALL_SAMPLE_SETTING, int(n))


def save_settings(session: WorkspaceSession, *, new_targets: dict[str, dict[str, Any]],
                  gross_margin_pct: float, annual_discount_rate_pct: float,
                  clv_horizon_years: float, small_sample_min: int, timezone_name: str,
                  currency: str, number_format: str) -> None:
    """Everything the Scorecard's settings form holds, stored in one transaction (editors+):
    :func:`set_targets`, :func:`set_finance_settings`, :func:`set_small_sample_threshold` and
    :func:`cxcore.locale_settings.set_locale`. The first refusal raises ValidationError and
    nothing at all is stored."""
    session.require("editor")
    with session.db.atomic():
        set_targets(session, new_targets)
        set_finance_settings(session, gross_margin_pct, annual_discount_rate_pct,
                             clv_horizon_years)
        set_small_sample_threshold(session, small_sample_min)
        loc.set_locale(session, timezone_name=timezone_name, currency=currency,
                       number_format=number_format)


def finance_settings(session: WorkspaceSession) -> dict[str, float]:
    """Gross margin (%), annual discount rate (%) and the lifetime horizon (years) of the
    CLVs."""
    stored = session.setting(FINANCE_SETTING, {}) or {}
    return {**DEFAULT_FINANCE, **{k: float(v) for k, v in stored.items()
                                  if k in DEFAULT_FINANCE and v is not None}}


def set_finance_settings(session: WorkspaceSession, gross_margin_pct: float,
                         annual_discount_rate_pct: float,
                         clv_horizon_years: float | None = None) -> None:
    """Store the gross margin (0-100 %), annual discount rate (0-100 %) and, when given, the
    CLV lifetime horizon (more than 0, at most 50 years) (editors+)."""
    session.require("editor")
    problems = []
    for field, value in (("gross_margin_pct", gross_margin_pct),
                         ("annual_discount_rate_pct", annual_discount_rate_pct)):
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            problems.append(Problem(field, f"must be a number from 0 to 100, not {value!r}"))
    horizon = finance_settings(session)["clv_horizon_years"] if clv_horizon_years is None \
        else clv_horizon_years
    if not isinstance(horizon, int | float) or not 0 < horizon <= 50:
        problems.append(Problem("clv_horizon_years",
                                f"must be more than 0 and at most 50 years, not {horizon!r}"))
    if problems:
        raise ValidationError(problems)
    session.set_setting(FINANCE_SETTING, {"gross_margin_pct": float(gross_margin_pct),
                                          "annual_discount_rate_pct":
                                              float(annual_discount_rate_pct),
                                          "clv_horizon_years": float(horizon)})


def _i(value: Any) -> int:
    return int(value or 0)


# ---- snapshot customer files -------------------------------------------------------------------

#: Written by :func:`cxcore.importers.commit_import` for a snapshot customer file.
SNAPSHOT_SETTING = "customer_snapshot"


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    last = (_add_months(date(year, month, 1), 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def customer_snapshot(session: WorkspaceSession) -> dict[str, Any] | None:
    """The snapshot the workspace's customers come from, or None (dated customer records).

    A snapshot customer file has tenure and a churn flag but no end dates (like IBM's telco
    sample: "left within the last month"). It only holds customers who were still there a
    month before its reference date R: whoever left earlier is missing (the data is
    left-truncated). So churn is observed in one window only, the month up to R:
    ``window_start`` = R − 1 month + 1 day to ``window_end`` = R + 1 day (exclusive).
    ``default_period`` is the calendar month that contains R, whose churn base (customers who
    started before the month) and churners (end date R) are exactly that window's.
    None when the snapshot's import was undone."""
    stored = session.setting(SNAPSHOT_SETTING)
    if not isinstance(stored, dict) or not stored.get("reference_date"):
        return None
    batch = session.db.execute("select undone_at from import_batches where id = ?",
                               [stored.get("batch_id")]).fetchone()
    if batch is None or batch[0]:
        return None
    ref = date.fromisoformat(str(stored["reference_date"])[:10])
    start = _months_before(ref, 1) + timedelta(days=1)
    return {"reference_date": ref.isoformat(), "window_start": start.isoformat(),
            "window_end": (ref + timedelta(days=1)).isoformat(),
            "default_period": f"{ref.year:04d}-{ref.month:02d}"}


def churn_observed(period: Period, snapshot: dict[str, Any] | None) -> bool:
    """Whether a snapshot lets ``period`` show churn: the period starts within the snapshot's
    window and contains its reference date. Always True without a snapshot."""
    if snapshot is None:
        return True
    if period.is_all:
        return False
    return (snapshot["window_start"] <= period.start <= snapshot["reference_date"]  # type: ignore[operator]
            < period.end)  # type: ignore[operator]


def snapshot_words(snapshot: dict[str, Any], show_day: Any = str) -> str:
    """Left-truncation in plain words, for the page and the report."""
    ref = show_day(snapshot["reference_date"])
    return (f"Your customer list is a snapshot taken on {ref}: it holds the customers who were "
            f"still customers a month before that day, and whether they left in that last "
            f"month. Customers who left earlier are not in the file at all, so churn can only "
            f"be measured for that last month ({snapshot['default_period']}); earlier periods "
            f"show churn as not observed, not as 0 %. Lifetime values use that month's churn.")


def default_period(session: WorkspaceSession, grain: str = "quarter") -> str:
    """The period the scorecard opens on: the newest period of ``grain`` the data observes
    completely (a period in progress would show half a quarter's revenue against a whole
    one); for a snapshot customer file, the month its churn is observed in
    (:func:`customer_snapshot`); the newest period when none is complete; ``all`` without
    dated data."""
    snapshot = customer_snapshot(session)
    if snapshot is not None:
        return snapshot["default_period"]
    if grain == "all":
        return "all"
    options = available_periods(session, grain)
    last_day = data_range(session)[1]
    complete = [o for o in options
                if last_day and parse_period(o).end <= next_day(last_day)]
    return complete[0] if complete else (options[0] if options else "all")


def _apply_snapshot(out: dict[str, Any], session: WorkspaceSession, per: Period,
                    as_of_end: str, segment: str | None, channel: str | None,
                    finance: dict[str, float]) -> None:
    """Churn only where the snapshot observes it; CLV from the snapshot window's churn."""
    snapshot = customer_snapshot(session)
    out["snapshot"] = None
    if snapshot is None:
        return
    observed = churn_observed(per, snapshot)
    out["snapshot"] = {**snapshot, "churn_observed": observed}
    window = parse_period(f"{snapshot['window_start']}..{snapshot['reference_date']}")
    cust = _row(session.db, *_customer_sql(window, as_of_end, segment, channel))
    base, churned = _i(cust.get("churn_base")), _i(cust.get("churned"))
    monthly = m.churn_rate_pct(churned, base)  # the window is one month long
    out["monthly_churn_pct"] = monthly
    out["clv_churn_source"] = "snapshot"
    if not observed:
        out.update(churn_base=None, churned=None, churn_rate_pct=None,
                   retention_rate_pct=None)
    rate = None if monthly is None else monthly / 100.0
    rpc = out.get("monthly_revenue_per_customer")
    out["clv"] = m.clv_simple(rpc, rate, finance["gross_margin_pct"] / 100.0,
                              12 * finance["clv_horizon_years"])
    out["clv_discounted"] = m.clv_discounted(rpc, rate, finance["gross_margin_pct"] / 100.0,
                                             finance["annual_discount_rate_pct"] / 100.0,
                                             12 * finance["clv_horizon_years"])


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


def scorecard(session: WorkspaceSession, period: str | Period = "all", *,
              segment: str | None = None, channel: str | None = None) -> dict[str, Any]:
    """The scorecard of ``period`` (optionally for one segment or channel).

    Returns a flat dict: the metric keys of :data:`METRICS` plus ``responses``, ``nps_moe``,
    ``nps_low``/``nps_high``, the three NPS shares, ``ces_easy_pct``, ``customers`` (active in the
    period), ``new_customers``, ``monthly_churn_pct``, ``revenue``, ``revenue_cohort`` (customers
    in the GRR/NRR cohort), ``revenue_retention_window`` and the counts the comparisons need.
    A metric with no data is ``None``, never 0. See the module docstring for the definitions of
    churn, retention, GRR, NRR and CLV.
    """
    per = period if isinstance(period, Period) else parse_period(period)
    db = session.db
    _, hi = data_range(session)
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat() if hi else "9999-12-31"

    rolled = rollups_fresh(db)
    resp = _row(db, *_response_sql(per, segment, channel, rolled=rolled))
    pulse = _row(db, *_pulse_sql(per)) if segment is None and channel is None else {}
    cust = _row(db, *_customer_sql(per, as_of_end, segment, channel))
    windows = _revenue_windows(per, hi)
    rev = _row(db, *_revenue_sql(per, windows, segment, channel, rolled)) if windows else {}

    out: dict[str, Any] = {"period": per.label, "period_start": per.start,
                           "period_end": per.end, "segment": segment, "channel": channel,
                           "data_last_date": hi}
    finance = finance_settings(session)
    out.update(_soft_metrics(resp, pulse))
    out.update(_hard_metrics(cust, rev, per, windows, finance))
    out["clv_churn_source"] = "period"
    out["clv_inputs"] = dict(finance)
    _apply_snapshot(out, session, per, as_of_end, segment, channel, finance)
    return out


def _soft_metrics(resp: dict, pulse: dict) -> dict[str, Any]:
    p, pa, d = _i(resp.get("promoters")), _i(resp.get("passives")), _i(resp.get("detractors"))
    result = m.nps(p, pa, d)
    out: dict[str, Any] = {
        "responses": _i(resp.get("responses")),
        "nps_n": p + pa + d, "promoters": p, "passives": pa, "detractors": d,
        "nps": result.nps if result else None,
        "nps_moe": result.moe if result else None,
        "nps_low": result.low if result else None,
        "nps_high": result.high if result else None,
        "promoters_pct": result.promoters_pct if result else None,
        "passives_pct": result.passives_pct if result else None,
        "detractors_pct": result.detractors_pct if result else None,
        "csat_n": _i(resp.get("csat_n")), "csat_top2": _i(resp.get("csat_top2")),
        "ces_n": _i(resp.get("ces_n")), "ces_sum": float(resp.get("ces_sum") or 0),
        "ces_sumsq": float(resp.get("ces_sumsq") or 0),
    }
    out["csat_pct"] = m.csat_pct(out["csat_top2"], out["csat_n"])
    out["ces_mean"] = m.ces_mean(out["ces_sum"], out["ces_n"])
    ces_ci = m.mean_interval(out["ces_n"], out["ces_sum"], out["ces_sumsq"])
    out["ces_low"], out["ces_high"] = (ces_ci[1], ces_ci[2]) if ces_ci else (None, None)
    out["ces_easy_pct"] = m.ces_easy_pct(_i(resp.get("ces_easy")), out["ces_n"])
    out["rating_index"] = m.rating_index([
        (float(resp.get(f"{k}_sum") or 0), _i(resp.get(f"{k}_n"))) for k in ("eff", "ease", "emo")])
    ep, epa, ed = (_i(pulse.get("enps_promoters")), _i(pulse.get("enps_passives")),
                   _i(pulse.get("enps_detractors")))
    enps_result = m.nps(ep, epa, ed)
    out.update({"enps_n": ep + epa + ed, "enps_promoters": ep, "enps_passives": epa,
                "enps_detractors": ed, "enps": enps_result.nps if enps_result else None,
                "enps_moe": enps_result.moe if enps_result else None,
                "enps_low": enps_result.low if enps_result else None,
                "enps_high": enps_result.high if enps_result else None})
    return out


def _hard_metrics(cust: dict, rev: dict, per: Period, windows: tuple | None,
                  finance: dict[str, float]) -> dict[str, Any]:
    base, churned = _i(cust.get("churn_base")), _i(cust.get("churned"))
    customer_months = float(cust.get("exposure_days") or 0) / DAYS_PER_MONTH
    monthly_churn = m.monthly_churn_hazard(_i(cust.get("churn_events")), customer_months)
    paying = _i(rev.get("paying_customers"))
    revenue = float(rev["revenue"]) if rev.get("revenue") is not None else None
    if revenue is not None and customer_months > 0:
        monthly_rpc = revenue / customer_months
    elif cust.get("avg_monthly_revenue") is not None:
        monthly_rpc = float(cust["avg_monthly_revenue"])
    else:
        monthly_rpc = None
    r0 = float(rev.get("r0") or 0)
    out = {
        "customers": _i(cust.get("customers")),
        "new_customers": _i(cust.get("new_customers")),
        "churn_base": base, "churned": churned,
        "churn_rate_pct": m.churn_rate_pct(churned, base),
        "retention_rate_pct": m.retention_rate_pct(churned, base),
        "monthly_churn_pct": None if monthly_churn is None else 100 * monthly_churn,
        "revenue": revenue if paying else None,
        "paying_customers": paying,
        "revenue_per_customer": m.revenue_per_customer(revenue or 0.0, paying),
        "monthly_revenue_per_customer": monthly_rpc,
        "grr_pct": m.gross_revenue_retention_pct(float(rev.get("r1_capped") or 0), r0),
        "nrr_pct": m.net_revenue_retention_pct(float(rev.get("r1") or 0), r0),
        "revenue_cohort": _i(rev.get("cohort")),
        "revenue_base_payers": _i(rev.get("base_payers")),
        "revenue_retention_window": (None if not windows else
                                     {"base_start": windows[0], "start": windows[1],
                                      "end": windows[2]}),
        "expansion_revenue": (float(rev["upsell"]) if rev.get("upsell") is not None else None),
        # No customer has a referrer recorded: unknown, not zero.
        "referrals": _i(cust.get("referrals")) if _i(cust.get("referral_data")) else None,
        "clv": m.clv_simple(monthly_rpc, monthly_churn, finance["gross_margin_pct"] / 100.0,
                            12 * finance["clv_horizon_years"]),
        "clv_discounted": m.clv_discounted(
            monthly_rpc, monthly_churn, finance["gross_margin_pct"] / 100.0,
            finance["annual_discount_rate_pct"] / 100.0, 12 * finance["clv_horizon_years"]),
    }
    if not out["customers"]:
        out["customers"] = 0
    return out


# ---- comparison ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A metric in two periods: the change and whether it is larger than the noise.

    ``meaningful`` is True or False when a test ran on adequate samples, ``None`` when it
    cannot tell (no comparison, too few answers, not testable); ``note`` says why in words.
    ``p_value`` is the test's own, ``p_holm`` the same after Holm's correction over the
    ``family`` changes tested on the card."""

    key: str
    value: float | None
    previous: float | None
    change: float | None
    meaningful: bool | None
    note: str
    p_value: float | None = None
    p_holm: float | None = None
    family: int = 0

    def as_json(self) -> dict[str, Any]:
        """The change for ``--json``: change, meaningful (true/false/null), reason, p-values."""
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 4)
        return {"value": r(self.value), "previous": r(self.previous), "change": r(self.change),
                "meaningful": self.meaningful, "reason": self.note, "p_value": r(self.p_value),
                "p_holm": r(self.p_holm)}


#: How the card's changes are judged, in one sentence people can read.
TESTS_NOTE = ("A change is called meaningful only when both periods have enough answers and a "
              "test says it is unlikely to be chance: NPS and eNPS by the difference of their "
              "adjusted estimates (the ones their intervals are centred on), CSAT by a "
              "two-proportion test, customer effort by Welch's t-test; the p-values are "
              "corrected with Holm's method for the number of metrics tested at once, so the "
              "chance of any false alarm on the card stays at 5 %. Churn and retention are not "
              "tested (both periods count mostly the same customers); money metrics are not "
              "tested.")


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def _sample_sizes(d: MetricDef, card: dict[str, Any]) -> int:
    return {"nps": card.get("nps_n"), "enps": card.get("enps_n"), "csat_pct": card.get("csat_n"),
            "ces_mean": card.get("ces_n")}.get(d.key) or 0


def _change_test(key: str, a: dict[str, Any], b: dict[str, Any]) -> m.ChangeTest | None:
    if key == "nps":
        return m.nps_change_test((a["promoters"], a["passives"], a["detractors"]),
                                 (b["promoters"], b["passives"], b["detractors"]))
    if key == "enps":
        return m.nps_change_test(
            (a["enps_promoters"], a["enps_passives"], a["enps_detractors"]),
            (b["enps_promoters"], b["enps_passives"], b["enps_detractors"]))
    if key == "csat_pct":
        return m.proportion_change_test(a["csat_top2"], a["csat_n"], b["csat_top2"], b["csat_n"])
    if key == "ces_mean":
        return m.mean_change_test(a["ces_n"], a["ces_sum"], a["ces_sumsq"],
                                  b["ces_n"], b["ces_sum"], b["ces_sumsq"])
    return None


def compare(current: dict[str, Any], previous: dict[str, Any] | None, *,
            min_n: int = m.SMALL_SAMPLE, alpha: float = 0.05) -> dict[str, Change]:
    """Each metric of :data:`METRICS` in ``current`` against ``previous``.

    Tested (each only when both periods have at least ``min_n`` answers; below that the change
    is "too few answers to tell", ``meaningful`` None): NPS / eNPS by
    :func:`cxcore.metrics.nps_change_test` (the adjusted-Wald estimates and their combined
    standard error), CSAT by the pooled two-proportion z-test, the CES mean by Welch's t-test.
    The p-values of the metrics tested together are Holm-adjusted (:func:`cxcore.metrics.holm`)
    and a change is meaningful when its adjusted p < ``alpha``. Churn and retention are not
    tested: consecutive periods count mostly the same customers, so the samples are not
    independent. Other metrics are not tested. ``change`` is the plain difference of the shown
    values.
    """
    rows: dict[str, dict[str, Any]] = {}
    tests: dict[str, m.ChangeTest] = {}
    for d in METRICS:
        value = current.get(d.key)
        prev = previous.get(d.key) if previous else None
        change = None if value is None or prev is None else value - prev
        row: dict[str, Any] = {"value": value, "previous": prev, "change": change,
                               "meaningful": None, "note": "not tested"}
        rows[d.key] = row
        if previous is None or change is None:
            row["note"] = "no comparison data"
        elif d.key in ("churn_rate_pct", "retention_rate_pct"):
            row["note"] = "not tested (mostly the same customers in both periods)"
        elif d.test is not None:
            n_now, n_before = _sample_sizes(d, current), _sample_sizes(d, previous)
            if min(n_now, n_before) < min_n:
                row["note"] = (f"too few answers to tell ({n_now:,} and {n_before:,}; at "
                               f"least {min_n:,} needed in each period)")
            elif (test := _change_test(d.key, current, previous)) is None:
                row["note"] = "not testable"
            else:
                tests[d.key] = test
    adjusted = m.holm({k: t.p_value for k, t in tests.items()})
    family = len(tests)
    for key, test in tests.items():
        row = rows[key]
        row["meaningful"] = adjusted[key] < alpha
        corrected = (f"; p {_p(adjusted[key])} after Holm's correction for {family} tests"
                     if family > 1 else "")
        verdict = "meaningful change" if row["meaningful"] else "within the noise"
        row["note"] = f"{verdict} (p {_p(test.p_value)}{corrected})"
        row.update(p_value=test.p_value, p_holm=adjusted[key], family=family)
    return {key: Change(key, **row) for key, row in rows.items()}


# ---- targets ------------------------------------------------------------------------------------

def targets(session: WorkspaceSession) -> dict[str, dict[str, float | None]]:
    """Targets per metric key: ``{"target": float, "warn_at": float | None}``."""
    stored = session.setting(TARGETS_SETTING, {}) or {}
    return {k: v for k, v in stored.items() if k in METRIC_BY_KEY and isinstance(v, dict)}


def set_targets(session: WorkspaceSession, new_targets: dict[str, dict[str, Any]]) -> None:
    """Replace the workspace's targets (editors and owners). Each entry: ``target`` (number, or
    None to remove it) and optional ``warn_at`` (the yellow limit, on the bad side of the
    target). Unknown metrics and non-numbers are rejected; nothing is stored then."""
    session.require("editor")
    problems: list[Problem] = []
    clean: dict[str, dict[str, float | None]] = {}
    for key, entry in new_targets.items():
        d = METRIC_BY_KEY.get(key)
        if d is None:
            problems.append(Problem(key, "is not a scorecard metric"))
            continue
        target = entry.get("target") if isinstance(entry, dict) else None
        warn_at = entry.get("warn_at") if isinstance(entry, dict) else None
        if target is None:
            continue
        if not isinstance(target, int | float) or isinstance(target, bool) or target != target:
            problems.append(Problem(key, f"target must be a number, not {target!r}"))
            continue
        if warn_at is not None:
            if not isinstance(warn_at, int | float) or isinstance(warn_at, bool):
                problems.append(Problem(key, f"yellow limit must be a number, not {warn_at!r}"))
                continue
            wrong_side = warn_at > target if d.higher_is_better else warn_at < target
            if wrong_side:
                side = "below" if d.higher_is_better else "above"
                problems.append(Problem(key, f"yellow limit {warn_at} must be {side} the "
                                             f"target {target}"))
                continue
        clean[key] = {"target": float(target),
                      "warn_at": None if warn_at is None else float(warn_at)}
    if problems:
        raise ValidationError(problems)
    session.set_setting(TARGETS_SETTING, clean)


def status(key: str, value: float | None,
           workspace_targets: dict[str, dict[str, float | None]]) -> str | None:
    """green / yellow / red for ``value`` against the workspace's target (None: no target)."""
    entry = workspace_targets.get(key)
    d = METRIC_BY_KEY.get(key)
    if not entry or d is None:
        return None
    return m.target_status(value, entry.get("target"), entry.get("warn_at"), d.higher_is_better)


# ---- trends, breakdowns, cohorts, value by NPS group --------------------------------------------

#: Per month of the customers' dates: joined (dated customers whose leaving is known), ended,
#: and churned (ended after starting before the month), for customers matching ``{where}``.
CUSTOMER_MONTHS_SQL = (
    "select month, sum(joined), sum(ended), sum(churned) from ("
    " select substr(start_date, 1, 7) as month, 1 as joined, 0 as ended, 0 as churned "
    " from customers where start_date is not null and not (churned = 1 and end_date is null) "
    " and {where} union all"
    " select substr(end_date, 1, 7), 0, 1, start_date < substr(end_date, 1, 7) || '-01' "
    " from customers where end_date is not null and start_date is not null and {where}"
    ") group by 1")


def monthly_trend(session: WorkspaceSession, period: str | Period = "all", *,
                  segment: str | None = None, channel: str | None = None) -> list[dict[str, Any]]:
    """Per calendar month of ``period``: responses, NPS with its adjusted-Wald interval
    (``nps_low``/``nps_high``), CSAT, CES mean, net revenue, churn base, churned and churn rate,
    oldest month first. Months without survey answers have ``nps`` None.

    Monthly churn follows the module definition: the base is customers active on the 1st of the
    month (dated churn only), churned are those whose ``end_date`` falls in the month.
    """
    per = period if isinstance(period, Period) else parse_period(period)
    db = session.db
    months: dict[str, dict[str, Any]] = {}
    rolled = rollups_fresh(db)
    sql, params = _response_sql(per, segment, channel, rolled=rolled,
                                group_by=f"substr({'day' if rolled else 'date'}, 1, 7)")
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        soft = _soft_metrics(row, {})
        months[row["grp"]] = {k: soft[k] for k in (
            "responses", "nps_n", "nps", "nps_moe", "nps_low", "nps_high", "csat_pct", "csat_n",
            "ces_mean", "promoters_pct", "detractors_pct")}
    cust_filter, cparams = "", []
    if segment is not None or channel is not None:
        fwhere, cparams = _filters(segment, channel)
        cust_filter = f" and customer_id in (select id from customers where {fwhere})"
    # Net revenue per month from the customer × month rollup (a date range's partial months
    # from the raw events).
    if rolled and (per.is_all or _month_aligned(per.start, per.end)):
        where, wparams = _window(Period(per.label, per.start and per.start[:7],
                                        per.end and per.end[:7], per.grain), "month")
        revenue_sql = (f"select month, sum(net) from rollup_revenue where {where}{cust_filter} "
                       "group by 1")
    else:
        where, wparams = _window(per)
        revenue_sql = (f"select substr(date, 1, 7), sum({NET_AMOUNT}) from revenue_events "
                       f"where {where}{cust_filter} group by 1")
    for month, revenue in db.execute(revenue_sql, wparams + cparams).fetchall():
        months.setdefault(month, {})["revenue"] = revenue
    # Joined, ended and churned (ended after a start before the month) per month, from the
    # customer state rollup: the churn base of a month is everyone joined minus ended before it.
    fwhere, fparams = _filters(segment, channel)
    starts: dict[str, int] = {}
    ends: dict[str, tuple[int, int]] = {}
    sql = ("select month, sum(joined), sum(ended), sum(churned) from rollup_customer_months "
           f"where {fwhere} group by 1") if rolled else CUSTOMER_MONTHS_SQL.format(where=fwhere)
    for month, joined, total, prior in db.execute(sql, fparams if rolled else fparams * 2):
        if joined:
            starts[month] = joined
        if total:
            ends[month] = (total, prior or 0)
    all_months = sorted(set(starts) | set(ends) | set(months))
    started_before = ended_before = 0
    for month in all_months:
        base = started_before - ended_before
        churned = ends.get(month, (0, 0))[1]
        if per.is_all or (per.start[:7] <= month < per.end[:7]):  # type: ignore[index]
            entry = months.setdefault(month, {})
            entry["churn_base"] = base
            entry["churned"] = churned
            entry["churn_rate_pct"] = m.churn_rate_pct(churned, base)
        started_before += starts.get(month, 0)
        ended_before += ends.get(month, (0, 0))[0]
    empty = {"responses": 0, "nps_n": 0, "nps": None, "nps_moe": None, "nps_low": None,
             "nps_high": None, "csat_pct": None, "csat_n": 0, "ces_mean": None,
             "promoters_pct": None, "detractors_pct": None, "revenue": None,
             "churn_base": 0, "churned": 0, "churn_rate_pct": None}
    rows = [{"month": month, **empty, **months[month]} for month in sorted(months)]
    snapshot = customer_snapshot(session)
    if snapshot is not None:  # a snapshot sees churn in its last month only
        for row in rows:
            if not churn_observed(parse_period(row["month"]), snapshot):
                row.update(churn_base=None, churned=None, churn_rate_pct=None)
    return rows


def breakdown(session: WorkspaceSession, by: str, period: str | Period = "all"
              ) -> list[dict[str, Any]]:
    """Metrics per segment or channel (``by``): survey metrics grouped by the response's own
    segment/channel, customer metrics (customers, churn, retention) by the customer's.
    Missing values are grouped as "(not set)". Sorted by number of responses, then customers."""
    if by not in ("segment", "channel"):
        raise ValidationError(Problem("by", "must be 'segment' or 'channel'"))
    per = period if isinstance(period, Period) else parse_period(period)
    db = session.db
    groups: dict[str, dict[str, Any]] = {}
    group = f"coalesce(nullif({by}, ''), '{NOT_SET}')"
    sql, params = _response_sql(per, None, None, group_by=group, rolled=rollups_fresh(db))
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        soft = _soft_metrics(row, {})
        groups[row["grp"]] = {k: soft[k] for k in (
            "responses", "nps_n", "nps", "nps_moe", "nps_low", "nps_high", "csat_pct",
            "ces_mean")}
    _, hi = data_range(session)
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat() if hi else "9999-12-31"
    sql, cparams = _customer_sql(per, as_of_end, None, None)
    sql = sql.replace("select count(*)", f"select {group} as grp, count(*)", 1)
    cursor = db.execute(sql + " group by grp", cparams)
    names = [c[0] for c in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        base, churned = _i(row["churn_base"]), _i(row["churned"])
        groups.setdefault(row["grp"], {}).update({
            "customers": _i(row["customers"]),
            "churn_rate_pct": m.churn_rate_pct(churned, base),
            "retention_rate_pct": m.retention_rate_pct(churned, base)})
    empty = {"responses": 0, "nps_n": 0, "nps": None, "nps_moe": None, "nps_low": None,
             "nps_high": None, "csat_pct": None, "ces_mean": None, "customers": 0,
             "churn_rate_pct": None, "retention_rate_pct": None}
    rows = [{by: key, **empty, **value} for key, value in groups.items()]
    if not churn_observed(per, customer_snapshot(session)):
        for row in rows:
            row.update(churn_rate_pct=None, retention_rate_pct=None)
    return sorted(rows, key=lambda r: (-r["responses"], -r["customers"], str(r[by])))


def value_by_nps_group(session: WorkspaceSession, period: str | Period = "all"
                       ) -> list[dict[str, Any]]:
    """Financial value of customers by NPS group, each customer placed by their latest answer
    (by date) within ``period``: customers, retention (share not churned: no ``end_date`` and not
    flagged), average monthly revenue (customer field), and net revenue per customer from revenue
    events in ``period``. One row per group that has customers: promoter, passive, detractor."""
    per = period if isinstance(period, Period) else parse_period(period)
    where, params = _window(per)
    rev_where, rev_params = _window(per)
    sql = (
        "with latest as (select customer_id, nps, max(date) from responses "
        f" where customer_id is not null and nps is not null and {where} group by customer_id), "
        "grouped as (select case when nps >= 9 then 'promoter' when nps >= 7 then 'passive' "
        " else 'detractor' end as nps_group, customer_id from latest), "
        f"rev as (select customer_id, sum({NET_AMOUNT}) as revenue from revenue_events "
        f" where {rev_where} and customer_id in (select customer_id from latest) "
        " group by customer_id) "
        "select g.nps_group, count(*) as customers, "
        " sum(c.id is not null and c.end_date is null and coalesce(c.churned, 0) = 0) as active, "
        " sum(c.id is not null) as known, avg(c.monthly_revenue) as avg_monthly_revenue, "
        " sum(r.revenue) as revenue, count(r.revenue) as paying "
        "from grouped g left join customers c on c.id = g.customer_id "
        "left join rev r on r.customer_id = g.customer_id group by g.nps_group")
    rows = {r[0]: r for r in session.db.execute(sql, params + rev_params).fetchall()}
    out = []
    for group in ("promoter", "passive", "detractor"):
        if group not in rows:
            continue
        _, customers, active, known, avg_mrr, revenue, _paying = rows[group]
        out.append({
            "nps_group": group, "customers": customers,
            "retention_pct": m.retention_rate_pct(_i(known) - _i(active), _i(known)),
            "avg_monthly_revenue": avg_mrr,
            "revenue": revenue,
            "revenue_per_customer": (None if revenue is None else revenue / customers),
        })
    return out


def cohort_retention(session: WorkspaceSession, max_cohorts: int = 24) -> list[dict[str, Any]]:
    """Retention by start-month cohort: for each cohort (the latest ``max_cohorts``) and each
    month offset k = 0, 1, ... up to the last month of data, the share of the cohort still a
    customer on the first day of the k-th month after its start month (i.e. ``end_date`` is
    empty or on/after that day). Customers flagged churned without an ``end_date`` are left out
    (their leaving month is unknown). Rows: cohort, offset, cohort_size, retained, retained_pct.
    """
    _, hi = data_range(session)
    if hi is None or customer_snapshot(session) is not None:
        return []  # a snapshot has lost everyone who left before its last month
    last = date.fromisoformat(hi)
    last_index = last.year * 12 + last.month - 1
    index = "(cast(substr({0}, 1, 4) as integer) * 12 + cast(substr({0}, 6, 2) as integer) - 1)"
    rows = session.db.execute(
        f"select substr(start_date, 1, 7) as cohort, "
        f" case when end_date is null then null else {index.format('end_date')} - "
        f" {index.format('start_date')} end as lifetime, count(*) "
        "from customers where start_date is not null and not (churned = 1 and end_date is null) "
        "group by 1, 2").fetchall()
    cohorts: dict[str, dict[int | None, int]] = {}
    for cohort, lifetime, count in rows:
        cohorts.setdefault(cohort, {})[lifetime] = count
    out = []
    for cohort in sorted(cohorts)[-max_cohorts:]:
        hist = cohorts[cohort]
        size = sum(hist.values())
        cohort_index = int(cohort[:4]) * 12 + int(cohort[5:7]) - 1
        for offset in range(0, last_index - cohort_index + 1):
            retained = sum(n for life, n in hist.items() if life is None or life >= offset)
            out.append({"cohort": cohort, "offset": offset, "cohort_size": size,
                        "retained": retained, "retained_pct": 100.0 * retained / size})
    return out
