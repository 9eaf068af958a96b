"""Reliability of the data under a team's use, measured as figures (see docs/reliability.md).

Concurrent writers from several processes, concurrent imports, lock time-outs. Every figure a
test measures is also written to ``test-artifacts/reliability-data.json``.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from cxcore import checklist, importers, interviews, storage
from cxcore import journeys as jr
from cxcore import workspace as wsmod
from cxcore.accounts import Accounts
from cxcore.errors import Busy, CXError

from .conftest import PASSWORD, ROOT

PROCESSES = 8
WRITES_PER_PROCESS = 500
ARTIFACT = ROOT / "test-artifacts" / "reliability-data.json"


def record_figure(name: str, value) -> None:
    """Keep a measured figure for docs/reliability.md (merged into the artifact file)."""
    ARTIFACT.parent.mkdir(exist_ok=True)
    figures = json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {}
    figures[name] = value
    ARTIFACT.write_text(json.dumps(figures, indent=2, sort_keys=True))


@pytest.fixture
def team(accounts: Accounts, workspace):
    """Acme with one editor per writer process and a journey with one red part."""
    for n in range(PROCESSES):
        accounts.create_user(f"writer{n}", PASSWORD, by="owner")
        accounts.set_member(workspace.id, f"writer{n}", "editor", by="owner")
    session = wsmod.open_session(accounts, workspace.id, "owner")
    jid = jr.create_journey(session, "Delivery")
    step = jr.add_step(session, jid, "Wait")
    actor = jr.add_actor(session, jid, "Driver", "frontstage")
    part = jr.set_health(session, step, actor, "red", note="start")
    session.close()
    return {"root": str(accounts.root), "workspace": workspace.id, "step": step,
            "actor": actor, "part": part}


def _writer(n: int, setup: dict, start: multiprocessing.Event, out: multiprocessing.Queue
            ) -> None:
    """One user's process: WRITES_PER_PROCESS writes of four kinds, each tagged ``w{n}-{i}``."""
    acc = Accounts.open(setup["root"])
    session = wsmod.open_session(acc, setup["workspace"], f"writer{n}")
    failures: list[str] = []
    start.wait()
    for i in range(WRITES_PER_PROCESS):
        tag = f"w{n}-{i}"
        try:
            kind = i % 4
            if kind == 0:
                interviews.create_interview(session, {
                    "kind": "customer", "date": "2026-01-15", "interviewee": tag,
                    "notes": "concurrent write", "tags": "load"})
            elif kind == 1:
                jr.set_health(session, setup["step"], setup["actor"], "red", note=tag)
            elif kind == 2:
                checklist.add_shoes_entry(session, "2026-01-15", checklist.SHOES_KINDS[0], tag)
            else:
                jr.add_action(session, setup["part"], tag, owner=f"writer{n}")
        except Exception as exc:  # every failure is counted, none may happen
            failures.append(f"{tag}: {type(exc).__name__}: {exc}")
    session.close()
    acc.close()
    out.put((n, failures))


def _writer_safe(n: int, setup: dict, start, out) -> None:
    try:
        _writer(n, setup, start, out)
    except Exception as exc:  # a crash must reach the test, not leave it waiting
        out.put((n, [f"process {n}: {type(exc).__name__}: {exc}"]))


def _stored_tags(session) -> dict[str, list[str]]:
    db = session.db
    return {
        "interviews": [r[0] for r in db.execute(
            "select interviewee from interviews where notes = 'concurrent write'")],
        "ratings": [r[0] for r in db.execute(
            "select note from journey_health_history where note like 'w%-%'")],
        "checklist": [r[0] for r in db.execute(
            "select what_was_done from customer_shoes")],
        "actions": [r[0] for r in db.execute("select what from actions")],
    }


def test_eight_processes_of_mixed_writes_lose_nothing(team, accounts, workspace):
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer_safe, args=(n, team, start, out)) for n in range(PROCESSES)]
    for p in procs:
        p.start()
    began = time.monotonic()
    start.set()
    results = dict(out.get(timeout=120) for _ in procs)
    elapsed = time.monotonic() - began
    for p in procs:
        p.join(timeout=60)
    failures = [f for n in sorted(results) for f in results[n]]

    session = wsmod.open_session(accounts, workspace.id, "owner")
    stored = _stored_tags(session)
    session.close()
    expected = {f"w{n}-{i}" for n in range(PROCESSES) for i in range(WRITES_PER_PROCESS)}
    all_tags = [t for tags in stored.values() for t in tags]
    lost = expected - set(all_tags)
    duplicated = len(all_tags) - len(set(all_tags))
    record_figure("concurrent_writes", {
        "processes": PROCESSES, "writes": len(expected), "failures": len(failures),
        "lost": len(lost), "duplicated": duplicated, "seconds": round(elapsed, 1)})
    assert failures == []
    assert lost == set() and duplicated == 0
    assert {k: len(v) for k, v in stored.items()} == {
        k: PROCESSES * WRITES_PER_PROCESS // 4 for k in stored}


def test_a_read_then_write_transaction_waits_for_the_lock(accounts, workspace):
    """The case that failed at once before: a connection that read, then writes while another
    connection holds the write lock, waits for it instead of failing."""
    path = workspace.path
    a, b = storage.connect(path), storage.connect(path)
    a.execute("begin immediate")
    a.execute("insert into settings (key, value) values ('held', '1')")
    def later_commit():
        time.sleep(0.5)
        a.execute("commit")

    threading.Thread(target=later_commit).start()
    with b.atomic():
        b.execute("select count(*) from settings").fetchone()
        b.execute("insert into settings (key, value) values ('after', '1')")
    keys = {r[0] for r in b.execute("select key from settings")}
    assert {"held", "after"} <= keys
    a.close()
    b.close()


def test_a_write_that_cannot_get_the_lock_is_busy_and_writes_nothing(editor_session):
    """Past the busy timeout the write raises Busy (a CXError with one clear message) and the
    workspace holds nothing of it."""
    blocker = storage.connect(editor_session.info.path)
    blocker.execute("begin immediate")
    editor_session.db.execute("pragma busy_timeout = 100")
    before = editor_session.db.execute("select count(*) from interviews").fetchone()[0]
    with pytest.raises(Busy) as caught:
        interviews.create_interview(editor_session, {
            "kind": "customer", "date": "2026-01-15", "interviewee": "Blocked"})
    blocker.execute("rollback")
    blocker.close()
    assert isinstance(caught.value, CXError) and isinstance(caught.value, sqlite3.Error)
    assert str(caught.value).startswith("The workspace is busy")
    after = editor_session.db.execute("select count(*) from interviews").fetchone()[0]
    assert after == before
    # single statements outside db.atomic() (the driver's implicit transaction) too
    blocker = storage.connect(editor_session.info.path)
    blocker.execute("begin immediate")
    with pytest.raises(Busy):
        editor_session.db["settings"].upsert({"key": "x", "value": "1"}, pk="key")
    blocker.execute("rollback")
    blocker.close()


def test_the_cli_says_busy_in_one_line(accounts, workspace, capsys, monkeypatch):
    from cxcore import cli

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 100)
    blocker = storage.connect(workspace.path)
    blocker.execute("begin immediate")
    csv = Path(accounts.root) / "c.csv"
    csv.write_text("id,start_date\nC1,2025-01-01\n")
    code = cli.main(["--data-dir", str(accounts.root), "import", "customers", str(csv),
                     "--workspace", "Acme"])
    blocker.execute("rollback")
    blocker.close()
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: The workspace is busy") and "Traceback" not in err


def _importer(n: int, root: str, workspace_id: int, path: str, out) -> None:
    try:
        acc = Accounts.open(root)
        session = wsmod.open_session(acc, workspace_id, "owner")
        preview = importers.prepare_import("responses", path, known_customer_ids=session,
                                           filename=Path(path).name)
        result = importers.commit_import(session, preview, allow_problems=False)
        session.close()
        acc.close()
        out.put((n, result.inserted, None))
    except Exception as exc:  # reported to the test, which expects none
        out.put((n, 0, f"{type(exc).__name__}: {exc}"))


def test_two_concurrent_imports_both_land(accounts, workspace, tmp_path):
    rows = 20_000
    files = []
    for n in range(2):
        path = tmp_path / f"survey{n}.csv"
        lines = ["response_id,date,nps"] + [
            f"F{n}-{i},2026-01-{1 + i % 28:02d},{i % 11}" for i in range(rows)]
        path.write_text("\n".join(lines) + "\n")
        files.append(path)
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_importer,
                         args=(n, str(accounts.root), workspace.id, str(files[n]), out))
             for n in range(2)]
    for p in procs:
        p.start()
    results = sorted(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    session = wsmod.open_session(accounts, workspace.id, "owner")
    stored = session.db.execute("select count(*) from responses").fetchone()[0]
    batches = session.db.execute("select count(*) from import_batches").fetchone()[0]
    session.close()
    record_figure("concurrent_imports", {"imports": 2, "rows_each": rows,
                                         "errors": [r[2] for r in results if r[2]],
                                         "stored": stored})
    assert [r[2] for r in results] == [None, None]
    assert [r[1] for r in results] == [rows, rows]
    assert stored == 2 * rows and batches == 2


def _page_with_failing_writes():
    import sqlite3

    from cxui import shell

    def locked():
        raise sqlite3.OperationalError("database is locked")

    def bug():
        raise KeyError("boom")

    shell.attempt(locked)
    shell.run_action(bug)


def test_the_app_shows_busy_and_bugs_as_messages_not_tracebacks():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_with_failing_writes).run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert messages[0].startswith("The workspace is busy")
    assert "Something went wrong \\(KeyError\\)" in messages[1] or \
        "Something went wrong (KeyError)" in messages[1]
    assert "Traceback" not in " ".join(messages)


def _sustained_writer(root: str, workspace_id: int, stop, out) -> None:
    try:
        acc = Accounts.open(root)
        session = wsmod.open_session(acc, workspace_id, "owner")
        n = 0
        while not stop.is_set():
            interviews.create_interview(session, {
                "kind": "customer", "date": "2026-01-15", "interviewee": f"s{n}"})
            n += 1
        session.close()
        acc.close()
        out.put((n, None))
    except Exception as exc:  # reported to the test, which expects none
        out.put((0, f"{type(exc).__name__}: {exc}"))


def test_twenty_backups_during_sustained_writes_are_sound_and_complete(
        accounts, workspace, tmp_path):
    from cxcore import backup

    ctx = multiprocessing.get_context("fork")
    stop, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_sustained_writer,
                         args=(str(accounts.root), workspace.id, stop, out)) for _ in range(2)]
    for p in procs:
        p.start()
    probe = storage.connect(workspace.path)
    checks = []
    try:
        while probe.execute("select count(*) from interviews").fetchone()[0] < 20:
            time.sleep(0.05)
        for n in range(20):
            committed = probe.execute("select max(id) from interviews").fetchone()[0]
            copy = backup.backup_to(workspace.path, tmp_path / f"b{n}.db")
            conn = sqlite3.connect(str(copy))
            ok = conn.execute("pragma integrity_check").fetchone()[0]
            held = conn.execute("select count(*) from interviews where id <= ?",
                                [committed]).fetchone()[0]
            conn.close()
            checks.append((ok, committed, held))
            time.sleep(0.02)
    finally:
        stop.set()
        results = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        probe.close()
    live = storage.connect(workspace.path)
    expected = [live.execute("select count(*) from interviews where id <= ?", [c]).fetchone()[0]
                for _, c, _ in checks]
    live.close()
    written = sum(r[0] for r in results)
    complete = sum(held == want for (_, _, held), want in zip(checks, expected, strict=True))
    record_figure("backups_during_writes", {
        "backups": len(checks), "integrity_ok": sum(ok == "ok" for ok, _, _ in checks),
        "holding_every_earlier_write": complete, "writes_during": written})
    assert [r[1] for r in results] == [None, None]
    assert [ok for ok, _, _ in checks] == ["ok"] * 20
    assert complete == 20
    assert checks[-1][1] > checks[0][1]  # writes really went on during the backups
