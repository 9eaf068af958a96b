"""Users, their rights and sessions, and the sign-in cookie: the user half of
:class:`cxcore.accounts.Accounts`."""

from __future__ import annotations

import os
import secrets

from cxcore.accounts.passwords import hash_password, password_problem, verify_password
from cxcore.accounts.tables import DEFAULT_COOKIE_EXPIRY_DAYS, SYSTEM, USERNAME_RE
from cxcore.clock import now_iso
from cxcore.errors import NotFound, PermissionDenied, Problem, ValidationError


class UserAccounts:
    """Methods of :class:`~cxcore.accounts.Accounts` about users, rights, sessions and the
    sign-in cookie (they use its ``db``, ``write()`` and ``audit()``)."""

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
