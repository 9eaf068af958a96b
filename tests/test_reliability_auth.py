"""Sign-in under abuse, measured: racing first visitors, password guessing, timing, revoked
sessions and forged cookies (figures in docs/reliability.md, "Accounts and sign-in")."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
import pytest

from cxcore import signin
from cxcore.accounts import Accounts, dummy_hash
from cxcore.errors import PermissionDenied, ValidationError

from .conftest import PASSWORD, signed_in_app

RACERS = 10
KEY = "test-cookie-key-not-secret-0123456789abcdef"


def _race_one(root: str, index: int, barrier) -> str:
    acc = Accounts.open(root)
    try:
        barrier.wait()
        acc.create_user(f"first{index}", PASSWORD)
        return "created"
    except PermissionDenied:
        return "refused"
    finally:
        acc.close()


def _admins(root) -> list[str]:
    acc = Accounts.open(root)
    try:
        return [u["username"] for u in acc.list_users() if u["is_admin"]]
    finally:
        acc.close()


def test_ten_racing_first_visitors_make_exactly_one_administrator_threads(data_dir):
    Accounts.open(data_dir).close()  # the schema exists, as when the app has been opened once
    barrier = threading.Barrier(RACERS)
    results: list[str] = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        _race_one(str(data_dir), i, barrier))) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["created"] + ["refused"] * (RACERS - 1)
    assert len(_admins(data_dir)) == 1
    acc = Accounts.open(data_dir)
    assert acc.db["users"].count == 1
    acc.close()


def _race_process(args) -> str:
    root, index, barrier = args
    return _race_one(root, index, barrier)


def test_ten_racing_first_visitors_make_exactly_one_administrator_processes(data_dir):
    Accounts.open(data_dir).close()
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(RACERS)
        with ctx.Pool(RACERS) as pool:
            results = pool.map(_race_process, [(str(data_dir), i, barrier)
                                               for i in range(RACERS)])
    assert sorted(results) == ["created"] + ["refused"] * (RACERS - 1)
    assert len(_admins(data_dir)) == 1


# ---- lockout ---------------------------------------------------------------------------------

@pytest.fixture
def strict(monkeypatch):
    monkeypatch.setenv("CX_SIGNIN_MAX_FAILURES", "3")
    monkeypatch.setenv("CX_SIGNIN_CLIENT_MAX_FAILURES", "10")
    monkeypatch.setenv("CX_SIGNIN_LOCKOUT_SECONDS", "30")


T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_account_locks_after_n_failures_with_doubling_back_off(accounts, strict):
    def attempt(password, seconds, client="a"):
        return signin.sign_in(accounts, "editor", password, client=client,
                              now=T0 + timedelta(seconds=seconds))

    assert [attempt("wrong-1", 0).reason, attempt("wrong-2", 1).reason] == ["wrong", "wrong"]
    third = attempt("wrong-3", 2)
    assert (third.reason, third.retry_after) == ("locked", 30)
    # Locked: even the right password is refused, from any client, until the time is up.
    assert attempt(PASSWORD, 3, client="b").reason == "locked"
    assert attempt(PASSWORD, 31, client="b").retry_after == 1
    fourth = attempt("wrong-4", 33)
    assert (fourth.reason, fourth.retry_after) == ("locked", 60)  # doubled
    fifth = attempt("wrong-5", 94)
    assert (fifth.reason, fifth.retry_after) == ("locked", 120)
    assert "Wait 2 minutes" in fifth.message
    assert attempt(PASSWORD, 94 + 121).ok
    assert signin.failures(accounts, "user:editor") == 0  # a success starts the count again
    assert attempt("wrong-6", 300).reason == "wrong"


def test_back_off_is_capped(monkeypatch):
    monkeypatch.setenv("CX_SIGNIN_LOCKOUT_SECONDS", "30")
    assert [signin.lock_length(n, 5) for n in (4, 5, 6, 7, 10, 50)] == [0, 30, 60, 120, 900, 900]


def test_unknown_username_locks_exactly_like_a_real_one(accounts, strict):
    known = [signin.sign_in(accounts, "viewer", "nope-nope", client="k", now=T0).reason
             for _ in range(4)]
    unknown = [signin.sign_in(accounts, "nobody", "nope-nope", client="u", now=T0).reason
               for _ in range(4)]
    assert known == unknown == ["wrong", "wrong", "locked", "locked"]


def test_one_client_trying_many_usernames_is_locked(accounts, strict):
    reasons = [signin.sign_in(accounts, f"guess{i}", "nope-nope", client="bot", now=T0).reason
               for i in range(11)]
    assert reasons[:9] == ["wrong"] * 9
    assert reasons[9:] == ["locked", "locked"]
    # another client is not affected
    assert signin.sign_in(accounts, "owner", PASSWORD, client="office", now=T0).ok


def test_lockout_is_logged_in_the_account_log(accounts, strict):
    for _ in range(3):
        signin.sign_in(accounts, "editor", "nope-nope", client="c", now=T0)
    rows = list(accounts.db.query("select * from audit_log where kind = 'sign-in'"))
    assert [(r["action"], r["username"]) for r in rows] == [("locked", "editor")]


def test_failures_are_stored_in_the_accounts_database_and_shared(accounts, strict, data_dir):
    signin.sign_in(accounts, "editor", "nope-nope", client="c", now=T0)
    other = Accounts.open(data_dir)  # e.g. another server process
    signin.sign_in(other, "editor", "nope-nope", client="d", now=T0)
    assert signin.sign_in(other, "editor", "nope-nope", client="e", now=T0).reason == "locked"
    other.close()


# ---- timing ----------------------------------------------------------------------------------

def test_unknown_user_verifies_a_dummy_hash_of_the_same_cost(accounts, monkeypatch):
    checked: list[bytes] = []
    real = bcrypt.checkpw

    def spy(password, hashed):
        checked.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    assert signin.sign_in(accounts, "nobody", "wrong-pass-1", client="t").reason == "wrong"
    assert checked == [dummy_hash()]
    stored = accounts.db["users"].get("owner")["password_hash"].encode()
    checked.clear()
    assert signin.sign_in(accounts, "owner", "wrong-pass-1", client="t").reason == "wrong"
    assert checked == [stored]
    assert dummy_hash()[:7] == stored[:7]  # "$2b$04$": same algorithm and cost, same work
    checked.clear()
    assert not accounts.check_password("nobody", "wrong-pass-1")
    assert checked == [dummy_hash()]


def test_disabled_account_with_the_right_password_is_told_so(accounts):
    accounts.set_disabled("viewer", True, by="owner")
    result = signin.sign_in(accounts, "viewer", PASSWORD, client="x")
    assert (result.ok, result.reason) == (False, "disabled")
    assert signin.sign_in(accounts, "viewer", "wrong-pass-1", client="x").reason == "wrong"


# ---- passwords with spaces -------------------------------------------------------------------

@pytest.mark.parametrize("password", [" leading-space", "trailing-space ", "\tlong-password"])
def test_a_password_with_spaces_at_either_end_is_refused_never_trimmed(accounts, password):
    with pytest.raises(ValidationError) as info:
        accounts.create_user("spacey", password, by="owner")
    assert info.value.problems[0].reason == "must not begin or end with a space"
    with pytest.raises(ValidationError):
        accounts.change_password("editor", PASSWORD, password, password)
    assert accounts.check_password("editor", PASSWORD)


def test_inner_spaces_work_at_sign_in_exactly_as_typed(accounts):
    accounts.set_password("editor", "correct horse battery", by="editor")
    assert signin.sign_in(accounts, "editor", "correct horse battery", client="s").ok
    assert not signin.sign_in(accounts, "editor", "correct horse battery ", client="s").ok


# ---- revoking sessions -----------------------------------------------------------------------

def token_for(accounts, username):
    return signin.make_token(username, accounts.session_version(username), KEY, 1)


def test_cookie_is_revoked_by_sign_out_password_change_and_disable(accounts):
    token = token_for(accounts, "editor")
    assert signin.check_token(accounts, token) == "editor"
    accounts.revoke_sessions("editor", by="editor")  # sign-out
    assert signin.check_token(accounts, token) is None
    token = token_for(accounts, "editor")
    accounts.change_password("editor", PASSWORD, "another-pass-2", "another-pass-2")
    assert signin.check_token(accounts, token) is None
    token = token_for(accounts, "editor")
    accounts.set_disabled("editor", True, by="owner")
    assert signin.check_token(accounts, token) is None
    accounts.set_disabled("editor", False, by="owner")
    assert signin.check_token(accounts, token) is None  # enabling again does not revive it
    assert signin.check_token(accounts, token_for(accounts, "editor")) == "editor"


@pytest.mark.parametrize("revoke", ["sign-out", "password", "disable", "delete"])
def test_an_open_session_ends_on_its_next_rerun(accounts, workspace, revoke):
    at = signed_in_app("pages/home.py", "viewer", workspace.id)
    at.run()
    assert at.title[0].value == "Acme"
    {"sign-out": lambda: accounts.revoke_sessions("viewer", by="viewer"),
     "password": lambda: accounts.set_password("viewer", "new-password-7", by="owner"),
     "disable": lambda: accounts.set_disabled("viewer", True, by="owner"),
     "delete": lambda: accounts.delete_user("viewer", by="owner")}[revoke]()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert "Acme" not in [t.value for t in at.title]
    assert any("signed out" in i.value for i in at.info)


# ---- forged and malformed cookies --------------------------------------------------------------

def _none_alg(claims):
    return jwt.encode(claims, key=None, algorithm="none")


FUTURE = (datetime.now(UTC) + timedelta(days=1)).timestamp()
MALFORMED = {
    "alg=none": _none_alg({"username": "owner", "exp_date": FUTURE, "ver": 0}),
    "no exp_date": jwt.encode({"username": "owner", "ver": 0}, KEY, algorithm="HS256"),
    "exp_date text": jwt.encode({"username": "owner", "exp_date": "tomorrow", "ver": 0}, KEY,
                                algorithm="HS256"),
    "no version": jwt.encode({"username": "owner", "exp_date": FUTURE}, KEY, algorithm="HS256"),
    "version text": jwt.encode({"username": "owner", "exp_date": FUTURE, "ver": "0"}, KEY,
                               algorithm="HS256"),
    "expired": jwt.encode({"username": "owner", "exp_date": 1.0, "ver": 0}, KEY,
                          algorithm="HS256"),
    "other key": jwt.encode({"username": "owner", "exp_date": FUTURE, "ver": 0}, "x" * 40,
                            algorithm="HS256"),
    "HS512": jwt.encode({"username": "owner", "exp_date": FUTURE, "ver": 0}, KEY * 2,
                        algorithm="HS512"),
    "username list": jwt.encode({"username": ["owner"], "exp_date": FUTURE, "ver": 0}, KEY,
                                algorithm="HS256"),
    "garbage": "not.a.jwt",
    "empty": "",
    "binary": "\x00\xff" * 10,
    "huge": "a" * 10_000,
    "old library cookie": jwt.encode({"username": "owner", "exp_date": FUTURE}, KEY,
                                     algorithm="HS256"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_or_forged_cookie_signs_nobody_in_and_never_raises(accounts, name):
    assert signin.read_token(MALFORMED[name], KEY) is None
    assert signin.check_token(accounts, MALFORMED[name]) is None


def test_a_good_cookie_signs_in_and_a_stale_version_does_not(accounts):
    good = jwt.encode({"username": "owner", "exp_date": FUTURE, "ver": 0}, KEY, algorithm="HS256")
    assert signin.check_token(accounts, good) == "owner"
    stale = jwt.encode({"username": "owner", "exp_date": FUTURE, "ver": 7}, KEY,
                       algorithm="HS256")
    assert signin.check_token(accounts, stale) is None
