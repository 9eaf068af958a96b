"""AppTest of the Account page: changing one's password (checked and stored by cxcore)."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, plain


def change_password(at, current, new, repeat):
    inputs = {t.label: t for t in at.text_input}
    inputs["Current password"].input(current)
    inputs["New password (at least 8 characters)"].input(new)
    inputs["Repeat new password"].input(repeat)
    next(b for b in at.button if b.label == "Change password").click().run()
    return at


def test_change_password_is_stored_in_the_accounts_database(app_page, accounts):
    at = change_password(app_page("pages/account.py", user="editor"), PASSWORD,
                         "brand-new-pass-9", "brand-new-pass-9")
    assert not at.exception
    assert any(s.value.startswith("Your password has been changed.") for s in at.success)
    assert at.session_state["username"] == "editor"  # this browser stays signed in
    assert accounts.check_password("editor", "brand-new-pass-9")
    assert not accounts.check_password("editor", PASSWORD)


@pytest.mark.parametrize(("current", "new", "repeat", "message"), [
    ("wrong-current", "brand-new-pass-9", "brand-new-pass-9", "current password is wrong"),
    (PASSWORD, "short", "short", "at least 8 characters"),
    (PASSWORD, "brand-new-pass-9", "different-pass-9", "do not match"),
    (PASSWORD, "", "", "No new password"),
])
def test_bad_password_change_changes_nothing(app_page, accounts, current, new, repeat, message):
    at = change_password(app_page("pages/account.py", user="editor"), current, new, repeat)
    assert not at.exception
    assert any(message in plain(e.value) for e in at.error), [e.value for e in at.error]
    assert accounts.check_password("editor", PASSWORD)


def test_account_page_lists_memberships(app_page):
    at = app_page("pages/account.py", user="viewer")
    texts = [t.value for t in at.text]
    assert "Vera Viewer (viewer)" in texts
    assert "• Acme: viewer" in texts


def test_signing_in_on_the_account_url_makes_one_authenticator(accounts, workspace):
    """The gate and the Account page share one authenticator (one cookie component) per run."""
    from .conftest import signed_in_app

    at = signed_in_app("pages/account.py", None, None)
    at.run()
    inputs = {t.key: t for t in at.text_input}
    inputs["sign_in_username"].input("editor")
    inputs["sign_in_password"].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Account"
    assert "Change password" in [b.label for b in at.button]
