"""Customers: who they are, when they started and ended, and the rules across their fields
(tenure counted back from a reference date, snapshot files, referrers)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxcore.importers.base import SNAPSHOT_KEY, FieldSpec, known_ids

FIELDS: list[FieldSpec] = [
    FieldSpec("id", "id", "Customer ID", required=True),
    FieldSpec("name", "text", "Name"),
    FieldSpec("segment", "text", "Segment"),
    FieldSpec("channel", "text", "Channel"),
    FieldSpec("start_date", "date", "Start date", required=True),
    FieldSpec("end_date", "date", "End date"),
    FieldSpec("churned", "flag", "Churned (yes/no)"),
    FieldSpec("monthly_revenue", "money", "Monthly revenue"),
    FieldSpec("referred_by", "id", "Referred by (customer ID)"),
    FieldSpec("tenure_months", "number", "Tenure in months (with a reference date)",
              stored=False),
]

# Headers (normalised: lower-case letters and digits) that name a field outright, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "customerid", "customer", "custid", "clientid", "accountid",
           "customernumber", "customerno", "customerref"),
    "name": ("name", "customername", "fullname", "company", "companyname", "accountname"),
    "segment": ("segment", "customersegment", "tier"),
    "channel": ("channel", "acquisitionchannel", "saleschannel"),
    "start_date": ("startdate", "start", "customersince", "since", "signupdate", "signedup",
                   "joined", "joindate", "datejoined", "acquireddate", "firstpurchasedate"),
    "end_date": ("enddate", "churndate", "canceldate", "cancelleddate", "cancellationdate",
                 "leftdate", "dateleft"),
    "churned": ("churned", "churn", "ischurned", "cancelled", "canceled", "exited", "lost"),
    "monthly_revenue": ("monthlyrevenue", "mrr", "monthlycharges", "monthlycharge",
                        "monthlyfee", "monthlyspend"),
    "referred_by": ("referredby", "referrer", "referrerid", "referredbyid"),
    "tenure_months": ("tenure", "tenuremonths", "monthsascustomer"),
}

QUESTION_PATTERNS: list[tuple[str, str]] = []


def finish(v: Any) -> None:
    """The rules across a customer row's fields, on the validator ``v``
    (:class:`cxcore.importers.validate.Validator`) once its fields are parsed."""
    out = v.out
    if "tenure_months" in out:
        tenure = out["tenure_months"]
        if not v.reference_date:
            v.file_problem("tenure_months", "a tenure column needs the reference date "
                           "it was counted to (e.g. the date of the export)")
        else:
            ref = pd.Timestamp(v.reference_date)
            bad = tenure.notna() & ((tenure < 0) | (tenure % 1 != 0))
            v.flag(bad, "tenure_months", "tenure must be a whole number of months >= 0")
            v.flag(tenure.isna(), "tenure_months", "tenure is blank")
            months = tenure.where(~bad).fillna(0).astype("int64")
            by_months = {m: (ref - pd.DateOffset(months=int(m))).strftime("%Y-%m-%d")
                         for m in months.unique()}
            starts = months.map(by_months).astype("str")
            out["start_date"] = (out["start_date"].fillna(starts) if "start_date" in out
                                 else starts)
            snapshot = "churned" in out and "end_date" not in out
            if "churned" in out:
                ends = (out["end_date"] if "end_date" in out
                        else pd.Series(pd.NA, index=out.index, dtype="str"))
                out["end_date"] = ends.where(~(ends.isna() & (out["churned"] == 1)),
                                             v.reference_date)
            v.notes.append(f"Start dates were counted back from the reference date "
                           f"{v.reference_date}; churned customers without an end date "
                           f"are taken to have left on that date.")
            if snapshot:
                # Tenure + churn flag, no end dates: a snapshot that sees only the customers
                # still there a month before the reference date (the scorecard reads this).
                v.detected[SNAPSHOT_KEY] = v.reference_date
                v.notes.append(
                    "This looks like a snapshot (tenure and a churn flag, no end dates): "
                    "churn is measured only for the month before the reference date, "
                    "because customers who left earlier are not in the file.")
    if "churned" not in out:
        out["churned"] = 0
    if "end_date" in out:
        ended = out["end_date"].notna()
        out["churned"] = out["churned"].where(~ended, 1)
        if "start_date" in out:
            v.flag(ended & out["start_date"].notna() & (out["end_date"] < out["start_date"]),
                   "end_date", "the end date is before the start date")
    if "monthly_revenue" in out:
        v.flag(out["monthly_revenue"] < 0, "monthly_revenue",
               "monthly revenue can't be negative")
    if "id" in out:
        dup = out["id"].notna() & out["id"].duplicated(keep="first")
        v.flag(dup, "id", lambda i: f"customer id {v.shown(out['id'].loc[i])} appears "
                                    f"more than once in this file")
    if "referred_by" in out:
        known = known_ids(v.known)
        if known is not None:
            in_file = set(out["id"].dropna()) if "id" in out else set()
            ref = out["referred_by"]
            v.flag(ref.notna() & ~ref.isin(known | in_file), "referred_by",
                   lambda i: f"referrer {v.shown(ref.loc[i])} is not a known customer")
        if "id" in out:
            v.flag(out["referred_by"].notna() & (out["referred_by"] == out["id"]),
                   "referred_by", "a customer can't refer themselves")
