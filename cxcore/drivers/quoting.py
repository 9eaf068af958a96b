"""One real quote for a driver finding: what a customer or an employee actually said about the
finding's journey step or theme (:func:`cxcore.quotes.real_quotes`; never invented text)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cxcore import quotes
from cxcore.tags import fold
from cxcore.workspace import WorkspaceSession


def themes(session: WorkspaceSession) -> list[str]:
    """Every theme (tag) of the workspace: on comments by hand, in tagging rules, on
    interviews; sorted."""
    db = session.db
    found: set[str] = set()
    for table in ("response_tags", "interview_tags", "tag_rules"):
        if db[table].exists():
            found |= {r[0] for r in db.execute(f"select distinct tag from {table}")}
    return sorted(t for t in found if t)


def theme_for(words: Iterable[str | None], known: list[str]) -> str | None:
    """The first theme of ``known`` written as whole words in ``words`` (a question's key or
    label; accents, case and ``_`` folded: the theme "délai" matches "Delai de livraison",
    "late delivery" matches "late_delivery"), else None."""
    said = " ".join(fold(text or "").replace("_", " ") for text in words)
    return next((t for t in known
                 if re.search(rf"\b{re.escape(fold(t).replace('_', ' '))}\b", said)), None)


def quote_for(session: WorkspaceSession, *, step_id: int | None = None,
              words: Iterable[str | None] = (), known: list[str] | None = None
              ) -> dict[str, Any] | None:
    """One real quote for a finding: about its journey step ``step_id`` when it names one,
    else about the theme that ``words`` name (:func:`theme_for`); None when neither finds a
    quote, or the finding names neither."""
    if step_id is not None:
        found = quotes.real_quotes(session, journey_step_id=int(step_id), limit=1)
        if found:
            return found[0]
    theme = theme_for(words, themes(session) if known is None else known)
    if theme is None:
        return None
    found = quotes.real_quotes(session, theme=theme, limit=1)
    return found[0] if found else None
