"""The tag model shared by interviews and survey comments: one vocabulary of themes.

A tag (a *theme*) is a short lower-case label such as ``waiting time``. Interviews carry tags
in ``interview_tags``; survey comments carry hand-set tags in ``response_tags`` and, through
rules (keyword or phrase → tag, see :mod:`cxcore.comments`), automatic ones. Both use
:func:`normalise_tags`, so "Waiting   Time" on an interview and "waiting time" on a comment
are the same theme.

Text matching follows SQLite FTS5's ``unicode61 remove_diacritics 2`` tokenizer, which the
search indexes use: letters and digits make words, everything else separates them, case and
accents are ignored. :func:`fold` and :func:`words` are the same rule in Python, for places
where a handful of texts is checked without a query (which rule tags a page of comments has).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from cxcore.errors import Problem

MAX_TAG = 40
MAX_TAGS = 20
MAX_PATTERN = 100
TAG_SPLIT_RE = re.compile(r"[,;\n]")
_WORD_RE = re.compile(r"[^\W_]+")


def normalise_tags(value: Any) -> list[str]:
    """Tags as a sorted list of distinct, trimmed, lower-case labels.

    Accepts a list or one string separated by commas, semicolons or new lines. Inner runs of
    white space become one space, so "Waiting   time" and "waiting time" are the same tag.
    """
    if value is None:
        return []
    parts = TAG_SPLIT_RE.split(value) if isinstance(value, str) else [str(v) for v in value]
    tags = {" ".join(p.split()).casefold() for p in parts}
    return sorted(t for t in tags if t)


def tag_problems(tags: list[str], row: int | None = None, field: str = "tags") -> list[Problem]:
    """Problems with already normalised ``tags``: too long, or too many."""
    problems = []
    long_tags = [t for t in tags if len(t) > MAX_TAG]
    if long_tags:
        problems.append(Problem(field, f"'{long_tags[0][:50]}' is longer than {MAX_TAG} "
                                "characters", row))
    if len(tags) > MAX_TAGS:
        problems.append(Problem(field, f"{len(tags)} tags given; the limit is {MAX_TAGS}", row))
    return problems


def one_tag(value: Any, field: str = "tag") -> tuple[str | None, list[Problem]]:
    """A single tag, normalised, with the problems that make it unusable."""
    tags = normalise_tags(value)
    if len(tags) != 1:
        return None, [Problem(field, "give exactly one tag (a short label such as 'waiting "
                                     "time')")]
    return tags[0], tag_problems(tags, field=field)


def fold(text: str) -> str:
    """Lower-case ``text`` without accents ("Délai" → "delai"), as the search index sees it."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str | None) -> list[str]:
    """The words of ``text`` as the search index stores them (folded, in order)."""
    return _WORD_RE.findall(fold(text or ""))


def phrase_query(pattern: str) -> str | None:
    """An FTS5 query for a rule's keyword or phrase: its words in order, the last one as a
    prefix (so "caisse" also matches "caisses"). None when the pattern has no word."""
    if not words(pattern):
        return None
    return '"' + " ".join(words(pattern)) + '"*'


def phrase_matches(pattern: str, text: str | None) -> bool:
    """True when :func:`phrase_query` of ``pattern`` would match ``text`` (same rule)."""
    wanted, have = words(pattern), words(text)
    if not wanted:
        return False
    *head, last = wanted
    n = len(wanted)
    for start in range(len(have) - n + 1):
        window = have[start:start + n]
        if window[:-1] == head and window[-1].startswith(last):
            return True
    return False
