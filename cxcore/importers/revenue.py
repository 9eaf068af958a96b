"""Revenue events: amount, kind and date per customer; negative amounts only as refunds or
downgrades, stored positive with the kind saying the direction."""

from __future__ import annotations

from typing import Any

from cxcore.customer_data import REVENUE_KINDS
from cxcore.importers.base import FieldSpec

FIELDS: list[FieldSpec] = [
    FieldSpec("customer_id", "id", "Customer ID", required=True),
    FieldSpec("date", "date", "Date", required=True),
    FieldSpec("amount", "money", "Amount", required=True),
    FieldSpec("kind", "revenue_kind", "Kind (" + "/".join(REVENUE_KINDS) + ")",
              required=True),
    FieldSpec("event_id", "text", "Event ID (for de-duplication)", stored=False),
]

# Headers (normalised: lower-case letters and digits) that name a field outright, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customerid", "customer", "custid", "clientid", "accountid"),
    "date": ("date", "eventdate", "invoicedate", "transactiondate", "paymentdate",
             "orderdate", "createdat"),
    "amount": ("amount", "value", "revenue", "total", "sum", "netamount"),
    "kind": ("kind", "type", "eventtype", "revenuetype", "transactiontype", "category"),
    "event_id": ("eventid", "invoiceid", "transactionid", "invoicenumber", "orderid", "id"),
}

QUESTION_PATTERNS: list[tuple[str, str]] = []

REVENUE_KIND_WORDS = {
    **dict.fromkeys(("new", "newbusiness", "acquisition", "first", "firstpurchase", "purchase",
                     "sale", "initial"), "new"),
    **dict.fromkeys(("renewal", "renew", "renewed", "recurring", "subscription"), "renewal"),
    **dict.fromkeys(("upsell", "expansion", "upgrade", "crosssell", "addon"), "upsell"),
    **dict.fromkeys(("downgrade", "contraction", "downsell"), "downgrade"),
    **dict.fromkeys(("refund", "chargeback", "credit", "creditnote", "return"), "refund"),
}


def finish(v: Any) -> None:
    """The rules across a revenue row's fields, on the validator ``v``
    (:class:`cxcore.importers.validate.Validator`) once its fields are parsed."""
    out = v.out
    if "amount" in out and "kind" in out:
        negative = out["amount"] < 0
        reducing = out["kind"].isin(["refund", "downgrade"])
        v.flag(negative & ~reducing & out["kind"].notna(), "amount",
               "a negative amount must be a refund or a downgrade")
        out["amount"] = out["amount"].abs()
    v.unknown_customers("customer_id")
    v.dedupe_key(["customer_id", "date", "amount", "kind"], "event_id")
