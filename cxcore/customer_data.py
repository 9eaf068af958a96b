"""The hard and soft data a workspace holds: customers, revenue events, survey responses,
employee pulse answers, and the import batches they arrived in.

Every imported row carries ``batch_id`` so an import can be undone as a whole, and a
``row_hash`` unique per table so importing the same file twice does not double-count.
"""

from __future__ import annotations

REVENUE_KINDS = ("new", "renewal", "upsell", "downgrade", "refund")


