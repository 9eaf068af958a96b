"""Workspaces and their members: the workspace half of :class:`cxcore.accounts.Accounts`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxcore import backup, storage, workspace_db
from cxcore.accounts.tables import MAX_WORKSPACE_NAME, ROLES, SYSTEM, SYSTEM_ROLE
from cxcore.clock import now_iso
from cxcore.errors import NotFound, PermissionDenied, Problem, ValidationError


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace as the accounts database knows it, with the viewing user's role."""

    id: int
    name: str
    path: Path
    archived: bool
    role: str | None = None



class WorkspaceAccounts:
    """Methods of :class:`~cxcore.accounts.Accounts` about workspaces and memberships (they
    use its ``db``, ``root``, ``write()``, ``audit()`` and the user checks)."""

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
