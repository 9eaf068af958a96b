"""Users, workspaces and memberships: the small accounts database beside the workspace files.

The accounts database (``accounts.db`` in :func:`cxcore.storage.data_dir`) knows who can sign in
(bcrypt password hashes), which workspaces exist and where their SQLite files are, and each
user's role in each workspace. Workspace content lives in the workspace files themselves
(see :mod:`cxcore.workspace`).

Roles, from least to most: ``viewer`` (reads), ``editor`` (writes data), ``owner`` (members,
settings, delete). An administrator (the first user made, and whoever they promote) can add users
and set anyone's role in any workspace, but sees a workspace's data only as a member of it.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import sqlite_utils
from sqlite_utils.migrations import Migrations

from cxcore import backup, storage, workspace_db
from cxcore.clock import now_iso  # also imported from here by older code
from cxcore.errors import NotFound, PermissionDenied, Problem, ValidationError

ROLES = ("viewer", "editor", "owner")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 72  # bcrypt ignores bytes past 72
MAX_WORKSPACE_NAME = 80
DEFAULT_COOKIE_EXPIRY_DAYS = 1.0
#: The actor for operations run by whoever controls the server (CLI, demo loader).
SYSTEM = "__system__"

migrations = Migrations("cxcore.accounts")


@migrations()
def m001_accounts(db: sqlite_utils.Database) -> None:
    db["users"].create(
        {"username": str, "name": str, "email": str, "password_hash": str, "is_admin": int,
         "created_at": str, "disabled": int},
        pk="username", not_null={"name", "password_hash"}, defaults={"is_admin": 0, "disabled": 0},
    )
    db["workspaces"].create(
        {"id": int, "name": str, "file": str, "created_by": str, "created_at": str,
         "archived_at": str},
        pk="id", not_null={"name", "file"},
    )
    db["memberships"].create(
        {"workspace_id": int, "username": str, "role": str, "added_by": str, "added_at": str},
        pk=("workspace_id", "username"),
        foreign_keys=[("workspace_id", "workspaces", "id"), ("username", "users", "username")],
    )
    db["memberships"].create_index(["username"])


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or ``None`` if it is.

    Policy: 8 to 72 characters (bcrypt's limit), not only spaces. Length beats composition
    rules (NIST SP 800-63B section 5.1.1.2).
    """
    if not password or not password.strip():
        return "a password is required"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password.encode()) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} bytes long"
    return None


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (the format streamlit-authenticator checks against).

    Cost 12 by default; ``CX_BCRYPT_ROUNDS`` lowers it for test suites (never below 4).
    """
    rounds = max(4, int(os.environ.get("CX_BCRYPT_ROUNDS", "12")))
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace as the accounts database knows it, with the viewing user's role."""

    id: int
    name: str
    path: Path
    archived: bool
    role: str | None = None


class Accounts:
    """The accounts database: open with :meth:`Accounts.open`."""

    def __init__(self, db: sqlite_utils.Database, root: Path) -> None:
        self.db = db
        self.root = root

    @classmethod
    def open(cls, root: str | Path | None = None) -> Accounts:
        """Open (creating and upgrading as needed) the accounts database under ``root``."""
        root = Path(root) if root is not None else storage.data_dir()
        storage.private_dir(root / "workspaces")
        db = storage.connect(root / "accounts.db")
        migrations.apply(db)
        return cls(db, root)

    def close(self) -> None:
        """Close the underlying connection."""
        self.db.close()

    # ---- users -------------------------------------------------------------------------------

    def has_users(self) -> bool:
        """True once any user exists (before that the app shows the create-owner screen)."""
        return self.db["users"].count > 0

    def get_user(self, username: str) -> dict | None:
        """The user row (without the hash) or ``None``."""
        rows = list(self.db.query(
            "select username, name, email, is_admin, disabled, created_at from users "
            "where username = ?", [username.strip().lower()]))
        return rows[0] if rows else None

    def is_admin(self, username: str) -> bool:
        """True if ``username`` is an administrator (or is the system actor)."""
        if username == SYSTEM:
            return True
        user = self.get_user(username)
        return bool(user and user["is_admin"] and not user["disabled"])

    def list_users(self) -> list[dict]:
        """All users, without password hashes, ordered by username."""
        return list(self.db.query(
            "select username, name, email, is_admin, disabled, created_at from users "
            "order by username"))

    def create_user(self, username: str, password: str, *, name: str | None = None,
                    email: str | None = None, by: str | None = None,
                    is_admin: bool = False) -> dict:
        """Create a user. The very first user needs no ``by`` and becomes the administrator;
        after that only an administrator (or :data:`SYSTEM`) may add users.

        Raises :class:`ValidationError` naming the field for an empty or malformed username, a
        taken username or a weak password; nothing is written then.
        """
        first = not self.has_users()
        if not first and not (by and self.is_admin(by)):
            raise PermissionDenied("Only an administrator can add users.")
        username = (username or "").strip().lower()
        problems = []
        if not username:
            problems.append(Problem("username", "a username is required"))
        elif not USERNAME_RE.match(username):
            problems.append(Problem(
                "username", "use 2-32 characters: letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"))
        elif self.get_user(username):
            problems.append(Problem("username", f"'{username}' is already taken"))
        if (reason := password_problem(password)) is not None:
            problems.append(Problem("password", reason))
        if email and ("@" not in email or len(email) > 200):
            problems.append(Problem("email", "this does not look like an email address"))
        if problems:
            raise ValidationError(problems)
        row = {
            "username": username, "name": (name or "").strip() or username,
            "email": (email or "").strip() or None, "password_hash": hash_password(password),
            "is_admin": int(first or is_admin), "created_at": now_iso(), "disabled": 0,
        }
        self.db["users"].insert(row)
        return self.get_user(username)

    def check_password(self, username: str, password: str) -> bool:
        """True if the user exists, is enabled and ``password`` matches the stored hash."""
        rows = list(self.db.query(
            "select password_hash, disabled from users where username = ?",
            [(username or "").strip().lower()]))
        if not rows or rows[0]["disabled"] or not password:
            return False
        return bcrypt.checkpw(password.encode(), rows[0]["password_hash"].encode())

    def set_password(self, username: str, new_password: str, *, by: str) -> None:
        """Set a user's password: the user themselves, or an administrator."""
        if by != username and not self.is_admin(by):
            raise PermissionDenied("You can only change your own password.")
        if self.get_user(username) is None:
            raise NotFound(f"No user named '{username}'.")
        if (reason := password_problem(new_password)) is not None:
            raise ValidationError(Problem("new password", reason))
        self.db["users"].update(username, {"password_hash": hash_password(new_password)})

    def store_password_hash(self, username: str, password_hash: str, *, by: str) -> None:
        """Keep a bcrypt hash made by the sign-in widget's change-password form."""
        if by != username and not self.is_admin(by):
            raise PermissionDenied("You can only change your own password.")
        if not password_hash.startswith("$2"):
            raise ValidationError(Problem("password", "not a bcrypt hash"))
        self.db["users"].update(username, {"password_hash": password_hash})

    def set_admin(self, username: str, is_admin: bool, *, by: str) -> None:
        """Grant or withdraw administrator rights (administrators only; one must remain)."""
        if not self.is_admin(by):
            raise PermissionDenied("Only an administrator can change administrator rights.")
        if not is_admin:
            admins = self.db.execute(
                "select count(*) from users where is_admin = 1 and username != ?",
                [username]).fetchone()[0]
            if admins == 0:
                raise ValidationError(Problem("administrator", "at least one must remain"))
        self.db["users"].update(username, {"is_admin": int(is_admin)})

    def credentials(self) -> dict:
        """Users in the shape streamlit-authenticator's ``Authenticate`` expects.

        Disabled users are left out, so they cannot sign in or resume a session from a cookie.
        """
        users = {}
        for row in self.db.query(
                "select username, name, email, password_hash from users where disabled = 0"):
            users[row["username"]] = {
                "name": row["name"], "email": row["email"] or "",
                "password": row["password_hash"],
            }
        return {"usernames": users}

    # ---- sign-in cookie ------------------------------------------------------------------------

    def cookie_key(self) -> str:
        """Key that signs the sign-in cookie: ``CX_COOKIE_KEY`` if set, else a random key
        generated on first use and kept in the data folder (never in the repository)."""
        env = os.environ.get("CX_COOKIE_KEY")
        if env:
            return env
        path = self.root / ".cookie_key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    @staticmethod
    def cookie_expiry_days() -> float:
        """How long a sign-in cookie lasts: ``CX_COOKIE_EXPIRY_DAYS`` or one day."""
        try:
            return float(os.environ.get("CX_COOKIE_EXPIRY_DAYS", DEFAULT_COOKIE_EXPIRY_DAYS))
        except ValueError:
            return DEFAULT_COOKIE_EXPIRY_DAYS

    # ---- workspaces ----------------------------------------------------------------------------

    def _info(self, row: dict, role: str | None) -> WorkspaceInfo:
        return WorkspaceInfo(id=row["id"], name=row["name"],
                             path=self.root / "workspaces" / row["file"],
                             archived=bool(row["archived_at"]), role=role)

    def role_in(self, workspace_id: int, username: str) -> str | None:
        """The user's role in the workspace, or ``None`` if not a member."""
        rows = list(self.db.query(
            "select role from memberships where workspace_id = ? and username = ?",
            [workspace_id, username]))
        return rows[0]["role"] if rows else None

    def list_workspaces(self, username: str, *, include_archived: bool = False
                        ) -> list[WorkspaceInfo]:
        """The workspaces ``username`` belongs to, by name, each with the user's role."""
        sql = ("select w.*, m.role from workspaces w join memberships m on m.workspace_id = w.id "
               "where m.username = ?")
        if not include_archived:
            sql += " and w.archived_at is null"
        sql += " order by w.name collate nocase"
        return [self._info(r, r["role"]) for r in self.db.query(sql, [username])]

    def list_all_workspaces(self, *, by: str) -> list[WorkspaceInfo]:
        """Every workspace, for an administrator managing memberships; ``role`` is the
        administrator's own role there (``None`` where they are not a member)."""
        if not self.is_admin(by):
            raise PermissionDenied("Only an administrator can list every workspace.")
        return [self._info(r, r["role"]) for r in self.db.query(
            "select w.*, m.role from workspaces w left join memberships m "
            "on m.workspace_id = w.id and m.username = ? order by w.name collate nocase", [by])]

    def get_workspace(self, workspace_id: int, username: str) -> WorkspaceInfo:
        """The workspace if ``username`` may open it; :class:`NotFound` otherwise (a non-member
        is not told whether it exists)."""
        role = SYSTEM_ROLE if username == SYSTEM else self.role_in(workspace_id, username)
        rows = list(self.db.query("select * from workspaces where id = ?", [workspace_id]))
        if not rows or role is None:
            raise NotFound("That workspace does not exist or you are not a member of it.")
        return self._info(rows[0], role)

    def find_workspace(self, name_or_id: str | int, username: str = SYSTEM) -> WorkspaceInfo:
        """Look a workspace up by id or exact name (case-insensitive), as the CLI needs."""
        text = str(name_or_id).strip()
        if text.isdigit():
            return self.get_workspace(int(text), username)
        rows = list(self.db.query(
            "select id from workspaces where name = ? collate nocase order by id", [text]))
        for row in rows:
            try:
                return self.get_workspace(row["id"], username)
            except NotFound:
                continue
        raise NotFound(f"No workspace named '{text}'.")

    def _check_name(self, name: str, username: str, exclude_id: int | None = None) -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError(Problem("workspace name", "a name is required"))
        if len(name) > MAX_WORKSPACE_NAME:
            raise ValidationError(Problem(
                "workspace name", f"at most {MAX_WORKSPACE_NAME} characters"))
        if any(ord(c) < 32 for c in name):
            raise ValidationError(Problem("workspace name", "control characters are not allowed"))
        # Unique among the workspaces this user can see: two consultants may both have "Acme".
        for ws in self.list_workspaces(username, include_archived=True):
            if ws.name.casefold() == name.casefold() and ws.id != exclude_id:
                raise ValidationError(Problem(
                    "workspace name", f"you already have a workspace called '{ws.name}'"))
        return name

    def create_workspace(self, name: str, *, by: str, owner: str | None = None) -> WorkspaceInfo:
        """Create a workspace and its SQLite file; ``owner`` (default ``by``) becomes its owner.

        Any signed-in user may create workspaces; naming someone else as owner needs an
        administrator. The file is created and migrated immediately.
        """
        owner = owner or by
        if owner == SYSTEM:
            raise ValidationError(Problem("owner", "a workspace needs a real user as owner"))
        if owner != by and not self.is_admin(by):
            raise PermissionDenied("Only an administrator can create a workspace for someone else.")
        if self.get_user(owner) is None:
            raise ValidationError(Problem("owner", f"no user named '{owner}'"))
        name = self._check_name(name, owner)
        with self.db.atomic():
            ws_id = self.db["workspaces"].insert(
                {"name": name, "file": "", "created_by": by, "created_at": now_iso(),
                 "archived_at": None}).last_pk
            filename = f"{ws_id:05d}-{storage.slugify(name)}.db"
            self.db["workspaces"].update(ws_id, {"file": filename})
            self.db["memberships"].insert(
                {"workspace_id": ws_id, "username": owner, "role": "owner", "added_by": by,
                 "added_at": now_iso()})
        info = self.get_workspace(ws_id, owner)
        workspace_db.initialise(info.path, name)
        return info

    def _require_owner(self, workspace_id: int, by: str) -> None:
        if self.is_admin(by):
            return
        if self.role_in(workspace_id, by) != "owner":
            raise PermissionDenied("Only the workspace's owner can do that.")

    def rename_workspace(self, workspace_id: int, name: str, *, by: str) -> None:
        """Rename a workspace (owner or administrator)."""
        self._require_owner(workspace_id, by)
        name = self._check_name(name, by, exclude_id=workspace_id)
        self.db["workspaces"].update(workspace_id, {"name": name})

    def set_archived(self, workspace_id: int, archived: bool, *, by: str) -> None:
        """Archive (hide from the picker, keep all data) or restore a workspace."""
        self._require_owner(workspace_id, by)
        self.db["workspaces"].update(
            workspace_id, {"archived_at": now_iso() if archived else None})

    def delete_workspace(self, workspace_id: int, *, by: str, confirm_name: str) -> None:
        """Delete a workspace and its file for good. ``confirm_name`` must repeat its name."""
        self._require_owner(workspace_id, by)
        rows = list(self.db.query("select * from workspaces where id = ?", [workspace_id]))
        if not rows:
            raise NotFound("That workspace does not exist.")
        if (confirm_name or "").strip() != rows[0]["name"]:
            raise ValidationError(Problem(
                "confirmation", "type the workspace's name exactly to delete it"))
        path = self.root / "workspaces" / rows[0]["file"]
        backup.take_snapshot(path, "delete")  # kept CX_SNAPSHOT_DAYS days, then pruned
        with self.db.atomic():
            self.db.execute("delete from memberships where workspace_id = ?", [workspace_id])
            self.db.execute("delete from workspaces where id = ?", [workspace_id])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    # ---- members -------------------------------------------------------------------------------

    def list_members(self, workspace_id: int, *, by: str) -> list[dict]:
        """Members with their roles; visible to any member and to administrators."""
        if self.role_in(workspace_id, by) is None and not self.is_admin(by):
            raise PermissionDenied("You are not a member of this workspace.")
        return list(self.db.query(
            "select m.username, u.name, m.role, m.added_by, m.added_at from memberships m "
            "join users u on u.username = m.username where m.workspace_id = ? "
            "order by case m.role when 'owner' then 0 when 'editor' then 1 else 2 end, "
            "m.username", [workspace_id]))

    def set_member(self, workspace_id: int, username: str, role: str, *, by: str) -> None:
        """Add a user to a workspace or change their role (owner or administrator)."""
        self._require_owner(workspace_id, by)
        if role not in ROLES:
            raise ValidationError(Problem("role", f"must be one of {', '.join(ROLES)}"))
        username = (username or "").strip().lower()
        if self.get_user(username) is None:
            raise ValidationError(Problem("username", f"no user named '{username}'"))
        current = self.role_in(workspace_id, username)
        if current == "owner" and role != "owner":
            self._keep_an_owner(workspace_id, username)
        self.db["memberships"].upsert(
            {"workspace_id": workspace_id, "username": username, "role": role, "added_by": by,
             "added_at": now_iso()}, pk=("workspace_id", "username"))

    def remove_member(self, workspace_id: int, username: str, *, by: str) -> None:
        """Take a user out of a workspace (owner or administrator); the last owner stays."""
        self._require_owner(workspace_id, by)
        if self.role_in(workspace_id, username) == "owner":
            self._keep_an_owner(workspace_id, username)
        self.db.execute("delete from memberships where workspace_id = ? and username = ?",
                        [workspace_id, username])

    def _keep_an_owner(self, workspace_id: int, leaving: str) -> None:
        others = self.db.execute(
            "select count(*) from memberships where workspace_id = ? and role = 'owner' "
            "and username != ?", [workspace_id, leaving]).fetchone()[0]
        if others == 0:
            raise ValidationError(Problem("role", "a workspace must keep at least one owner"))


#: The role the system actor has everywhere (CLI and demo loader act as the server's operator).
SYSTEM_ROLE = "owner"


def role_at_least(role: str | None, needed: str) -> bool:
    """True if ``role`` grants at least what ``needed`` grants."""
    return role is not None and ROLE_RANK.get(role, -1) >= ROLE_RANK[needed]
