"""Which pages exist, in which sections, and who sees them (plain data, no Streamlit)."""

from __future__ import annotations

from typing import NamedTuple

from cxcore.accounts import role_at_least


class PageSpec(NamedTuple):
    """A page file, its title and icon, and the minimum role in the current workspace
    (``None``: any signed-in user, even without a workspace)."""

    path: str
    title: str
    icon: str
    min_role: str | None


SECTIONS: dict[str, list[PageSpec]] = {
    "Program": [
        PageSpec("pages/home.py", "Home", ":material/home:", "viewer"),
        PageSpec("pages/checklist.py", "Program checklist", ":material/checklist:", "viewer"),
        PageSpec("pages/interviews.py", "Interview log", ":material/forum:", "viewer"),
        PageSpec("pages/journeys.py", "Journey health", ":material/route:", "viewer"),
        PageSpec("pages/actions.py", "Actions", ":material/task_alt:", "viewer"),
        PageSpec("pages/meetings.py", "Meetings", ":material/event:", "viewer"),
        PageSpec("pages/present.py", "Present", ":material/slideshow:", "viewer"),
    ],
    "Measure": [
        PageSpec("pages/scorecard.py", "Scorecard", ":material/monitoring:", "viewer"),
        PageSpec("pages/drivers.py", "Drivers", ":material/insights:", "viewer"),
        PageSpec("pages/comments.py", "Comments", ":material/comment:", "viewer"),
        PageSpec("pages/follow_ups.py", "Follow-ups", ":material/inbox:", "viewer"),
        PageSpec("pages/customer.py", "Customer", ":material/person_search:", "viewer"),
        PageSpec("pages/import_data.py", "Import data", ":material/upload_file:", "editor"),
    ],
    "Settings": [
        PageSpec("pages/workspaces.py", "Workspaces", ":material/folder:", None),
        PageSpec("pages/compare.py", "Compare clients", ":material/leaderboard:", "viewer"),
        PageSpec("pages/branding.py", "Branding", ":material/palette:", "viewer"),
        PageSpec("pages/activity.py", "Activity", ":material/history:", "owner"),
        PageSpec("pages/account.py", "Account", ":material/person:", None),
    ],
}


#: The first page of a signed-in user with no workspace yet: load the demo or create one.
START_HERE = PageSpec("pages/start.py", "Start here", ":material/flag:", None)


def pages_for_role(role: str | None) -> dict[str, list[PageSpec]]:
    """The sections and pages a user with ``role`` in the current workspace may see."""
    out = {}
    for section, specs in SECTIONS.items():
        visible = [s for s in specs
                   if s.min_role is None or (role is not None and role_at_least(role, s.min_role))]
        if visible:
            out[section] = visible
    return out
