"""Links between pages: to one customer's page from any table that shows a customer id, and
page links that degrade to a plain link where the page is not in the menu (AppTest, a page
served by its URL)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from cxui.shell import esc

CUSTOMER_PAGE = "pages/customer.py"
CUSTOMER_SLUG = "customer"


def customer_query(customer_id: str, workspace_id: int | None = None) -> dict[str, str]:
    """The customer page's query parameters: the customer and the workspace (``?ws=``, as
    :func:`cxui.shell.url_select` keeps it; default: the one open), so a link opened in a new
    tab or sent to a colleague opens the same customer of the same workspace."""
    ws = st.session_state.get("workspace_id") if workspace_id is None else workspace_id
    return {"id": str(customer_id), **({"ws": str(ws)} if ws is not None else {})}


def customer_url(customer_id: str | None, workspace_id: int | None = None) -> str | None:
    """The customer page's address for ``customer_id`` (None for no id), with the workspace
    (:func:`customer_query`)."""
    if customer_id in (None, ""):
        return None
    query = urlencode(customer_query(customer_id, workspace_id), quote_via=quote)
    return f"/{CUSTOMER_SLUG}?{query}"


def customer_column(label: str = "Customer") -> Any:
    """Column config showing :func:`customer_url` values as the id, linked to its page."""
    return st.column_config.LinkColumn(label, display_text=rf"/{CUSTOMER_SLUG}\?id=([^&]*)",
                                       help="Open the customer's page")


def page_link(page: str, label: str, *, icon: str | None = None,
              query_params: dict[str, str] | None = None) -> None:
    """``st.page_link``, or a plain link to the same address when the page is not known."""
    try:
        st.page_link(page, label=label, icon=icon, query_params=query_params)
    except (StreamlitAPIException, KeyError):
        name = page.rsplit("/", 1)[-1].removesuffix(".py")
        query = f"?{urlencode(query_params)}" if query_params else ""
        st.markdown(f"[{esc(label)}](/{name}{query})")
