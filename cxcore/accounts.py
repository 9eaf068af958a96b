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

import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@migrations()
def m002_rights_sessions_audit(db: sqlite_utils.Database) -> None:
    # Account rights, the server-side session version, sign-in throttling and the account log.
    db["users"].add_column("may_create_workspaces", int, not_null_default=0)
    db["users"].add_column("session_version", int, not_null_default=0)
    # Before this right existed anyone could create workspaces: keep it for the administrators
    # and for everyone who already did.
    db.execute("update users set may_create_workspaces = 1 where is_admin = 1 or username in "
               "(select created_by from workspaces)")
    db["sign_in_failures"].create(
        {"key": str, "failures": int, "locked_until": str, "last_failure_at": str},
        pk="key", not_null={"failures"}, defaults={"failures": 0})
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "kind": str, "action": str, "username": str,
         "workspace_id": int, "summary": str, "before": str, "after": str},
        pk="id", not_null={"at", "actor", "kind", "action"})
    db["audit_log"].create_index(["at"])
    db["audit_log"].create_index(["workspace_id", "at"])


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or ``None`` if it is.

    Policy: 8 to 72 characters (bcrypt's limit), not only spaces, no space at either end.
    Length beats composition
    rules (NIST SP 800-63B section 5.1.1.2).
    """
    if not password or not password.strip():
        return "a password is required"
    if password != password.strip():
        # Refused rather than trimmed: a trimmed password would silently differ from the one
        # typed at sign-in, which is used exactly as typed.
        return "must not begin or end with a space"
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


_dummy_hashes: dict[int, bytes] = {}


def dummy_hash() -> bytes:
    """A bcrypt hash of a random secret at the current cost, checked in place of a real hash
    when a username is unknown, so that answer takes as long as a wrong password."""
    rounds = max(4, int(os.environ.get("CX_BCRYPT_ROUNDS", "12")))
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds))
    return _dummy_hashes[rounds]


def verify_password(password: str | None, password_hash: str | None) -> bool:
    """True if ``password`` matches ``password_hash``; with no hash (unknown user) a dummy hash
    is verified instead and the answer is False, in the same time."""
    candidate = (password or "").encode()[:MAX_PASSWORD_LENGTH]
    target = password_hash.encode() if password_hash else dummy_hash()
    try:
        matched = bcrypt.checkpw(candidate, target)
    except ValueError:  # a damaged stored hash: never a match
        matched = False
    return bool(matched and password_hash and password)


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace as the accounts database knows it, with the viewing user's role."""

    id: int
    name: str
    path: Path
    archived: bool
    role: str | None = None


class Accounts:
    """The accounts database: open with :meth:`Accounts.open`.

    One object may be shared by every Streamlit session of a server process (one connection):
    writes go through :meth:`write`, which serialises them in the process and takes SQLite's
    write lock up front, so a check and the change it guards are one transaction.
    """

    def __init__(self, db: sqlite_utils.Database, root: Path) -> None:
        self.db = db
        self.root = root
        self._lock = threading.RLock()

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

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction that holds SQLite's write lock from its first statement
        (``BEGIN IMMEDIATE``), so the busy timeout applies and what it read cannot change before
        it commits (:meth:`cxcore.storage.Database.atomic`). Nested calls use savepoints."""
        with self._lock, self.db.atomic():
            yield self.db

    def audit(self, actor: str | None, kind: str, action: str, *, username: str | None = None,
              workspace_id: int | None = None, summary: str = "", before: object = None,
              after: object = None) -> None:
        """Add an entry to the account log: who (``actor``), what kind of thing changed
        (``account``, ``right``, ``membership``, ``workspace``, ``sign-in``), the action, whose
        account or which workspace, and the values before and after (JSON)."""
        def encode(value: object) -> str | None:
            return None if value is None else json.dumps(value, default=str, sort_keys=True)

        with self.write():
            self.db["audit_log"].insert({
                "at": now_iso(), "actor": actor or username or SYSTEM, "kind": kind,
                "action": action, "username": username, "workspace_id": workspace_id,
                "summary": summary, "before": encode(before), "after": encode(after)})

    # ---- users -------------------------------------------------------------------------------

    _USER_COLUMNS = ("username, name, email, is_admin, disabled, may_create_workspaces, "
                     "session_version, created_at")

    def has_users(self) -> bool:
        """True once any user exists (before that the app shows the create-owner screen)."""
        return self.db["users"].count > 0

    def get_user(self, username: str) -> dict | None:
        """The user row (without the hash) or ``None``."""
        rows = list(self.db.query(
            f"select {self._USER_COLUMNS} from users where username = ?",
            [(username or "").strip().lower()]))
        return rows[0] if rows else None

    def _require_user(self, username: str) -> dict:
        user = self.get_user(username)
        if user is None:
            raise NotFound(f"No user named '{username}'.")
        return user

    def is_admin(self, username: str) -> bool:
        """True if ``username`` is an administrator (or is the system actor)."""
        if username == SYSTEM:
            return True
        user = self.get_user(username)
        return bool(user and user["is_admin"] and not user["disabled"])

    def _require_admin(self, by: str, what: str) -> None:
        if not self.is_admin(by):
            raise PermissionDenied(f"Only an administrator can {what}.")

    def may_create_workspaces(self, username: str) -> bool:
        """True if ``username`` may create workspaces (and load the demo): administrators, the
        system actor and accounts an administrator gave that right."""
        if username == SYSTEM:
            return True
        user = self.get_user(username)
        return bool(user and not user["disabled"]
                    and (user["is_admin"] or user["may_create_workspaces"]))

    def list_users(self) -> list[dict]:
        """All users, without password hashes, ordered by username."""
        return list(self.db.query(f"select {self._USER_COLUMNS} from users order by username"))

    def create_user(self, username: str, password: str, *, name: str | None = None,
                    email: str | None = None, by: str | None = None,
                    is_admin: bool = False, may_create_workspaces: bool = False) -> dict:
        """Create a user. The very first user needs no ``by`` and becomes the administrator
        (who may create workspaces); after that only an administrator (or :data:`SYSTEM`) may
        add users, and a new user may create workspaces only if ``may_create_workspaces`` (or
        ``is_admin``) says so.

        "Is this the first user?" and the insert are one ``BEGIN IMMEDIATE`` transaction, so of
        any number of first visitors racing, exactly one becomes the administrator; the others
        get :class:`PermissionDenied`. Raises :class:`ValidationError` naming the field for an
        empty or malformed username, a taken username or a weak password; nothing is written then.
        """
        username = (username or "").strip().lower()
        problems = []
        if not username:
            problems.append(Problem("username", "a username is required"))
        elif not USERNAME_RE.match(username):
            problems.append(Problem(
                "username", "use 2-32 characters: letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"))
        if (reason := password_problem(password)) is not None:
            problems.append(Problem("password", reason))
        if email and ("@" not in email or len(email) > 200):
            problems.append(Problem("email", "this does not look like an email address"))
        if problems:
            raise ValidationError(problems)
        if self.has_users() and not (by and self.is_admin(by)):
            raise PermissionDenied("Only an administrator can add users.")
        password_hash = hash_password(password)  # slow: before taking the write lock
        with self.write():
            first = not self.has_users()
            if not first and not (by and self.is_admin(by)):
                raise PermissionDenied(
                    "Only an administrator can add users (someone has just created the owner "
                    "account: sign in instead).")
            if self.get_user(username):
                raise ValidationError(Problem("username", f"'{username}' is already taken"))
            admin = bool(first or is_admin)
            row = {
                "username": username, "name": (name or "").strip() or username,
                "email": (email or "").strip() or None, "password_hash": password_hash,
                "is_admin": int(admin), "created_at": now_iso(), "disabled": 0,
                "may_create_workspaces": int(admin or may_create_workspaces),
                "session_version": 0,
            }
            self.db["users"].insert(row)
            self.audit(by or username, "account", "created", username=username,
                       summary=f"account {username} created" + (
                           " (the first administrator)" if first else ""),
                       after={"name": row["name"], "email": row["email"], "is_admin": admin,
                              "may_create_workspaces": bool(row["may_create_workspaces"])})
        return self.get_user(username)

    def check_password(self, username: str, password: str) -> bool:
        """True if the user exists, is enabled and ``password`` matches the stored hash.

        An unknown username is checked against a dummy hash of the same cost, so both answers
        take the same time (see :func:`verify_password`)."""
        rows = list(self.db.query(
            "select password_hash, disabled from users where username = ?",
            [(username or "").strip().lower()]))
        matched = verify_password(password, rows[0]["password_hash"] if rows else None)
        return bool(rows and matched and not rows[0]["disabled"])

    def set_password(self, username: str, new_password: str, *, by: str) -> None:
        """Set a user's password (the user themselves, or an administrator). Every session of
        that user is signed out (the session version changes)."""
        if by != username and not self.is_admin(by):
            raise PermissionDenied("You can only change your own password.")
        self._require_user(username)
        if (reason := password_problem(new_password)) is not None:
            raise ValidationError(Problem("new password", reason))
        password_hash = hash_password(new_password)
        with self.write():
            self.db.execute(
                "update users set password_hash = ?, session_version = session_version + 1 "
                "where username = ?", [password_hash, username])
            self.audit(by, "account", "password changed", username=username,
                       summary=f"password of {username} changed" + (
                           "" if by == username else " by an administrator"))

    def change_password(self, username: str, current: str, new: str, repeat: str) -> None:
        """A user changing their own password: ``current`` must be right and ``new`` typed the
        same twice. Raises :class:`ValidationError` naming the field; nothing changes then."""
        if not self.check_password(username, current or ""):
            raise ValidationError(Problem("current password", "the current password is wrong"))
        if not new:
            raise ValidationError(Problem("new password", "No new password was typed"))
        if new != repeat:
            raise ValidationError(Problem("new password", "the two new passwords do not match"))
        if new == current:
            raise ValidationError(Problem("new password", "it is the same as the current one"))
        self.set_password(username, new, by=username)

    def set_admin(self, username: str, is_admin: bool, *, by: str) -> None:
        """Grant or withdraw administrator rights (administrators only; one must remain)."""
        self._require_admin(by, "change administrator rights")
        user = self._require_user(username)
        with self.write():
            if not is_admin:
                self._keep_an_admin(username)
            self.db["users"].update(username, {"is_admin": int(is_admin)})
            if bool(user["is_admin"]) != is_admin:
                self.audit(by, "right", "administrator", username=username,
                           summary=f"{username} {'is now' if is_admin else 'is no longer'} "
                                   "an administrator",
                           before=bool(user["is_admin"]), after=is_admin)

    def set_may_create_workspaces(self, username: str, allowed: bool, *, by: str) -> None:
        """Give or take away an account's right to create workspaces (administrators only)."""
        self._require_admin(by, "change who may create workspaces")
        user = self._require_user(username)
        with self.write():
            self.db["users"].update(username, {"may_create_workspaces": int(allowed)})
            if bool(user["may_create_workspaces"]) != allowed:
                self.audit(by, "right", "may create workspaces", username=username,
                           summary=f"{username} {'may' if allowed else 'may no longer'} "
                                   "create workspaces",
                           before=bool(user["may_create_workspaces"]), after=allowed)

    def set_disabled(self, username: str, disabled: bool, *, by: str) -> None:
        """Disable an account (it cannot sign in, and its open sessions end on their next
        rerun) or enable it again. Administrators only; not one's own account, and one enabled
        administrator must remain."""
        self._require_admin(by, "disable or enable accounts")
        user = self._require_user(username)
        if disabled and username == by:
            raise ValidationError(Problem("account", "you cannot disable your own account"))
        with self.write():
            if disabled and user["is_admin"]:
                self._keep_an_admin(username)
            self.db.execute(
                "update users set disabled = ?, session_version = session_version + 1 "
                "where username = ?", [int(disabled), username])
            if bool(user["disabled"]) != disabled:
                self.audit(by, "account", "disabled" if disabled else "enabled",
                           username=username,
                           summary=f"account {username} {'disabled' if disabled else 'enabled'}",
                           before={"disabled": bool(user["disabled"])},
                           after={"disabled": disabled})

    def delete_user(self, username: str, *, by: str) -> None:
        """Delete an account for good (administrators only).

        Refused for one's own account, the last administrator and while the user is the only
        owner of a workspace (make someone else owner first). Their memberships are removed and
        listed in the account log; every history (account log, workspace activity) keeps the
        username as it was."""
        self._require_admin(by, "delete accounts")
        user = self._require_user(username)
        if username == by:
            raise ValidationError(Problem("account", "you cannot delete your own account"))
        with self.write():
            if user["is_admin"]:
                self._keep_an_admin(username)
            sole = [r["name"] for r in self.db.query(
                "select w.name from workspaces w join memberships m on m.workspace_id = w.id "
                "where m.username = ? and m.role = 'owner' and not exists (select 1 from "
                "memberships o where o.workspace_id = w.id and o.role = 'owner' "
                "and o.username != ?) order by w.name", [username, username])]
            if sole:
                raise ValidationError(Problem(
                    "account", f"{username} is the only owner of {', '.join(sole)}: make "
                    "someone else owner there first (or delete the workspace)"))
            memberships = [dict(r) for r in self.db.query(
                "select workspace_id, role from memberships where username = ? "
                "order by workspace_id", [username])]
            self.db.execute("delete from memberships where username = ?", [username])
            self.db.execute("delete from sign_in_failures where key = ?", [f"user:{username}"])
            self.db.execute("delete from users where username = ?", [username])
            self.audit(by, "account", "deleted", username=username,
                       summary=f"account {username} deleted, with {len(memberships)} "
                               "membership(s)",
                       before={"name": user["name"], "email": user["email"],
                               "is_admin": bool(user["is_admin"]),
                               "memberships": memberships})

    def _keep_an_admin(self, leaving: str) -> None:
        others = self.db.execute(
            "select count(*) from users where is_admin = 1 and disabled = 0 and username != ?",
            [leaving]).fetchone()[0]
        if others == 0:
            raise ValidationError(Problem("administrator", "at least one must remain"))

    # ---- sessions ------------------------------------------------------------------------------

    def session_version(self, username: str) -> int | None:
        """The user's current session version, or ``None`` for an unknown or disabled user.

        A signed-in session remembers the version it started with; when it differs (after a
        sign-out, a password change or disabling) the session is over."""
        row = self.db.execute("select session_version, disabled from users where username = ?",
                              [username]).fetchone()
        if row is None or row[1]:
            return None
        return int(row[0])

    def revoke_sessions(self, username: str, *, by: str) -> None:
        """End every session and sign-in cookie of ``username`` (sign-out; the user or an
        administrator)."""
        if by != username and not self.is_admin(by):
            raise PermissionDenied("You can only sign yourself out.")
        with self.write():
            self.db.execute("update users set session_version = session_version + 1 "
                            "where username = ?", [username])

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
        self._require_admin(by, "list every workspace")
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

    def _workspace_row(self, workspace_id: int) -> dict:
        rows = list(self.db.query("select * from workspaces where id = ?", [workspace_id]))
        if not rows:
            raise NotFound("That workspace does not exist.")
        return rows[0]

    def create_workspace(self, name: str, *, by: str, owner: str | None = None) -> WorkspaceInfo:
        """Create a workspace and its SQLite file; ``owner`` (default ``by``) becomes its owner.

        ``by`` needs the right to create workspaces (:meth:`may_create_workspaces`); naming
        someone else as owner needs an administrator. The file is created and migrated
        immediately.
        """
        owner = owner or by
        if owner == SYSTEM:
            raise ValidationError(Problem("owner", "a workspace needs a real user as owner"))
        if not self.may_create_workspaces(by):
            raise PermissionDenied("Your account may not create workspaces. Ask an "
                                   "administrator for that right.")
        if owner != by and not self.is_admin(by):
            raise PermissionDenied("Only an administrator can create a workspace for someone else.")
        if self.get_user(owner) is None:
            raise ValidationError(Problem("owner", f"no user named '{owner}'"))
        with self.write():
            name = self._check_name(name, owner)
            ws_id = self.db["workspaces"].insert(
                {"name": name, "file": "", "created_by": by, "created_at": now_iso(),
                 "archived_at": None}).last_pk
            filename = f"{ws_id:05d}-{storage.slugify(name)}.db"
            self.db["workspaces"].update(ws_id, {"file": filename})
            self.db["memberships"].insert(
                {"workspace_id": ws_id, "username": owner, "role": "owner", "added_by": by,
                 "added_at": now_iso()})
            self.audit(by, "workspace", "created", workspace_id=ws_id, username=owner,
                       summary=f"workspace created, owned by {owner}", after={"name": name})
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
        with self.write():
            before = self._workspace_row(workspace_id)["name"]
            self.db["workspaces"].update(workspace_id, {"name": name})
            if before != name:
                self.audit(by, "workspace", "renamed", workspace_id=workspace_id,
                           summary="workspace renamed", before={"name": before},
                           after={"name": name})

    def set_archived(self, workspace_id: int, archived: bool, *, by: str) -> None:
        """Archive (hide from the picker, keep all data) or restore a workspace."""
        self._require_owner(workspace_id, by)
        with self.write():
            was = bool(self._workspace_row(workspace_id)["archived_at"])
            self.db["workspaces"].update(
                workspace_id, {"archived_at": now_iso() if archived else None})
            if was != archived:
                self.audit(by, "workspace", "archived" if archived else "restored",
                           workspace_id=workspace_id,
                           summary="workspace " + ("archived" if archived else
                                                   "restored from the archive"),
                           before={"archived": was}, after={"archived": archived})

    def delete_workspace(self, workspace_id: int, *, by: str, confirm_name: str) -> None:
        """Delete a workspace and its file for good. ``confirm_name`` must repeat its name."""
        self._require_owner(workspace_id, by)
        row = self._workspace_row(workspace_id)
        if (confirm_name or "").strip() != row["name"]:
            raise ValidationError(Problem(
                "confirmation", "type the workspace's name exactly to delete it"))
        path = self.root / "workspaces" / row["file"]
        backup.take_snapshot(path, "delete")  # kept CX_SNAPSHOT_DAYS days, then pruned
        with self.write():
            members = [dict(r) for r in self.db.query(
                "select username, role from memberships where workspace_id = ? "
                "order by username", [workspace_id])]
            self.db.execute("delete from memberships where workspace_id = ?", [workspace_id])
            self.db.execute("delete from workspaces where id = ?", [workspace_id])
            self.audit(by, "workspace", "deleted", workspace_id=workspace_id,
                       summary=f"workspace {row['name']} deleted with its file",
                       before={"name": row["name"], "members": members})
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
        with self.write():
            current = self.role_in(workspace_id, username)
            if current == "owner" and role != "owner":
                self._keep_an_owner(workspace_id, username)
            self.db["memberships"].upsert(
                {"workspace_id": workspace_id, "username": username, "role": role,
                 "added_by": by, "added_at": now_iso()}, pk=("workspace_id", "username"))
            if current != role:
                self.audit(by, "membership", "added" if current is None else "role changed",
                           username=username, workspace_id=workspace_id,
                           summary=f"{username} added as {role}" if current is None else
                           f"{username}: {current} -> {role}",
                           before={"role": current}, after={"role": role})

    def remove_member(self, workspace_id: int, username: str, *, by: str) -> None:
        """Take a user out of a workspace (owner or administrator); the last owner stays."""
        self._require_owner(workspace_id, by)
        with self.write():
            current = self.role_in(workspace_id, username)
            if current == "owner":
                self._keep_an_owner(workspace_id, username)
            self.db.execute("delete from memberships where workspace_id = ? and username = ?",
                            [workspace_id, username])
            if current is not None:
                self.audit(by, "membership", "removed", username=username,
                           workspace_id=workspace_id, summary=f"{username} removed ({current})",
                           before={"role": current}, after={"role": None})

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
