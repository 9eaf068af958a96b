"""One customer's whole story: a single view of everything the workspace holds about them.

:func:`customer_timeline` gathers a customer's survey answers and comments, revenue events,
interviews (those linked to them by customer id), follow-ups, segment and channel changes
(as their answers recorded them, against the customer record's current values), and the
referrals they made and received, into one dated timeline; with their NPS group over time
and their value (revenue so far and current monthly revenue).
"""

from __future__ import annotations

from typing import Any

from cxcore import followups
from cxcore.comments import group_of
from cxcore.errors import NotFound
from cxcore.workspace import WorkspaceSession


def find_customers(session: WorkspaceSession, query: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
    """Customers whose id starts with ``query`` or whose name contains it (case ignored),
    ids first; all customers (up to ``limit``) for an empty query."""
    text = (query or "").strip()
    if not text:
        return list(session.db.query(
            "select id, name, segment, channel from customers order by id limit ?", [limit]))
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(session.db.query(
        "select id, name, segment, channel from customers where id like ? escape '\\' or "
        "name like ? escape '\\' order by id not like ? escape '\\', id limit ?",
        [escaped + "%", "%" + escaped + "%", escaped + "%", limit]))


def _customer(session: WorkspaceSession, customer_id: str) -> dict[str, Any]:
    rows = list(session.db.query("select * from customers where id = ?", [customer_id]))
    if not rows:
        raise NotFound(f"There is no customer '{customer_id}'.")
    return rows[0]


def customer_timeline(session: WorkspaceSession, customer_id: str) -> dict[str, Any]:
    """Everything about one customer, for reading (viewers and up).

    Keys: ``customer`` (the record), ``responses`` (with ``group`` and ``tags``),
    ``revenue``, ``interviews`` (not deleted), ``follow_ups`` (their flagged responses, a
    detractor's default one included), ``referred_by`` (id and name, or None), ``referred``
    (customers they brought), ``changes`` (segment or channel different from the previous
    answer), ``nps_over_time`` (date, nps, group per answer with a score), ``value``
    (revenue_total = sum of revenue events, revenue_events, monthly_revenue, first and last
    revenue date, customer_since, ended) and ``timeline`` (every dated event, newest first:
    date, kind, summary, ref). Raises NotFound for an unknown id.
    """
    from cxcore.comments import comments_by_id

    customer = _customer(session, customer_id)
    db = session.db
    responses = list(db.query(
        "select r.id, r.date, r.nps, r.csat, r.ces, r.segment, r.channel, r.journey_step_id, "
        "s.name as journey_step, r.comment from responses r left join journey_steps s "
        "on s.id = r.journey_step_id where r.customer_id = ? order by r.date, r.id",
        [customer_id]))
    tags = {c["id"]: c["tags"] for c in comments_by_id(
        session, [r["id"] for r in responses if r["comment"] is not None])}
    for r in responses:
        r["group"] = group_of(r["nps"])
        r["tags"] = tags.get(r["id"], [])
    revenue = list(db.query(
        "select id, date, amount, kind from revenue_events where customer_id = ? "
        "order by date, id", [customer_id]))
    interviews = list(db.query(
        "select id, date, kind, interviewee, role_segment, channel, interviewer, sentiment, "
        "notes, key_quotes, pain_points, works_well from interviews where customer_id = ? "
        "and deleted_at is null order by date, id", [customer_id]))
    follow_ups = followups.for_customer(session, customer_id)
    referrer = None
    if customer.get("referred_by"):
        found = list(db.query("select id, name from customers where id = ?",
                              [customer["referred_by"]]))
        referrer = found[0] if found else {"id": customer["referred_by"], "name": None}
    referred = list(db.query(
        "select id, name, start_date from customers where referred_by = ? order by start_date, "
        "id", [customer_id]))

    changes = []
    last: dict[str, Any] = {}
    for r in responses:
        for field in ("segment", "channel"):
            value = r[field]
            if value is None:
                continue
            if field in last and last[field] != value:
                changes.append({"date": r["date"], "field": field, "from": last[field],
                                "to": value})
            last[field] = value
    for field in ("segment", "channel"):
        if field in last and customer.get(field) and customer[field] != last[field]:
            changes.append({"date": None, "field": field, "from": last[field],
                            "to": customer[field], "note": "customer record now"})

    total = sum(e["amount"] for e in revenue)
    value = {"revenue_total": total if revenue else None, "revenue_events": len(revenue),
             "monthly_revenue": customer.get("monthly_revenue"),
             "first_revenue": revenue[0]["date"] if revenue else None,
             "last_revenue": revenue[-1]["date"] if revenue else None,
             "customer_since": customer.get("start_date"),
             "ended": customer.get("end_date")}

    timeline = []
    if customer.get("start_date"):
        timeline.append({"date": customer["start_date"], "kind": "became a customer",
                         "summary": "Start of the customer relationship", "ref": None})
    if customer.get("end_date"):
        timeline.append({"date": customer["end_date"], "kind": "left",
                         "summary": "Stopped being a customer", "ref": None})
    for r in responses:
        score = "no NPS" if r["nps"] is None else f"NPS {r['nps']} ({r['group']})"
        text = f"{score}" + (f" — {r['comment']}" if r["comment"] else "")
        timeline.append({"date": r["date"], "kind": "survey answer", "summary": text,
                         "ref": r["id"]})
    for e in revenue:
        timeline.append({"date": e["date"], "kind": "revenue",
                         "summary": f"{e['kind']}: {e['amount']:,.2f}", "ref": e["id"]})
    for i in interviews:
        timeline.append({"date": i["date"], "kind": "interview",
                         "summary": f"{i['kind'].capitalize()} interview"
                                    + (f", {i['sentiment']}" if i["sentiment"] else ""),
                         "ref": i["id"]})
    for f in follow_ups:
        when = (f["closed_at"] or f["updated_at"] or f["date"])[:10]
        who = f" by {f['owner']}" if f["owner"] else ""
        timeline.append({"date": when, "kind": "follow-up",
                         "summary": f"Follow-up {f['status']}{who}", "ref": f["response_id"]})
    for c in changes:
        if c["date"]:
            timeline.append({"date": c["date"], "kind": f"{c['field']} change",
                             "summary": f"{c['from']} → {c['to']}", "ref": None})
    for ref in referred:
        if ref.get("start_date"):
            timeline.append({"date": ref["start_date"], "kind": "referral made",
                             "summary": f"Referred {ref['id']}", "ref": ref["id"]})
    timeline.sort(key=lambda e: (e["date"] or "", e["kind"]), reverse=True)

    return {
        "customer": customer, "responses": responses, "revenue": revenue,
        "interviews": interviews, "follow_ups": follow_ups, "referred_by": referrer,
        "referred": referred, "changes": changes,
        "nps_over_time": [{"date": r["date"], "nps": r["nps"], "group": r["group"]}
                          for r in responses if r["nps"] is not None],
        "value": value, "timeline": timeline,
    }
