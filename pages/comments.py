"""Survey comments: search (accents and case ignored, word starts), filters, pages of results,
tagging by hand or by rules, themes over time and frequent words."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from cxcore import comment_charts as charts
from cxcore import comments as cm
from cxcore import text_stats
from cxui import cache, links, shell

session = shell.page_session()
ALL = "All"
PAGE_SIZE = 50
GROUP_LABELS = {ALL: ALL, "detractor": "Detractors (0-6)", "passive": "Passives (7-8)",
                "promoter": "Promoters (9-10)", "none": "No NPS answer"}

st.title("Survey comments")
st.caption("What customers wrote in their survey answers. Search ignores accents and capitals "
           "and matches the start of words: 'delai' finds 'délai', 'caisse' finds 'caisses'.")

choices = cache.read(cm.filter_choices, session)
steps = {s["id"]: s["name"] for s in choices["steps"]}
tabs = st.tabs(["Comments", "Themes", "Frequent words", "Tagging rules"])

# ---- filters (shared by the first three tabs) --------------------------------------------------
with tabs[0]:
    f1, f2, f3 = st.columns([2, 1, 1])
    search = f1.text_input("Search", key="cm_search", placeholder="Words that must all appear")
    group = f2.selectbox("NPS group", list(GROUP_LABELS), format_func=GROUP_LABELS.get,
                         key="cm_group")
    tag = f3.selectbox("Theme", [ALL, *choices["tags"]], key="cm_tag")
    f1, f2, f3, f4, f5 = st.columns(5)
    segment = f1.selectbox("Segment", [ALL, *choices["segments"]], key="cm_segment")
    channel = f2.selectbox("Channel", [ALL, *choices["channels"]], key="cm_channel")
    step = f3.selectbox("Journey step", [ALL, *steps], key="cm_step",
                        format_func=lambda s: s if s == ALL else steps[s])
    date_from = f4.date_input("From", value=None, key="cm_from")
    date_to = f5.date_input("To", value=None, key="cm_to")
    filters = {"search": search or None, "group": None if group == ALL else group,
               "tag": None if tag == ALL else tag,
               "segment": None if segment == ALL else segment,
               "channel": None if channel == ALL else channel,
               "journey_step_id": None if step == ALL else step,
               "date_from": date_from.isoformat() if date_from else None,
               "date_to": date_to.isoformat() if date_to else None}
    key = tuple(sorted(filters.items()))
    if st.session_state.get("cm_filters") != key:  # new filters start again at page 1
        st.session_state["cm_filters"] = key
        st.session_state["cm_page"] = 1

    o1, o2 = st.columns([3, 1])
    order = o1.radio("Order", list(cm.ORDERS), horizontal=True, key="cm_order",
                     format_func={"detractors": "Detractors first", "newest": "Newest first",
                                  "oldest": "Oldest first"}.get)
    total = cache.read(cm.count_comments, session, **filters)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page_no = o2.number_input("Page", min_value=1, max_value=pages, step=1, key="cm_page")
    result = cache.read(cm.list_comments, session, order=order, limit=PAGE_SIZE,
                        offset=(int(page_no) - 1) * PAGE_SIZE, **filters)
    rows = result["comments"]
    first = (int(page_no) - 1) * PAGE_SIZE + 1
    st.caption(f"{total:,} comment{'s' if total != 1 else ''} found"
               + (f"; showing {first:,}-{first + len(rows) - 1:,} (page {int(page_no)} of "
                  f"{pages:,})." if rows else "."))
    if rows:
        table = pd.DataFrame([{
            "Date": r["date"], "NPS": r["nps"], "Group": r["group"],
            "Customer": links.customer_url(r["customer_id"]), "Comment": r["comment"],
            "Themes": ", ".join(r["tags"]), "Segment": r["segment"], "Channel": r["channel"],
            "Journey step": r["journey_step"],
        } for r in rows])
        picked = st.dataframe(
            table, hide_index=True, width="stretch", key="cm_table",
            on_select="rerun" if session.can_edit else "ignore", selection_mode="multi-row",
            column_config={
                "Comment": st.column_config.TextColumn(width="large"),
                "Customer": links.customer_column(),
                "NPS": st.column_config.NumberColumn(format="%d")})
        if session.can_edit:
            selected = [rows[i]["id"] for i in (picked.selection.rows if picked else [])]
            with st.container(border=True):
                t1, t2, t3 = st.columns([2, 1, 1])
                new_tag = t1.text_input("Theme to add", key="cm_new_tag",
                                        placeholder="e.g. waiting time")
                t2.write("")
                t3.write("")
                if t2.button(f"Tag {len(selected)} selected", key="cm_tag_selected",
                             disabled=not selected):
                    shell.write_then_rerun(lambda: cm.tag_comments(session, selected, new_tag),
                                           f"Tagged {len(selected)} comment(s) '{new_tag}'.")
                if t3.button(f"Tag all {total:,} found", key="cm_tag_all", disabled=not total):
                    shell.write_then_rerun(lambda: cm.tag_matching(session, new_tag, **filters),
                                           f"Tagged the {total:,} comments found '{new_tag}'.")
                st.caption("Select rows in the table (left edge) to tag them, or tag every "
                           "comment the search found. A theme is shared with the interview "
                           "log's tags.")
                if selected and len(selected) == 1 and rows:
                    one = next(r for r in rows if r["id"] == selected[0])
                    if one["tags"]:
                        drop = st.selectbox("Remove a theme set by hand from the selected "
                                            "comment", one["tags"], key="cm_drop_tag")
                        if st.button("Remove theme", key="cm_untag"):
                            shell.write_then_rerun(
                                lambda: cm.untag_comments(session, selected, drop),
                                f"Removed '{drop}'.")
    elif total == 0 and not any(filters.values()):
        st.info("No survey comments yet. Import survey responses with a comment column on "
                "the Import data page.")

# ---- themes -------------------------------------------------------------------------------------
with tabs[1]:
    grain = st.radio("Group by", ["quarter", "month"], horizontal=True, key="cm_grain")
    theme_filters = {k: v for k, v in filters.items() if k != "tag"}
    stats = cache.read(cm.theme_stats, session, grain, **theme_filters)
    if stats:
        # The title as text: right under the radio, a chart's own title was clipped at the top.
        st.markdown("**Themes in comments over time**")
        st.altair_chart(charts.theme_share_chart(stats, grain.capitalize()).properties(title=""),
                        width="stretch")
        st.altair_chart(charts.theme_nps_chart(stats, grain.capitalize()), width="stretch")
        st.caption("The eight most used themes, for the comments matching the filters of the "
                   "Comments tab. Each bar is the 95% interval of the NPS; a hollow point has "
                   "fewer than 30 answers behind it: too few to tell. An empty period has no "
                   "point (no data is not zero).")
        latest = [r for r in stats if r["period"] == stats[-1]["period"]]
        st.dataframe(pd.DataFrame([{
            "Theme": r["theme"], "Comments": r["comments"],
            "Share (%)": None if r["share_pct"] is None else round(r["share_pct"], 1),
            "NPS": None if r["nps"] is None else round(r["nps"]),
            "95% interval": "" if r["nps"] is None else f"{r['low']:+.0f} to {r['high']:+.0f}",
            "Note": "too few to tell" if r["too_few"] and r["comments"] else "",
        } for r in latest]), hide_index=True)
        st.caption(f"Latest period: {shell.esc(stats[-1]['period'])}.")
    else:
        st.info("No themed comments yet. Tag comments by hand on the Comments tab, or add "
                "tagging rules.")

# ---- frequent words -----------------------------------------------------------------------------
with tabs[2]:
    w1, w2 = st.columns(2)
    n = w1.radio("Count", [1, 2, 3], horizontal=True, key="cm_ngram",
                 format_func={1: "Words", 2: "Two-word phrases", 3: "Three-word phrases"}.get)
    languages = {None: "Detect", **text_stats.LANGUAGES}
    language = w2.selectbox("Stop words of", list(languages), format_func=languages.get,
                            key="cm_lang")
    texts = cache.read(cm.comment_texts, session, **filters)
    terms = text_stats.frequent_terms(texts, n=n, language=language)
    if terms["terms"]:
        st.dataframe(pd.DataFrame([{"Term": t["term"], "Comments": t["comments"],
                                    "Share (%)": round(t["share_pct"], 1)}
                                   for t in terms["terms"]]), hide_index=True)
    st.caption(f"Among the {terms['comments']:,} newest comments matching the filters "
               f"(at most 20,000), {text_stats.LANGUAGES[terms['language']]} stop words left "
               "out. A starting point for themes: turn a frequent term into a tagging rule.")

# ---- rules --------------------------------------------------------------------------------------
with tabs[3]:
    st.caption("A rule tags every comment containing a keyword or phrase with a theme, "
               "including comments imported later. Accents and capitals are ignored and the "
               "last word may continue ('caisse' also covers 'caisses'). Copy-setup copies the "
               "rules to another workspace.")
    rules = cm.list_rules(session)
    for rule in rules:
        r1, r2 = st.columns([5, 1])
        r1.text(f"“{rule['pattern']}” → {rule['tag']}")
        if session.can_edit and r2.button("Delete", key=f"cm_rule_del_{rule['id']}"):
            shell.write_then_rerun(lambda rid=rule["id"]: cm.delete_rule(session, rid),
                                   "Rule deleted.")
    if not rules:
        st.info("No rules yet.")
    if session.can_edit:
        with st.form("cm_rule_form", clear_on_submit=True):
            r1, r2 = st.columns(2)
            pattern = r1.text_input("Keyword or phrase", placeholder="temps d'attente")
            theme = r2.text_input("Theme", placeholder="waiting time")
            if st.form_submit_button("Add rule"):
                shell.write_then_rerun(lambda: cm.add_rule(session, pattern, theme),
                                       f"Rule added: '{pattern}' → {theme}.")
