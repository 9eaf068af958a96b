"""Real quotes, chosen by theme and journey step: what customers and employees actually said.

:func:`real_quotes` picks from two sources only, never writing a word itself: survey comments
(``responses.comment``) and the key quotes of logged interviews (one per line). E-mail
addresses are masked (:func:`cxcore.privacy.mask_emails`) and names are left out unless asked
for, so a report or a deck can be shown to anyone.

:func:`report_quotes` is the choice the report, the PDF, the deck and the presentation share:
one quote for each of the most used themes, then one for each journey step, then the newest,
with names only when the workspace's owner has switched them on
(:func:`cxcore.privacy.show_names`).
"""

from __future__ import annotations

from typing import Any

from cxcore import comments, interviews
from cxcore.privacy import mask_emails, show_names
from cxcore.workspace import WorkspaceSession

MIN_CHARS, MAX_CHARS = 15, 320


def real_quotes(session: WorkspaceSession, *, theme: str | None = None,
                journey_step_id: int | None = None, limit: int = 6, hide_names: bool = True,
                sources: tuple[str, ...] = ("interview", "comment")) -> list[dict[str, Any]]:
    """Up to ``limit`` real quotes about ``theme`` (a tag, by hand or rule) and/or a journey
    step, newest first, alternating interview quotes and survey comments, and unhappy and happy
    comments, at most one comment per customer; comments of 15 to 320 characters only.

    Each quote: ``text`` (as stored, e-mail addresses masked), ``source`` ("survey comment",
    "customer interview" or "employee interview"), ``date``, ``who`` (segment or role, plus
    the interviewee's or customer's name when ``hide_names`` is False), ``group`` (NPS group) or
    ``sentiment``, ``tags``, ``journey_step``, ``ref`` (response or interview id).
    """
    picked_interviews: list[dict[str, Any]] = []
    if "interview" in sources:
        for q in interviews.quote_wall(session, tag=theme):
            if journey_step_id is not None and q["journey_step_id"] != journey_step_id:
                continue
            who = q["role_segment"] or ""
            if not hide_names and q["interviewee"]:
                who = ", ".join(x for x in (mask_emails(q["interviewee"]), who) if x)
            picked_interviews.append({
                "text": mask_emails(q["quote"]), "source": f"{q['kind']} interview",
                "date": q["date"], "who": who or None, "group": None,
                "sentiment": q["sentiment"], "tags": q["tags"],
                "journey_step": q["journey_step_name"], "ref": q["interview_id"]})
            if len(picked_interviews) >= limit:
                break
    picked_comments: list[dict[str, Any]] = []
    if "comment" in sources:
        where, params = comments._where(session, tag=theme, journey_step_id=journey_step_id)
        ids = [r[0] for r in session.db.execute(
            f"select r.id from responses r where {where} and length(r.comment) between ? and ? "
            "order by r.date desc, r.id desc limit ?", [*params, MIN_CHARS, MAX_CHARS,
                                                        limit * 20])]
        unhappy, happy, seen = [], [], set()
        for c in comments.comments_by_id(session, ids):
            if c["customer_id"] is not None:
                if c["customer_id"] in seen:
                    continue
                seen.add(c["customer_id"])
            (unhappy if c["group"] in ("detractor", "passive") else happy).append(c)
        mixed = [c for pair in zip(unhappy, happy, strict=False) for c in pair]
        longer = unhappy if len(unhappy) > len(happy) else happy
        mixed += longer[min(len(unhappy), len(happy)):]
        names = {} if hide_names else _customer_names(session, [c["customer_id"]
                                                                  for c in mixed[:limit]])
        for c in mixed[:limit]:
            who = ", ".join(x for x in (names.get(c["customer_id"]), c["segment"]) if x)
            picked_comments.append({
                "text": mask_emails(c["comment"]), "source": "survey comment",
                "date": c["date"], "who": who or None, "group": c["group"], "sentiment": None,
                "tags": c["tags"], "journey_step": c["journey_step"], "ref": c["id"]})
    out: list[dict[str, Any]] = []
    for i in range(max(len(picked_interviews), len(picked_comments))):
        out += [q[i] for q in (picked_interviews, picked_comments) if i < len(q)]
    return out[:limit]


def _customer_names(session: WorkspaceSession, ids: list[str | None]) -> dict[str, str]:
    """Customer id → name (e-mail addresses masked) for those with a name."""
    wanted = sorted({i for i in ids if i})
    if not wanted or "customers" not in session.db.table_names():
        return {}
    return {r[0]: mask_emails(r[1]) for r in session.db.execute(
        f"select id, name from customers where id in ({', '.join('?' * len(wanted))}) "
        "and coalesce(trim(name), '') != ''", wanted)}


#: NPS group → the mood a quote is shown with (a border colour in the report and the deck).
MOOD = {"detractor": "negative", "passive": "neutral", "promoter": "positive"}


def report_quotes(session: WorkspaceSession, limit: int = 6) -> list[dict[str, Any]]:
    """The real quotes a report, deck or presentation shows: one for each of the most used
    themes (survey comments and interview tags) and for each journey step, taking turns,
    then the newest others (:func:`real_quotes`), at most ``limit``, never the same one twice;
    survey comments and interview quotes alternate where both exist. Names
    appear only when :func:`cxcore.privacy.show_names` is on; e-mail addresses never.

    Each item has :func:`real_quotes`' fields plus what the report formats print: ``quote``
    (the text), ``kind`` (its source), ``role_segment`` (who said it), ``sentiment`` (the
    interview's, or from the NPS group: detractor negative, passive neutral, promoter
    positive) and ``theme`` (the theme it was chosen for, or None).
    """
    session.require("viewer")
    hide = not show_names(session)
    picked: list[dict[str, Any]] = []
    seen: set[str] = set()  # by text: the same words twice (two customers) once is enough

    def take(found: list[dict[str, Any]], theme: str | None) -> None:
        """Add the first quote of ``found`` not shown yet, of the source whose turn it is."""
        fresh = [q for q in found if q["text"].casefold() not in seen]
        # Survey comments and interviews take turns, so neither crowds the other out.
        comment_turn = sum(q["source"] == "survey comment" for q in picked) * 2 < len(picked) + 1
        fresh.sort(key=lambda q: (q["source"] == "survey comment") != comment_turn)
        if fresh and len(picked) < limit:
            seen.add(fresh[0]["text"].casefold())
            picked.append({**fresh[0], "theme": theme})

    themes = [t["tag"] for t in comments.all_themes(session)][:limit]
    steps = [(c["label"], c["journey_step_id"]) for c in interviews.journey_choices(session)
             if c["journey_step_id"] is not None][:limit]
    for i in range(max(len(themes), len(steps))):  # a theme, a step, the next theme...
        if i < len(themes) and len(picked) < limit:
            take(real_quotes(session, theme=themes[i], limit=4, hide_names=hide), themes[i])
        if i < len(steps) and len(picked) < limit:
            take(real_quotes(session, journey_step_id=steps[i][1], limit=4, hide_names=hide),
                 None)
    newest = real_quotes(session, limit=limit * 3, hide_names=hide)
    while len(picked) < limit and len(seen) < len(seen | {q["text"].casefold()
                                                          for q in newest}):
        take(newest, None)
    return [{**q, "quote": q["text"], "kind": q["source"], "role_segment": q["who"],
             "sentiment": q["sentiment"] or MOOD.get(q["group"] or "")} for q in picked]
