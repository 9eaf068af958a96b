"""The accounts database's tables (the ``cxcore.accounts`` migration set), roles and limits."""

from __future__ import annotations

import re

ROLES = ("viewer", "editor", "owner")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 72  # bcrypt ignores bytes past 72
MAX_WORKSPACE_NAME = 80
DEFAULT_COOKIE_EXPIRY_DAYS = 1.0
#: The actor for operations run by whoever controls the server (CLI, demo loader).
SYSTEM = "__system__"


#: The role the system actor has everywhere (CLI and demo loader act as the server's operator).
SYSTEM_ROLE = "owner"


def role_at_least(role: str | None, needed: str) -> bool:
    """True if ``role`` grants at least what ``needed`` grants."""
    return role is not None and ROLE_RANK.get(role, -1) >= ROLE_RANK[needed]
