"""Real quotes, chosen by theme and journey step: what customers and employees actually said.

:func:`real_quotes` picks from two sources only, never writing a word itself: survey comments
(``responses.comment``) and the key quotes of logged interviews (one per line). E-mail
addresses are masked (:func:`cxcore.privacy.mask_emails`) and names are left out unless asked
for, so a report or a deck can be shown to anyone.
"""

from __future__ import annotations

from typing import Any

from cxcore import comments, interviews
from cxcore.privacy import mask_emails
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
    the interviewee's name when ``hide_names`` is False), ``group`` (NPS group) or
    ``sentiment``, ``tags``, ``journey_step``, ``ref`` (response or interview id).
    """
    picked_interviews: list[dict[str, Any]] = []
    if "interview" in sources:
        for q in interviews.quote_wall(session, tag=theme):
            if journey_step_id is not None and q["journey_step_id"] != journey_step_id:
                continue
            who = q["role_segment"] or ""
            if not hide_names and q["interviewee"]:
                who = ", ".join(x for x in (q["interviewee"], who) if x)
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
        for c in mixed[:limit]:
            picked_comments.append({
                "text": mask_emails(c["comment"]), "source": "survey comment",
                "date": c["date"], "who": c["segment"], "group": c["group"], "sentiment": None,
                "tags": c["tags"], "journey_step": c["journey_step"], "ref": c["id"]})
    out: list[dict[str, Any]] = []
    for i in range(max(len(picked_interviews), len(picked_comments))):
        out += [q[i] for q in (picked_interviews, picked_comments) if i < len(q)]
    return out[:limit]
