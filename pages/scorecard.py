"""Scorecard: soft (survey) metrics beside hard (business) ones, with honest noise markers."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from cxcore import export, money
from cxcore import locale_settings as loc
from cxcore import scorecard as sc
from cxcore import scorecard_charts as charts
from cxui import cache, report_buttons, shell

session = shell.page_session()
STATUS_TEXT = {"green": ":green[● on target]", "yellow": ":orange[▲ near target]",
               "red": ":red[▼ off target]", None: ":gray[no data]"}
SPARK_FIELD = {"nps": "nps", "csat_pct": "csat_pct", "ces_mean": "ces_mean",
               "churn_rate_pct": "churn_rate_pct", "revenue_per_customer": "revenue"}


st.title("Scorecard")
st.caption(f"{session.info.name}: customer scores next to the money, with the noise shown.")

# ---- period pickers ----
grains = {"Quarter": "quarter", "Month": "month", "Year": "year", "All data": "all"}
top = st.columns(5)
SNAPSHOT = cache.read(sc.customer_snapshot, session)
# A snapshot customer file observes churn in one month only: open on that month.
grain_label = shell.url_select("Period type", list(grains), key="sc_grain", param="grain",
                               container=top[0], to_text=grains.get,
                               index=1 if SNAPSHOT else 0)
grain = grains[grain_label]
if grain == "all":
    period, options = "all", ["all"]
    top[1].selectbox("Period", ["all"], key="sc_period_all", disabled=True,
                     format_func=lambda _: "All data")
else:
    options = cache.read(sc.available_periods, session, grain)
    if not options:
        options = ["all"]
    # The newest period the data observes completely (sc.default_period says why).
    default = cache.read(sc.default_period, session, grain)
    period = shell.url_select("Period", options,
                              index=options.index(default) if default in options else 0,
                              key=f"sc_period_{grain}", param="period", container=top[1])
previous = sc.previous_period(sc.parse_period(period))
compare_options = ["(none)"] + ([previous.label] if previous else []) + [
    o for o in options if o not in (period, previous.label if previous else None, "all")]
compare_to = top[2].selectbox("Compare with", compare_options,
                              index=1 if previous else 0, key=f"sc_compare_{period}",
                              format_func=lambda o: "Nothing" if o == "(none)" else o)
# The period's breakdowns (needed below anyway) supply the filter choices.
segments = [r["segment"] for r in cache.read(sc.breakdown, session, "segment", period)
            if r["segment"] != sc.NOT_SET]
channels = [r["channel"] for r in cache.read(sc.breakdown, session, "channel", period)
            if r["channel"] != sc.NOT_SET]
segment = shell.url_select("Segment", ["(all)", *segments], key="sc_segment", param="segment",
                           container=top[3],
                           format_func=lambda o: "All segments" if o == "(all)" else o)
channel = top[4].selectbox("Channel", ["(all)", *channels], key="sc_channel",
                           format_func=lambda o: "All channels" if o == "(all)" else o)
segment = None if segment == "(all)" else segment
channel = None if channel == "(all)" else channel

card = cache.read(sc.scorecard, session, period, segment=segment,
                  channel=channel)
if not card["responses"] and not card["customers"] and card["enps"] is None:
    st.info("There is nothing to score yet for this selection. Import survey responses and your "
            "customer list on the **Import data** page (editors), then come back here.")
    st.stop()

before = (cache.read(sc.scorecard, session, compare_to, segment=segment, channel=channel)
          if compare_to != "(none)" else None)
MIN_N = sc.small_sample_threshold(session)
WHERE = loc.workspace_locale(session)
changes = sc.compare(card, before, min_n=MIN_N)
targets = sc.targets(session)
trend = cache.read(sc.monthly_trend, session, "all", segment=segment, channel=channel)

compare_words = sc.period_words(compare_to) if before is not None else None
for level, text in sc.caveats(card, period, before, compare_words, note_no_comparison=False,
                              min_n=MIN_N):
    getattr(st, level)(text)

def metric_card(container, key: str) -> None:
    d = sc.METRIC_BY_KEY[key]
    change = changes[key]
    delta_color = "normal" if d.higher_is_better else "inverse"
    if change.meaningful is not True:
        delta_color = "off"  # grey: not shown to be larger than the noise
    with container.container(border=True):
        shell.metric(d.label, sc.format_value(card.get(key), d.unit, where=WHERE),
                     sc.format_change(change.change, d.unit, WHERE),
                     delta_color=delta_color, help=d.help)
        extra = ""
        if interval := sc.metric_interval_text(card, key, where=WHERE):
            extra = f" · {interval}"
        elif key in ("nrr_pct", "grr_pct") and card.get("revenue_cohort"):
            extra = f" · {card['revenue_cohort']:,} customers"
        if change.change is not None:
            # The note already says "too few answers to tell" for small samples: only a
            # tested, adequate change is ever bold.
            marker = (f"**{shell.esc(change.note)}**" if change.meaningful is True
                      else shell.esc(change.note))
            st.caption(f"vs {shell.esc(compare_to)}: {marker}{shell.esc(extra)}")
        elif extra:
            st.caption(shell.esc(extra.lstrip(" ·")))
        target = targets.get(key)
        status = sc.status(key, card.get(key), targets)
        if target:
            st.markdown(f"{STATUS_TEXT[status]} "
                        f"(target {sc.format_value(target['target'], d.unit, where=WHERE)})")
        field = SPARK_FIELD.get(key)
        if field and sum(1 for r in trend if r.get(field) is not None) > 1:
            st.altair_chart(charts.sparkline(trend, field), width="stretch")


soft_keys = ["nps", "csat_pct", "ces_mean", "rating_index", "enps"]
hard_keys = ["retention_rate_pct", "churn_rate_pct", "nrr_pct", "grr_pct",
             "revenue_per_customer", "clv", "clv_discounted", "expansion_revenue", "referrals"]


def metric_cards(keys: list[str]) -> None:
    """A card per metric with data; one line for the metrics without."""
    shown = [k for k in keys if card.get(k) is not None]
    missing = [k for k in keys if card.get(k) is None]
    cols = st.columns(2)
    for i, key in enumerate(shown):
        metric_card(cols[i % 2], key)
    if missing:
        when = "yet" if period == "all" else f"for {shell.esc(period)}"
        st.caption(f"No data {when}: " + "; ".join(
            f"{sc.METRIC_BY_KEY[k].label} (needs {sc.NEEDS[k]})" for k in missing) + ".")


has_hard = bool(card["customers"]) or card["revenue"] is not None
left, right = st.columns(2, gap="large")
with left:
    st.subheader(f"How customers feel · {card['responses']:,} responses")
    if any(card.get(k) is not None for k in soft_keys):
        metric_cards(soft_keys)
    else:
        st.info("No survey or pulse answers in this selection yet. Import survey responses "
                "(NPS, CSAT, customer effort) to see how customers feel.")
with right:
    st.subheader(f"What they do · {card['customers']:,} customers")
    if has_hard:
        metric_cards(hard_keys)
    else:
        st.info("Retention, churn, revenue retention and customer lifetime value need your "
                "customer list (with start dates, and end dates for those who left) and, for "
                "the money, revenue events (payments, upsells, downgrades, refunds).")
        if session.can_edit:
            try:
                st.page_link("pages/import_data.py", label="Import customers and revenue",
                             icon=":material/upload:")
            except (StreamlitAPIException, KeyError):
                st.caption("Open **Import data** from the menu to add them.")
notes = ["Customer effort is on 1-7 where 7 = very easy (higher is better).",
         "A grey change is not shown to be larger than the noise.", sc.TESTS_NOTE]
if has_hard and (words := sc.revenue_retention_words(card)):
    notes.append(words)
if has_hard and (words := sc.clv_words(card, WHERE)):
    notes.append(shell.esc(words))  # escaped: "$" would start LaTeX in markdown
st.caption(" ".join(notes))  # our own sentences: no user text in them

# ---- the link: value by NPS group ----
st.header("What a promoter is worth")
value_rows = cache.read(sc.value_by_nps_group, session, period)
if value_rows:
    c1, c2 = st.columns(2)
    if any(r["revenue_per_customer"] is not None for r in value_rows):
        c1.altair_chart(charts.value_by_group_chart(value_rows), width="stretch")
    elif any(r["avg_monthly_revenue"] is not None for r in value_rows):
        c1.altair_chart(charts.value_by_group_chart(
            value_rows, "avg_monthly_revenue", "Monthly revenue per customer by NPS group"),
            width="stretch")
    c2.altair_chart(charts.value_by_group_chart(
        value_rows, "retention_pct", "Retention (%) by NPS group"), width="stretch")
    st.dataframe(pd.DataFrame([{
        "NPS group": r["nps_group"].capitalize() + "s",
        "Customers": loc.format_number(r["customers"], 0, WHERE),
        "Still customers": loc.format_pct(r["retention_pct"], 0, WHERE),
        "Avg monthly revenue": loc.format_money(r["avg_monthly_revenue"], WHERE),
        "Revenue in the period": loc.format_money(r["revenue"], WHERE),
        "Revenue per customer": loc.format_money(r["revenue_per_customer"], WHERE)}
        for r in value_rows]), hide_index=True, width="stretch")
    st.caption("Each customer is placed in a group by their latest NPS answer in the period.")
else:
    st.info("No survey answers are linked to customers in this period, so the value of "
            "promoters and detractors can't be shown yet.")

# ---- the money story ----
st.header("The money story")
st.caption("From your own records: what unhappy customers put at risk, what promoters bring by "
           "referral, and what moving detractors would be worth. Every figure comes with its "
           "95 % interval.")


def bullet_lines(lines: list[str]) -> None:
    """Our own sentences as a list; escaped because amounts contain "$" (LaTeX in markdown)."""
    st.markdown("\n".join(f"- {shell.esc(line)}" for line in lines))


risk = cache.read(money.revenue_at_risk, session, period)
referral = cache.read(money.referral_value, session, period)
m1, m2 = st.columns(2)
with m1:
    st.subheader("Revenue at risk")
    bullet_lines(money.risk_lines(risk, WHERE))
    if risk["rows"] and not risk["missing"]:
        st.caption(shell.esc(f"Source: {risk['source']}."))
with m2:
    st.subheader("Referral value")
    bullet_lines(money.referral_lines(referral, WHERE))
    if not referral["missing"]:
        st.caption(shell.esc(f"Source: {referral['source']}."))

st.subheader("Business case")
b1, b2, b3 = st.columns(3)
convert = b1.number_input("Share of detractors who change (%)", 1.0, 100.0, 10.0, step=1.0,
                          key="bc_convert")
to_group = b2.selectbox("They become", ["promoter", "passive"], key="bc_to",
                        format_func=lambda g: g.capitalize() + "s")
cost = b3.number_input(f"Programme cost ({WHERE.currency})", 0.0, 1e12, 5000.0, step=500.0,
                       key="bc_cost")
case = cache.read(money.business_case, session, convert_pct=float(convert), cost=float(cost),
                  to=to_group, period=period)
case_text = money.case_lines(case, WHERE)
if not case["missing"]:
    st.markdown(shell.esc(case_text[0].rstrip(":") + "."))  # the question being answered
if case["missing"]:
    st.info(shell.esc(case_text[0]))
else:
    labels = {"retained_revenue": "Kept revenue", "spend_difference": "Higher spend",
              "referral_value": "Referrals", "extra_revenue": "Extra revenue a year",
              "extra_margin": "Extra gross margin a year"}
    k1, k2, k3 = st.columns(3)
    fig = case["figures"]
    shell.metric("Extra gross margin a year",
                 loc.format_money(fig["extra_margin"].value, WHERE), container=k1,
                 help="Extra revenue a year × the gross margin (Scorecard settings).")
    shell.metric("Return in the first year",
                 "—" if fig["roi"].value is None else loc.format_pct(100 * fig["roi"].value, 0,
                                                                      WHERE),
                 container=k2, help="(extra margin − cost) / cost.")
    shell.metric("Payback", "never" if fig["payback_months"].value is None else
                 f"{loc.format_number(fig['payback_months'].value, 1, WHERE)} months",
                 container=k3, help="Programme cost / extra margin a month.")
    st.table(pd.DataFrame([{
        "Figure": label, "Estimate": loc.format_money(fig[key].value, WHERE),
        "95 % CI": (f"{loc.format_money(fig[key].low, WHERE)} to "
                    f"{loc.format_money(fig[key].high, WHERE)}"),
        "Source": case["sources"].get(key, "sum of the above")} for key, label in labels.items()
    ]).set_index("Figure"))  # a static table: the sources wrap instead of being cut off
    bullet_lines(case_text[-2:])  # the return and the payback, with their intervals
    st.caption(f"Intervals: {case['draws']:,} simulated draws of the measured retention, revenue "
               "and referral rates (fixed seed, so the report and the command line print the "
               "same).")

# ---- trends ----
st.header("Trends")
tab_nps, tab_csat, tab_churn, tab_revenue, tab_cohorts = st.tabs(
    ["NPS", "CSAT", "Churn", "Revenue", "Cohorts"])
nps_chart = charts.nps_trend_chart(trend, "NPS by month, with its 95% interval")
with tab_nps:
    nps_months = sum(1 for r in trend if r["nps"] is not None)
    if nps_months:
        if nps_months == 1:
            st.caption("Only one month has NPS answers: it is shown with its 95% interval. "
                       "A trend needs at least two months.")
        st.altair_chart(nps_chart, width="stretch")
        st.altair_chart(charts.nps_shares_chart(card), width="stretch")
    else:
        st.info("No NPS answers yet.")
with tab_csat:
    st.altair_chart(charts.metric_trend_chart(trend, "csat_pct", "CSAT %"), width="stretch")
with tab_churn:
    st.altair_chart(charts.metric_trend_chart(trend, "churn_rate_pct", "Monthly churn %",
                                              charts.COLORS["red"]), width="stretch")
with tab_revenue:
    st.altair_chart(charts.metric_trend_chart(trend, "revenue", "Net revenue",
                                              charts.COLORS["revenue"]), width="stretch")
with tab_cohorts:
    cohorts = cache.read(sc.cohort_retention, session)
    if cohorts:
        st.altair_chart(charts.cohort_chart(cohorts), width="stretch")
    else:
        st.info("Cohorts can't be shown for a snapshot customer list: everyone who left "
                "before its last month is missing from it, so every cohort would look as if "
                "nobody had left." if SNAPSHOT else "No customers with start dates yet.")

# ---- breakdowns ----
st.header("Breakdowns")
for by, tab in zip(("segment", "channel"), st.tabs(["By segment", "By channel"]), strict=True):
    with tab:
        rows = cache.read(sc.breakdown, session, by, period)
        if not rows:
            st.info(f"No {by} recorded.")
            continue
        if any(r["nps"] is not None for r in rows):
            st.altair_chart(charts.breakdown_chart(rows, by, "nps", f"NPS by {by}"),
                            width="stretch")
        st.dataframe(pd.DataFrame(sc.breakdown_table(rows, by, WHERE)), hide_index=True,
                     width="stretch")

# ---- export ----
st.header("Export what is shown")
table = pd.DataFrame([{
    "metric": d.label, "period": period, "value": card.get(d.key),
    "95 % CI low": card.get(sc.INTERVALS[d.key][0]) if d.key in sc.INTERVALS else None,
    "95 % CI high": card.get(sc.INTERVALS[d.key][1]) if d.key in sc.INTERVALS else None,
    "compared with": None if before is None else compare_to,
    "previous": changes[d.key].previous, "change": changes[d.key].change,
    "meaningful": changes[d.key].meaningful, "note": changes[d.key].note,
    "target": targets.get(d.key, {}).get("target"),
    "status": sc.status(d.key, card.get(d.key), targets)} for d in sc.METRICS])
e1, e2 = st.columns(2)
e1.download_button("Scorecard as CSV", export.frame_csv(table),
                   file_name=f"scorecard-{period}.csv", mime="text/csv",
                   icon=":material/download:", key="sc_csv")
e2.download_button("NPS trend as PNG", lambda: charts.to_png(nps_chart),
                   file_name=f"nps-trend-{period}.png", mime="image/png",
                   icon=":material/image:", key="sc_png")

# ---- targets ----
if session.can_edit:
    with st.expander("Targets and settings", icon=":material/flag:"):
        st.write("A metric is green when it meets its target, yellow down to the yellow limit "
                 "(default: 10% of the target away), red beyond. Leave a target empty to "
                 "remove it.")
        frame = pd.DataFrame([{
            "key": d.key, "metric": d.label,
            "better": "higher" if d.higher_is_better else "lower",
            "target": targets.get(d.key, {}).get("target"),
            "yellow limit": targets.get(d.key, {}).get("warn_at")} for d in sc.METRICS])
        finance = sc.finance_settings(session)
        with st.form("sc_targets"):
            edited = st.data_editor(
                frame, hide_index=True, disabled=["key", "metric", "better"],
                column_config={"key": None,
                               "target": st.column_config.NumberColumn(format="%.2f"),
                               "yellow limit": st.column_config.NumberColumn(format="%.2f")},
                key="sc_targets_editor", width="stretch")
            f1, f2, f3, f4 = st.columns(4)
            margin = f1.number_input("Gross margin %", 0.0, 100.0,
                                     finance["gross_margin_pct"], key="sc_margin",
                                     help="Both lifetime values count margin, not revenue: "
                                          "at 100 % they are revenue.")
            discount = f2.number_input("Annual discount rate %", 0.0, 100.0,
                                       finance["annual_discount_rate_pct"], key="sc_discount")
            horizon = f3.number_input("Lifetime horizon (years)", 0.5, 50.0,
                                      finance["clv_horizon_years"], step=0.5,
                                      key="sc_horizon",
                                      help="Lifetime values count at most this many years.")
            min_n = f4.number_input("Fewest answers to test a change", 2, 10000, MIN_N,
                                    key="sc_min_n",
                                    help="Below this many answers in either period a change "
                                         "is 'too few answers to tell'.")
            l1, l2, l3 = st.columns(3)
            zones = loc.timezone_names()
            zone = l1.selectbox("Time zone", zones, key="sc_timezone",
                                index=zones.index(WHERE.timezone)
                                if WHERE.timezone in zones else 0,
                                help="Times are shown in this zone; imports convert "
                                     "time-zone offsets to it.")
            currency = l2.text_input("Currency (ISO code)", WHERE.currency, max_chars=3,
                                     key="sc_currency")
            formats = list(loc.NUMBER_FORMATS)
            number_format = l3.selectbox("Number format", formats,
                                         index=formats.index(WHERE.number_format),
                                         key="sc_number_format")
            saved = st.form_submit_button("Save targets and settings", type="primary")
        if saved:
            new = {}
            for row in edited.to_dict("records"):
                target = row["target"]
                if target is not None and not pd.isna(target):
                    warn = row["yellow limit"]
                    new[row["key"]] = {"target": float(target),
                                       "warn_at": None if warn is None or pd.isna(warn)
                                       else float(warn)}
            if shell.run_action(lambda: sc.save_settings(
                    session, new_targets=new, gross_margin_pct=margin,
                    annual_discount_rate_pct=discount, clv_horizon_years=horizon,
                    small_sample_min=int(min_n), timezone_name=zone, currency=currency,
                    number_format=number_format) or True,
                    success="Targets and settings saved."):
                st.rerun()

# ---- share ----
st.subheader("Share")
st.caption(f"The program report with this scorecard ({sc.period_words(period)}), in the "
           "workspace's branding.")
report_buttons.report_downloads(session, key="sc", period=period)


# ---- closing the loop (the Follow-ups page's numbers for this period) ----
def _follow_ups() -> None:
    from cxui import voc

    voc.follow_up_tile(session, period)


_follow_ups()
