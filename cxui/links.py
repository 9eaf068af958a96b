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


def customer_url(customer_id: str | None) -> str | None:
    """The customer page's address for ``customer_id`` (None for no id)."""
    return None if customer_id in (None, "") else f"/customer?id={quote(str(customer_id))}"


def customer_column(label: str = "Customer") -> Any:
    """Column config showing :func:`customer_url` values as the id, linked to its page."""
    return st.column_config.LinkColumn(label, display_text=r"/customer\?id=(.*)",
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
