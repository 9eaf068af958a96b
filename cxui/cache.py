"""One cached-read helper for every page: ``cache.read(fn, session, *args)`` instead of a
``@st.cache_data`` wrapper per cxcore function.

``read`` calls ``fn(session, *args, **kwargs)`` once per workspace file version: the key is the
function's name, :func:`cxui.shell.cache_key` (the file and its modification stamp, which
change with every write by any process) and the arguments, so a result is reused across reruns
and sessions until the workspace changes. Arguments must be hashable by Streamlit (text,
numbers, tuples, a ``Period``); the session itself is not part of the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from cxcore.workspace import WorkspaceSession
from cxui.shell import cache_key

T = TypeVar("T")


def read(fn: Callable[..., T], session: WorkspaceSession, *args: Any, **kwargs: Any) -> T:
    """``fn(session, *args, **kwargs)``, cached until the workspace file is written."""
    return _cached(f"{fn.__module__}.{fn.__qualname__}", cache_key(session), args,
                   tuple(sorted(kwargs.items())), session, fn)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, key: tuple, args: tuple, kwargs: tuple, _session: WorkspaceSession,
            _fn: Callable[..., Any]) -> Any:
    return _fn(_session, *args, **dict(kwargs))
