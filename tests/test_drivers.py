"""The driver analysis: NPS per journey step beside the team's map, ratings vs NPS, channels and
segments, and the findings, on small hand-made data with hand-computed answers."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxcore import drivers as dr
from cxcore import journeys as jr
from cxcore import metrics as m


def _responses(db, rows: list[dict]) -> None:
    start = db.execute("select count(*) from responses").fetchone()[0]
    db["responses"].insert_all(
        [{"date": "2026-01-15", **row, "row_hash": f"t{start + i}"} for i, row in enumerate(rows)],
        alter=False)


@pytest.fixture
def mapped(editor_session):
    """Journey 'Delivery': Order (team: green), Wait (yellow + red = red), Install (green).

    Answers: Order 40 × NPS 0 (phone), Wait 40 × NPS 10 (web), Install 5 × 10 and 5 × 0 (web),
    not tied to a step 20 × 10 and 20 × 0 (web). Overall: 65 promoters, 65 detractors of 130,
    NPS 0. Order -100, Wait +100, Install 0.
    """
    s = editor_session
    jid = jr.create_journey(s, "Delivery")
    order, wait, install = (jr.add_step(s, jid, n) for n in ("Order", "Wait", "Install"))
    shop = jr.add_actor(s, jid, "Shop", "frontstage")
    driver = jr.add_actor(s, jid, "Driver", "frontstage")
    jr.set_health(s, order, shop, "green")
    jr.set_health(s, wait, shop, "yellow")
    jr.set_health(s, wait, driver, "red")
    jr.set_health(s, install, driver, "green")
    jr.set_involvement(s, install, shop, True)  # involved, not rated
    rows = ([{"nps": 0, "journey_step_id": order, "channel": "phone"}] * 40
            + [{"nps": 10, "journey_step_id": wait, "channel": "web"}] * 40
            + [{"nps": 10, "journey_step_id": install, "channel": "web"}] * 5
            + [{"nps": 0, "journey_step_id": install, "channel": "web"}] * 5
            + [{"nps": 10, "channel": "web"}] * 20 + [{"nps": 0, "channel": "web"}] * 20)
    _responses(s.db, rows)
    return {"journey": jid, "order": order, "wait": wait, "install": install}


# ---- pure statistics ----------------------------------------------------------------------------

def test_pearson_from_sums_by_hand():
    # x = 1, 3, 4, 6, 7 (mean 4.2); y = 0, 5, 7, 9, 10 (mean 6.2):
    # Σdxdy = 36.8, Σdx² = 22.8, Σdy² = 62.8, so r = 36.8 / sqrt(22.8 × 62.8) = 0.97252.
    x, y = [1, 3, 4, 6, 7], [0, 5, 7, 9, 10]
    r = dr.pearson_r(5, sum(x), sum(y), sum(a * a for a in x), sum(b * b for b in y),
                     sum(a * b for a, b in zip(x, y, strict=True)))
    assert r == pytest.approx(36.8 / math.sqrt(22.8 * 62.8))
    assert r == pytest.approx(0.97252, abs=1e-5)


def test_pearson_is_none_without_variance_or_pairs():
    assert dr.pearson_r(0, 0, 0, 0, 0, 0) is None
    assert dr.pearson_r(1, 5, 9, 25, 81, 45) is None
    assert dr.pearson_r(3, 12, 9, 48, 35, 36) is None  # x = 4, 4, 4: no variance


@given(st.lists(st.tuples(st.integers(0, 10), st.integers(1, 7)), min_size=2, max_size=200))
def test_r_is_between_minus_one_and_one_and_matches_the_textbook(pairs):
    ys, xs = [p[0] for p in pairs], [p[1] for p in pairs]
    r = dr.pearson_r(len(pairs), sum(xs), sum(ys), sum(x * x for x in xs),
                     sum(y * y for y in ys), sum(x * y for x, y in pairs))
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        assert r is None
        return
    assert -1.0 <= r <= 1.0
    assert r == pytest.approx(statistics.correlation(xs, ys), abs=1e-9)
    low, high = dr.correlation_interval(r, len(pairs)) or (r, r)
    assert -1.0 <= low <= r <= high <= 1.0


def test_strength_words_and_interval_edges():
    assert [dr.strength(v) for v in (None, 0.05, -0.2, 0.3, -0.49, 0.5, 1.0)] == [
        None, "no real link", "weak", "moderate", "moderate", "strong", "strong"]
    assert dr.correlation_interval(0.5, 3) is None
    assert dr.correlation_interval(1.0, 40) == (1.0, 1.0)


def test_team_rating_and_disagreement_rules():
    assert dr.team_rating(None) is None
    assert dr.team_rating({"green": 0, "yellow": 0, "red": 0}) is None
    assert dr.team_rating({"green": 3, "yellow": 0, "red": 0}) == "green"
    assert dr.team_rating({"green": 3, "yellow": 1, "red": 0}) == "yellow"
    assert dr.team_rating({"green": 3, "yellow": 1, "red": 1}) == "red"
    assert dr.disagreement("green", "below") and dr.disagreement("red", "above")
    assert dr.disagreement("yellow", "above")
    assert not dr.disagreement("green", "in line") and not dr.disagreement("red", "below")
    assert not dr.disagreement(None, "below")


# ---- 1. journey steps ---------------------------------------------------------------------------

def test_step_health_counts(editor_session, mapped):
    counts = jr.step_health_counts(editor_session)
    assert counts[mapped["order"]] == {"green": 1, "yellow": 0, "red": 0, "unrated": 0,
                                       "parts": 1}
    assert counts[mapped["wait"]] == {"green": 0, "yellow": 1, "red": 1, "unrated": 0,
                                      "parts": 2}
    assert counts[mapped["install"]]["unrated"] == 1
    assert set(jr.step_health_counts(editor_session, mapped["journey"])) == {
        mapped["order"], mapped["wait"], mapped["install"]}


def test_nps_per_step_beside_the_map(viewer_session, mapped):
    overall = dr.overall_nps(viewer_session)
    assert (overall["n"], overall["nps"]) == (130, 0.0)
    steps = {s["step"]: s for s in dr.step_scores(viewer_session)}
    assert [s["step"] for s in dr.step_scores(viewer_session)] == ["Order", "Wait", "Install"]
    order, wait, install = steps["Order"], steps["Wait"], steps["Install"]
    assert (order["n"], order["nps"], order["team"]) == (40, -100.0, "green")
    assert (wait["n"], wait["nps"], wait["team"]) == (40, 100.0, "red")
    assert (install["n"], install["nps"], install["team"]) == (10, 0.0, "green")
    # The margin of error is the one cxcore.metrics computes.
    assert order["moe"] == pytest.approx(m.nps(0, 0, 40).moe)
    assert (order["vs_overall"], wait["vs_overall"], install["vs_overall"]) == (
        "below", "above", "in line")
    # Team green but customers far below; team red but customers far above: both disagree.
    assert order["disagree"] and wait["disagree"] and not install["disagree"]
    assert install["small_sample"] and not order["small_sample"]


def test_archived_journeys_without_answers_are_left_out(editor_session, mapped):
    other = jr.create_journey(editor_session, "Old journey")
    jr.add_step(editor_session, other, "Gone")
    assert "Gone" in {s["step"] for s in dr.step_scores(editor_session)}
    jr.set_archived(editor_session, other, True)
    assert "Gone" not in {s["step"] for s in dr.step_scores(editor_session)}


def test_period_filters_the_answers(viewer_session, mapped):
    assert dr.overall_nps(viewer_session, "2026-Q1")["n"] == 130
    assert dr.overall_nps(viewer_session, "2025")["nps"] is None
    steps = dr.step_scores(viewer_session, "2025")
    assert [s["n"] for s in steps] == [0, 0, 0] and all(s["nps"] is None for s in steps)
    assert dr.summary(viewer_session, period="2025") == []


# ---- 2. ratings ---------------------------------------------------------------------------------

@pytest.fixture
def rated(editor_session):
    """30 answers: (NPS, effort) = (0, 1), (5, 3), (7, 4), (9, 6), (10, 7), six times each;
    emotion = 8 − effort; ease always 4; effectiveness on 29 of them; no CSAT. Plus answers that
    are not pairs: effort without NPS, NPS without effort."""
    base = [(0, 1), (5, 3), (7, 4), (9, 6), (10, 7)] * 6
    rows = [{"nps": n, "ces": c, "emotion": 8 - c, "ease": 4,
             "effectiveness": c if i < 29 else None} for i, (n, c) in enumerate(base)]
    rows += [{"nps": None, "ces": 7}] * 3 + [{"nps": 0, "ces": None}] * 2
    _responses(editor_session.db, rows)
    return editor_session


def test_ratings_correlations_by_hand(rated):
    ratings = {r["key"]: r for r in dr.rating_drivers(rated)}
    expected = 36.8 / math.sqrt(22.8 * 62.8)  # see test_pearson_from_sums_by_hand
    ces = ratings["ces"]
    assert ces["n"] == 30  # pairwise complete: the 5 half answers are left out
    assert ces["r"] == pytest.approx(expected)
    assert ces["strength"] == "strong"
    assert ces["r_low"] < ces["r"] < ces["r_high"]
    assert ratings["emotion"]["r"] == pytest.approx(-expected)
    # Effort 1-3: NPS answers 0 and 5, twelve of them: all detractors, NPS -100, mean 2.5.
    assert ces["low"]["n"] == 12 and ces["low"]["nps"] == -100.0
    assert ces["low"]["mean_nps_answer"] == pytest.approx(2.5)
    assert ces["low"]["detractors_pct"] == 100.0
    # Effort 5-7: NPS 9 and 10: all promoters.
    assert ces["high"]["n"] == 12 and ces["high"]["nps"] == 100.0
    assert ces["mean_rating"] == pytest.approx(4.2)


def test_ratings_without_r_say_why(rated):
    ratings = {r["key"]: r for r in dr.rating_drivers(rated)}
    assert ratings["ease"]["r"] is None and "same ease score" in ratings["ease"]["reason"]
    eff = ratings["effectiveness"]
    assert eff["n"] == 29 and eff["r"] is None and "only 29" in eff["reason"]
    assert ratings["csat"]["n"] == 0 and "no response" in ratings["csat"]["reason"]
    assert [r["key"] for r in dr.rating_drivers(rated)][:2] in (["ces", "emotion"],
                                                               ["emotion", "ces"])


def test_rating_finding_in_plain_words(rated):
    texts = [f["text"] for f in dr.summary(rated)]
    assert any(t.startswith("Customers who found it hard (effort 1-3) are detractors 100% of "
                            "the time (12 answers, NPS -100), against 0% of those who found it "
                            "easy (5-7) (NPS +100)") for t in texts), texts
    assert len(texts) <= dr.FINDINGS


# ---- 3. channels and segments, and the findings ------------------------------------------------

def test_groups_sorted_and_flagged(viewer_session, mapped):
    channels = dr.group_scores(viewer_session, "channel")
    # web: 65 promoters and 25 detractors of 90 = +44.4.
    assert [(c["group"], c["n"]) for c in channels] == [("web", 90), ("phone", 40)]
    assert [c["nps"] for c in channels] == pytest.approx([100 * 40 / 90, -100.0])
    assert all("vs_overall" not in c for c in channels)  # groups are compared with the rest
    # Each channel against the rest of the customers: web's rest is phone and vice versa.
    assert [(c["rest_n"], c["rest_nps"]) for c in channels] == [(40, -100.0),
                                                                (90, pytest.approx(44.444, 1e-3))]
    assert [c["vs_rest"] for c in channels] == ["above", "below"]
    segments = dr.group_scores(viewer_session, "segment")
    # One segment holding everyone has no rest to be compared with.
    assert [(s["group"], s["n"], s["rest_n"], s["vs_rest"]) for s in segments] == [
        ("(not set)", 130, 0, None)]
    with pytest.raises(ValueError):
        dr.group_scores(viewer_session, "colour")


def test_versus_rest_not_versus_an_overall_that_contains_the_group():
    big, rest = (20, 60, 20), (40, 40, 20)  # NPS 0 (n 100) vs +20 (n 100)
    # Overall of both = +10, inside the big group's interval (±12): the old rule says in line;
    # against the rest the 20-point gap is clear (adjusted-Wald difference test, p < 0.05).
    assert dr.versus(m.nps(*big), 10.0) == "in line"
    assert m.nps_change_test(big, rest).p_value < 0.05
    assert dr.versus_rest(big, rest) == "below" and dr.versus_rest(rest, big) == "above"
    assert dr.versus_rest((15, 0, 15), (16, 0, 14)) == "in line"
    assert dr.versus_rest(big, (0, 0, 0)) is None  # no rest: nothing to compare with
    assert dr.versus_rest((5, 0, 5), rest) is None  # too few to tell


def test_summary_puts_the_disagreeing_step_first(viewer_session, mapped):
    findings = dr.summary(viewer_session)
    assert [f["kind"] for f in findings] == ["step", "channel", "step"]
    first = findings[0]["text"]
    assert first.startswith("Step 'Order' (Delivery) scores NPS -100 vs +0 overall (40 answers")
    assert "team rated every part of it green" in first
    assert "'phone' channel score NPS -100 vs +44 for everyone else" in findings[1]["text"]
    assert "Step 'Wait'" in findings[2]["text"] and "though the team rated it red" in \
        findings[2]["text"]
    # Weight: points of overall NPS lost = (0 − (−100)) × 40 / 130.
    assert findings[0]["weight"] == pytest.approx(100 * 40 / 130)
    assert dr.summary(viewer_session, limit=1) == findings[:1]


def test_nothing_stands_out(editor_session):
    _responses(editor_session.db, [{"nps": 8, "channel": "web"}] * 10)
    findings = dr.summary(editor_session)
    assert [f["kind"] for f in findings] == ["none"]
    assert findings[0]["text"].startswith("Nothing stands out yet in all the data")


def test_empty_workspace(viewer_session):
    result = dr.analyse(viewer_session)
    assert result["overall"]["nps"] is None and result["findings"] == []
    assert result["steps"] == [] and result["channels"] == [] and result["segments"] == []
    assert all(r["r"] is None for r in result["ratings"])


# ---- real quotes on the findings ----------------------------------------------------------------

def _comment(db, response_id: int, text: str) -> None:
    with db.atomic():
        db.execute("update responses set comment = ? where id = ?", [text, response_id])


def test_findings_carry_a_real_quote_of_their_step(editor_session, mapped):
    db = editor_session.db
    order_ids = [r[0] for r in db.execute(
        "select id from responses where journey_step_id = ? order by id", [mapped["order"]])]
    _comment(db, order_ids[0], "The order form lost my address twice.")
    _comment(db, order_ids[1], "short")  # under 15 characters: never quoted
    findings = dr.summary(editor_session)
    assert [f["kind"] for f in findings] == ["step", "channel", "step"]
    order, phone, wait = findings
    assert order["quote"]["text"] == "The order form lost my address twice."
    assert order["quote"]["source"] == "survey comment" and order["quote"]["ref"] == order_ids[0]
    assert phone["quote"] is None  # a channel names no step or theme
    assert wait["quote"] is None  # nothing was said about the wait
    assert dr.analyse(editor_session)["findings"] == findings


def test_a_rating_finding_is_quoted_by_its_theme(editor_session):
    from cxcore import comments
    from cxcore.drivers import quoting

    assert quoting.theme_for(["ces", "Effort (7 = very easy)"], ["delivery", "effort"]) == \
        "effort"
    assert quoting.theme_for(["late_delivery"], ["late delivery"]) == "late delivery"
    assert quoting.theme_for(["Délai de livraison"], ["delai"]) == "delai"
    assert quoting.theme_for(["Speedy"], ["speed"]) is None  # whole words only
    _responses(editor_session.db, [{"nps": 2, "ces": 1, "comment": "Three calls to change "
                                    "one delivery date."}, {"nps": 9, "ces": 7}])
    rid = editor_session.db.execute("select min(id) from responses").fetchone()[0]
    assert quoting.quote_for(editor_session, words=["ces", "Effort"]) is None  # no theme yet
    comments.tag_comments(editor_session, [rid], "effort")
    quote = quoting.quote_for(editor_session, words=["ces", "Effort (7 = very easy)"])
    assert quote["text"] == "Three calls to change one delivery date." and quote["ref"] == rid
    assert quoting.quote_for(editor_session, words=["csat", "Satisfaction"]) is None
