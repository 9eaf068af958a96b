"""The demo workspace: a fictional small appliance shop with about two years of history.

Everything comes from one fixed seed, so every run builds the same, true-looking business:
a delivery-and-installation journey map with health history and actions, customers with revenue
events and survey responses, employee pulse answers, interviews and checklist progress. Each
domain adds its own records (``cxcore/demo/<domain>.py``, each with ``add_demo``); this module
creates the workspace and calls them in order (journeys first: responses and interviews point
at journey steps).
"""

from __future__ import annotations

import importlib
import random
from datetime import date

from cxcore import workspace
from cxcore.accounts import Accounts, WorkspaceInfo

DEMO_NAME = "Brightside Appliances (demo)"
DEMO_SEED = 20261125
#: The demo's "today": fixed, so the same seed always gives the same history.
DEMO_TODAY = date(2026, 11, 20)
DEMO_MODULES = ("cxcore.demo.journeys", "cxcore.demo.customers", "cxcore.demo.interviews")


def _free_name(accounts: Accounts, owner: str, wanted: str) -> str:
    taken = {w.name.casefold() for w in accounts.list_workspaces(owner, include_archived=True)}
    name, n = wanted, 2
    while name.casefold() in taken:
        name, n = f"{wanted} {n}", n + 1
    return name


def create_demo_workspace(accounts: Accounts, *, owner: str, name: str | None = None,
                          seed: int | None = None, today: date = DEMO_TODAY,
                          by: str | None = None) -> WorkspaceInfo:
    """Create a new workspace owned by ``owner`` and fill it with the demo business, as ``by``
    (default ``owner``), who needs the right to create workspaces.

    The name defaults to :data:`DEMO_NAME` (with a number added if the owner already has one).
    """
    info = accounts.create_workspace(_free_name(accounts, owner, name or DEMO_NAME),
                                     by=by or owner, owner=owner)
    session = workspace.open_session(accounts, info.id, owner)
    try:
        for module in DEMO_MODULES:
            rng = random.Random(f"{seed if seed is not None else DEMO_SEED}:{module}")
            importlib.import_module(module).add_demo(session, rng, today)
        session.log("load", "demo", info.id, {"seed": seed if seed is not None else DEMO_SEED})
    finally:
        session.close()
    return info
