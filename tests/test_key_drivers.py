"""Key driver analysis over a workspace (cxcore.drivers.key): synthetic surveys built through
cxcore.attributes, checked against an independent pandas/SVD computation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cxcore import attributes, cli
from cxcore import journeys as jr
from cxcore.drivers import kda
from cxcore.drivers import key as kd
from cxcore.errors import ValidationError

QUESTIONS = ("speed", "staff", "price", "app")


def build_survey(db, n: int = 1200, seed: int = 1, start_id: int = 1) -> dict[str, int]:
    """``n`` responses in 2026-01..06 with four 1-5 ratings (app not applicable for every 10th,
    stored as NULL), a yes/no 'solved', a single-choice 'overall' (satisfied / neutral or
    dissatisfied) and NPS. NPS follows speed most, then staff, then price, app least; app
    scores one point lower by phone; for the 'business' segment price matters much more.
    Returns the attribute ids."""
    rng = np.random.default_rng(seed)
    ids = {q: attributes.define_attribute(db, q, f"{q.capitalize()} rating", scale=(1, 5),
                                          na_codes=[0]) for q in QUESTIONS}
    ids["solved"] = attributes.define_attribute(db, "solved", "Problem solved?", kind="yesno")
    ids["overall"] = attributes.define_attribute(
        db, "overall", "Overall", kind="category",
        categories=["satisfied", "neutral or dissatisfied"])
    channel = rng.choice(["web", "phone", "store"], size=n)
    segment = rng.choice(["business", "home"], size=n, p=[0.4, 0.6])
    mood = rng.normal(size=n)
    raw = {q: 3 + 0.6 * mood + rng.normal(size=n) for q in QUESTIONS}
    raw["app"] = raw["app"] - 1.0 * (channel == "phone")
    ratings = {q: np.clip(np.round(v), 1, 5) for q, v in raw.items()}
    price_weight = np.where(segment == "business", 1.6, 0.2)
    score = (1.4 * ratings["speed"] + 0.8 * ratings["staff"] + price_weight * ratings["price"]
             + 0.2 * ratings["app"] + rng.normal(scale=1.5, size=n))
    nps = np.clip(np.round(score - score.mean() + 7), 0, 10).astype(int)
    rows, values = [], []
    for i in range(n):
        rid = start_id + i
        rows.append({"id": rid, "date": f"2026-{1 + i % 6:02d}-15", "nps": int(nps[i]),
                     "channel": str(channel[i]), "segment": str(segment[i])})
        vals = {ids[q]: float(ratings[q][i]) for q in QUESTIONS}
        if i % 10 == 0:
            vals[ids["app"]] = None
        vals[ids["solved"]] = float(ratings["speed"][i] >= 3)
        vals[ids["overall"]] = 0.0 if nps[i] >= 8 else 1.0
        values.append((rid, vals))
    with db.atomic():
        db["responses"].insert_all(rows)
        attributes.write_values(db, values)
    return ids


@pytest.fixture
def survey(editor_session):
    ids = build_survey(editor_session.db)
    return editor_session, ids


def _reference(db, ids, outcome_sql: str = "r.nps") -> np.ndarray:
    """Independently: pandas, dropna (complete cases), SVD relative weights in percent."""
    cols = ", ".join(f"ra.a{ids[q]} as {q}" for q in QUESTIONS)
    frame = pd.read_sql_query(
        f"select {outcome_sql} as y, {cols} from responses r join response_attributes ra "
        "on ra.response_id = r.id", db.conn).dropna()
    raw = kda.relative_weights_svd(frame[list(QUESTIONS)].to_numpy(), frame["y"].to_numpy())
    return 100 * raw / raw.sum(), len(frame)


def test_weights_match_an_independent_computation(survey):
    session, ids = survey
    # By default every rating and yes/no question answered by at least half is a driver.
    assert {d["attribute"] for d in kd.key_drivers(session, "nps")["drivers"]} == {
        *QUESTIONS, "solved"}
    result = kd.key_drivers(session, "nps", drivers=list(QUESTIONS))
    assert result["enough"] and not result["sampled"]
    expected, n = _reference(session.db, ids)
    assert result["n"] == result["total"] == n == 1080  # every 10th has app not applicable
    got = {d["attribute"]: d for d in result["drivers"]}
    assert set(got) == set(QUESTIONS)
    assert [got[q]["weight_pct"] for q in QUESTIONS] == pytest.approx(list(expected), abs=1e-9)
    assert sum(d["weight_pct"] for d in result["drivers"]) == pytest.approx(100)
    assert [d["attribute"] for d in result["drivers"]][0] == "speed"
    assert [d["rank"] for d in result["drivers"]] == [1, 2, 3, 4]
    for d in result["drivers"]:
        assert d["low_pct"] <= d["weight_pct"] <= d["high_pct"]
        assert 0 <= d["rank_stability"] <= 1
        assert d["shapley_pct"] is not None
    assert result["r2_low"] <= result["r2"] <= result["r2_high"]
    assert "complete cases" in result["handling"]
    assert result["collinearity"]["condition"] >= 1
    assert len(result["collinearity"]["matrix"]) == 4


def test_performance_and_quadrant(survey):
    session, _ = survey
    result = kd.key_drivers(session, "nps")
    lines = result["lines"]
    assert lines["weight_pct"] == pytest.approx(20.0)  # 100 / five drivers
    for d in result["drivers"]:
        assert 0 <= d["mean_pct"] <= 100 and 0 <= d["top_box_pct"] <= 100
        assert d["quadrant"] == kd.quadrant(d["weight_pct"], d["performance"], 20.0,
                                            lines["performance"])
    top = kd.key_drivers(session, "nps", basis="top_box")
    assert all(d["performance"] == d["top_box_pct"] for d in top["drivers"])
    assert kd.quadrant(40, 50, 25, 60) == "fix first"
    assert kd.quadrant(40, 70, 25, 60) == "keep up"
    assert kd.quadrant(10, 50, 25, 60) == "watch"
    assert kd.quadrant(10, 70, 25, 60) == "less urgent"


def test_findings_in_plain_words():
    rows = [
        {"label": "Speed", "weight_pct": 50.0, "low_pct": 40.0, "high_pct": 60.0,
         "performance": 55.0, "quadrant": "fix first", "rank_stability": 0.95},
        {"label": "Staff", "weight_pct": 30.0, "low_pct": 20.0, "high_pct": 40.0,
         "performance": 80.0, "quadrant": "keep up", "rank_stability": 0.6},
        {"label": "Price", "weight_pct": 20.0, "low_pct": 10.0, "high_pct": 30.0,
         "performance": 60.0, "quadrant": "watch", "rank_stability": 0.6}]
    result = {"enough": True, "drivers": rows, "basis": "mean", "r2": 0.05,
              "lines": {"weight_pct": 100 / 3, "performance": 65.0},
              "outcome": {"label": "Likelihood to recommend"},
              "collinearity": {"pair": ["Speed", "Staff"], "pair_r": 0.8}}
    texts = kd.findings(result)
    assert texts[0] == ("Fix first: 'Speed' accounts for 50% (40%-60%) of what the questions "
                        "explain about likelihood to recommend, clearly more than an average "
                        "question (33%), and scores 55 out of 100, below the average of 65.")
    assert texts[1].startswith("Keep up: 'Staff' matters a lot (30%)")
    assert any("explain only 5%" in t for t in texts)
    assert any("'Speed' and 'Staff' move together (r = 0.80)" in t for t in texts)
    assert kd.findings({"enough": False}) == []
    close = dict(result, r2=0.5, collinearity=None,
                 drivers=[dict(rows[0], performance=64.8), rows[1]])
    assert "scores 64.8 out of 100, below the average of 65.0" in kd.findings(close)[0]


def test_label_outcome_is_coded_one_zero(survey):
    session, ids = survey
    result = kd.key_drivers(session, "overall=Satisfied", drivers=list(QUESTIONS))
    assert result["outcome"] == {"key": "overall=Satisfied", "label": "Overall = satisfied",
                                 "binary": True}
    assert "linear probability" in result["method"]
    ref, _ = _reference(session.db, ids, f"case when ra.a{ids['overall']} = 0 then 1 else 0 end")
    got = {d["attribute"]: d["weight_pct"] for d in result["drivers"]}
    assert [got[q] for q in QUESTIONS] == pytest.approx(list(ref), abs=1e-9)
    yes = kd.key_drivers(session, "solved=yes")
    assert yes["outcome"]["binary"] and "solved" not in {d["attribute"] for d in yes["drivers"]}
    assert kd.key_drivers(session, "solved")["outcome"]["binary"]
    assert kd.key_drivers(session, "speed")["drivers"][0]["attribute"] != "speed"


@pytest.mark.parametrize(("outcome", "message"), [
    ("nothing", "No question 'nothing' to explain"),
    ("overall", "single-choice question: name the answer"),
    ("overall=happy", "'happy' is not an answer of 'overall'"),
    ("solved=maybe", "use yes or no"),
    ("speed=fast", "not a number on the 1-5 scale"),
])
def test_bad_outcomes_say_what_exists(survey, outcome, message):
    session, _ = survey
    with pytest.raises(ValidationError, match=message):
        kd.key_drivers(session, outcome)


def test_bad_driver_and_basis(survey):
    session, _ = survey
    with pytest.raises(ValidationError, match="No driver question 'colour'"):
        kd.key_drivers(session, "nps", drivers=["speed", "colour"])
    with pytest.raises(ValidationError, match="mean"):
        kd.key_drivers(session, "nps", basis="median")
    chosen = kd.key_drivers(session, "nps", drivers=["speed", "staff"])
    assert [d["attribute"] for d in chosen["drivers"]] == ["speed", "staff"]


def test_too_few_to_tell(editor_session):
    build_survey(editor_session.db, n=60)
    result = kd.key_drivers(editor_session, "nps")
    assert not result["enough"] and result["drivers"] == []
    assert result["reason"].startswith("too few to tell: 54 responses")
    assert result["min_n"] == 100
    assert kd.key_drivers(editor_session, "nps", period="2025")["reason"].startswith(
        "no response in 2025")


def test_period_and_segment_filter(survey):
    session, _ = survey
    q1 = kd.key_drivers(session, "nps", period="2026-Q1")
    assert q1["answered"] == 600
    business = kd.key_drivers(session, "nps", segment="business")
    count = session.db.execute("select count(*) from responses where segment = 'business'"
                               ).fetchone()[0]
    assert business["answered"] == count
    shares = {d["attribute"]: d["weight_pct"] for d in business["drivers"]}
    assert shares["price"] > shares["staff"]  # price matters more to business customers


def test_sample_is_uniform_stable_and_stated(survey):
    session, ids = survey
    result = kd.key_drivers(session, "nps", limit=400, draws=50)
    assert result["sampled"] and result["total"] == 1080
    assert 300 < result["n"] < 520  # about 400: each response kept with p = 400/1080
    again = kd.key_drivers(session, "nps", limit=400, draws=50)
    assert again["n"] == result["n"]
    assert [d["weight_pct"] for d in again["drivers"]] == [d["weight_pct"]
                                                           for d in result["drivers"]]


def test_groups_against_the_rest_and_channel_consistency(survey):
    session, _ = survey
    result = kd.key_drivers(session, "nps", groups=True, draws=50)
    seg = {g["group"]: g for g in result["by_segment"]}
    assert set(seg) == {"business", "home"}
    price = next(d for d in seg["business"]["drivers"] if d["attribute"] == "price")
    assert price["verdict"] == "more" and price["diff_low"] > 0
    assert price["rest_pct"] < price["weight_pct"]
    assert seg["business"]["rest_n"] == seg["home"]["n"]
    channel = {row["attribute"]: row for row in result["consistency"]["channel"]["rows"]}
    assert channel["app"]["verdict"] == "differs" and channel["app"]["lowest"] == "phone"
    assert channel["app"]["gap"] > 15  # one point on 1-5 = 25 points on 0-100, diluted by rounding
    assert channel["staff"]["verdict"] == "consistent"
    # No journey steps on these responses: too few to tell.
    assert all(r["verdict"] == "too few to tell"
               for r in result["consistency"]["step"]["rows"])


def test_consistency_with_small_groups(survey):
    session, _ = survey
    chosen = [v for v in kd.variables(session) if v.key in QUESTIONS]
    sample = kd.fetch_complete(session, kd.NPS, chosen, kd.parse_period("all"))
    sample.channel[:] = "web"
    sample.channel[:10] = "fax"
    out = kd.consistency(sample, chosen, "channel")
    assert out["groups"] == ["web"] and out["small_groups"] == ["fax"]
    assert all(r["verdict"] == "too few to tell" for r in out["rows"])


def test_step_drivers_for_the_journey_map(survey):
    session, ids = survey
    journey = jr.create_journey(session, "Support")
    step = jr.add_step(session, journey, "Use the app")
    attributes.link_step(session.db, ids["app"], step)
    result = kd.key_drivers(session, "nps")
    steps = kd.step_drivers(session, result)
    assert [(s["step_id"], s["step"]) for s in steps] == [(step, "Use the app")]
    assert [d["attribute"] for d in steps[0]["drivers"]] == ["app"]
    assert steps[0]["weight_pct"] == pytest.approx(
        next(d["weight_pct"] for d in result["drivers"] if d["attribute"] == "app"))
    assert kd.step_drivers(session, {"drivers": []}) == []
    on_map = kd.journey_drivers(session, journey)
    assert list(on_map) == [step] and on_map[step]["drivers"][0]["attribute"] == "app"
    assert kd.journey_drivers(session, journey + 1) == {}
    rows = kd.step_driver_rows(on_map.values())
    app = next(d for d in result["drivers"] if d["attribute"] == "app")
    assert rows == [{"Step": "Use the app", "Question": "App rating",
                     "Share of explained variance": (f"{app['weight_pct']:.1f} % "
                                                     f"({app['low_pct']:.1f} to "
                                                     f"{app['high_pct']:.1f})"),
                     "Rank": app["rank"], "Priority": app["quadrant"]}]


def test_outcome_choices(survey):
    session, _ = survey
    values = [c["value"] for c in kd.outcome_choices(session)]
    assert values[0] == "nps" and "csat" in values and "speed" in values
    assert "overall=satisfied" in values and "overall=neutral or dissatisfied" in values


# ---- the CLI ------------------------------------------------------------------------------------

def test_cli_json(accounts, editor_session, capsys):
    build_survey(editor_session.db)
    code = cli.main(["drivers", "--workspace", "Acme", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["method"].startswith("Johnson's relative weights")
    assert data["n"] == 1080 and 0 < data["r2"] < 1
    assert sum(d["weight_pct"] for d in data["drivers"]) == pytest.approx(100, abs=0.01)
    first = data["drivers"][0]
    assert {"attribute", "weight_pct", "low_pct", "high_pct", "rank", "performance",
            "n"} <= set(first)
    assert first["attribute"] == "speed" and first["rank"] == 1


def test_cli_text_label_outcome_and_errors(accounts, editor_session, capsys):
    build_survey(editor_session.db)
    code = cli.main(["drivers", "--workspace", "Acme", "--outcome", "overall=satisfied",
                     "--period", "2026-Q2", "--segment", "home"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "Key drivers of 'Overall = satisfied'" in out and "segment home" in out
    assert "Speed rating" in out
    code = cli.main(["drivers", "--workspace", "Acme", "--outcome", "overall=happy"])
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("error:") and "'happy'" in err
    code = cli.main(["drivers", "--workspace", "Acme", "--period", "1999"])
    out, _ = capsys.readouterr()
    assert code == 0 and "No analysis: no response in 1999" in out


def test_default_outcome_and_segments(editor_session):
    assert kd.default_outcome(editor_session) == "nps"  # nothing answered yet
    db = editor_session.db
    a = attributes.define_attribute(db, "gender", "Gender", kind="category",
                                    categories=["female", "male"])
    # In the order the airline file gives them: the positive answer is second.
    b = attributes.define_attribute(db, "satisfaction", "Satisfaction", kind="category",
                                    categories=["neutral or dissatisfied", "satisfied"])
    with db.atomic():
        db["responses"].insert_all([{"id": 1, "date": "2026-01-01", "segment": "home"},
                                    {"id": 2, "date": "2026-01-01", "segment": " "}])
        attributes.write_values(db, [(1, {a: 0.0, b: 0.0}), (2, {a: 1.0, b: 1.0})])
    assert kd.default_outcome(editor_session) == "satisfaction=satisfied"
    assert kd.segment_names(editor_session) == ["(not set)", "home"]
    with db.atomic():
        db["responses"].insert({"id": 3, "date": "2026-01-02", "nps": 9})
    assert kd.default_outcome(editor_session) == "nps"


def test_a_label_outcome_excludes_only_its_own_question(survey):
    session, ids = survey
    db = session.db
    for k in range(5):  # push the next id to 12, whose column a12 starts like speed's a1
        attributes.define_attribute(db, f"filler{k}", f"Filler {k}", scale=(1, 5))
    verdict = attributes.define_attribute(db, "verdict", "Verdict", kind="category",
                                          categories=["good", "bad"])
    assert ids["speed"] == 1 and verdict == 12
    with db.atomic():
        db.execute(f"update response_attributes set a{verdict} = a{ids['overall']}")
    keys = {d["attribute"] for d in kd.key_drivers(session, "verdict=good")["drivers"]}
    assert "speed" in keys and "verdict" not in keys


def test_coverage_is_estimated_on_a_sample_of_a_large_period(survey, monkeypatch):
    session, _ = survey
    exact = kd.key_drivers(session, "nps")
    monkeypatch.setattr(kd, "COVERAGE_ROWS", 300)
    estimated = kd.key_drivers(session, "nps")
    assert estimated["answered"] == exact["answered"] == 1200  # the outcome count stays exact
    assert [d["attribute"] for d in estimated["drivers"]] == [
        d["attribute"] for d in exact["drivers"]]
    app = next(d for d in estimated["drivers"] if d["attribute"] == "app")
    assert 950 < app["answers"] < 1200  # 1,080 exactly; estimated from about 300 responses
    assert next(d for d in exact["drivers"] if d["attribute"] == "app")["answers"] == 1080


def test_positive_choice():
    assert kd.positive_choice(["neutral or dissatisfied", "satisfied"]) == "satisfied"
    assert kd.positive_choice(["No", "Yes"]) == "Yes"
    assert kd.positive_choice(["Very unhappy", "Happy"]) == "Happy"
    assert kd.positive_choice(["not solved", "no"]) == "not solved"


def test_drivers_by_a_single_choice_question(survey):
    session, ids = survey
    db = session.db
    travel = attributes.define_attribute(db, "travel", "Type of travel", kind="category",
                                         categories=["Business travel", "Personal Travel"])
    with db.atomic():
        db.execute(f"update response_attributes set a{travel} = (select case when "
                   "r.segment = 'business' then 0 else 1 end from responses r "
                   "where r.id = response_id)")
    assert [c["value"] for c in kd.group_choices(session)] == [
        "segment", "channel", "overall", "travel"]
    out = kd.drivers_by_group(session, "nps", "travel", drivers=list(QUESTIONS))
    assert out["enough"] and out["label"] == "Type of travel" and out["n"] == 1080
    groups = {g["group"]: g for g in out["groups"]}
    assert set(groups) == {"Business travel", "Personal Travel"}
    price = next(d for d in groups["Business travel"]["drivers"] if d["attribute"] == "price")
    assert price["verdict"] == "more"
    # The same split as by segment, so the same numbers.
    by_segment = kd.drivers_by_group(session, "nps", "segment", drivers=list(QUESTIONS))
    seg = {g["group"]: g for g in by_segment["groups"]}
    assert seg["business"]["n"] == groups["Business travel"]["n"]
    assert kd.drivers_by_group(session, "overall=satisfied", "overall")["reason"] == (
        "the outcome is an answer of this question")
    with pytest.raises(ValidationError, match="Cannot group customers by 'colour'"):
        kd.drivers_by_group(session, "nps", "colour")


def test_finding_quotes_come_from_the_step_or_theme_of_the_question(editor_session):
    from cxcore import comments

    s = editor_session
    jid = jr.create_journey(s, "Delivery")
    step = jr.add_step(s, jid, "Wait")
    with s.db.atomic():
        s.db["responses"].insert_all([
            {"date": "2026-01-10", "nps": 2, "journey_step_id": step,
             "comment": "Nobody told me when the van would come."},
            {"date": "2026-01-11", "nps": 3, "comment": "The price went up without warning."}])
    price_id = s.db.execute("select id from responses where comment like 'The price%'"
                            ).fetchone()[0]
    comments.tag_comments(s, [price_id], "price")
    rows = [
        {"attribute": "speed", "label": "Speed rating", "step_id": step, "weight_pct": 50.0,
         "low_pct": 40.0, "high_pct": 60.0, "performance": 55.0, "quadrant": "fix first",
         "rank_stability": 0.95},
        {"attribute": "price", "label": "Price rating", "step_id": None, "weight_pct": 30.0,
         "low_pct": 20.0, "high_pct": 40.0, "performance": 80.0, "quadrant": "keep up",
         "rank_stability": 0.6},
        {"attribute": "app", "label": "App rating", "step_id": None, "weight_pct": 20.0,
         "low_pct": 10.0, "high_pct": 30.0, "performance": 60.0, "quadrant": "watch",
         "rank_stability": 0.6}]
    result = {"enough": True, "drivers": rows, "basis": "mean", "r2": 0.05,
              "lines": {"weight_pct": 100 / 3, "performance": 65.0},
              "outcome": {"label": "Likelihood to recommend"}, "collinearity": None}
    texts, quotes = kd.findings(result), kd.finding_quotes(s, result)
    assert len(quotes) == len(texts) == 3  # fix first, keep up, low R²
    assert texts[0].startswith("Fix first: 'Speed rating'")
    assert quotes[0]["text"] == "Nobody told me when the van would come."
    assert texts[1].startswith("Keep up: 'Price rating'")
    assert quotes[1]["text"] == "The price went up without warning."
    assert quotes[2] is None  # about the analysis, not one question
    assert kd.finding_quotes(s, {"enough": False}) == []
