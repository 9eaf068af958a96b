"""The Streamlit helpers every page shares: the sign-in gate, the current workspace, messages.

Every page begins with ``session = shell.page_session()``. That call is the gate: it works the
same whether the page was reached through ``app.py``'s navigation or served directly by its URL
(which Streamlit does for files in ``pages/`` until some session has run ``st.navigation``), so no
page can show data to a visitor who has not signed in.

Sign-in uses streamlit-authenticator: its cookie (signed with a key kept outside the repository),
its login controller, logout button and change-password form. The sign-in form itself is drawn
here with keyed widgets so empty fields and wrong credentials get their own clear messages.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit_authenticator.utilities import Validator

from cxcore import locale_settings, signin, storage
from cxcore import workspace as wsmod
from cxcore.accounts import SYSTEM, Accounts, WorkspaceInfo, password_problem, role_at_least
from cxcore.errors import CXError, NotFound, ValidationError, refusal
from cxui import navigation

ROOT = Path(__file__).resolve().parent.parent
COOKIE_NAME = "cx_dashboard_session"
AUTH_KEYS = ("authentication_status", "username", "name")
#: Session-state key of the account's session version when this session signed in.
SESSION_VERSION = "_cx_session_version"


class PasswordPolicy(Validator):
    """Makes the change-password form apply the same rule as :mod:`cxcore.accounts`."""

    def validate_password(self, password: str) -> bool:
        return password_problem(password) is None

    def diagnose_password(self, password: str) -> str:
        return f"The new password {password_problem(password) or 'is fine'}."


@st.cache_resource(show_spinner=False)
def _accounts_for(root: str) -> Accounts:
    return Accounts.open(root)


def accounts() -> Accounts:
    """The accounts database for this server's data folder (one shared connection)."""
    return _accounts_for(str(storage.data_dir()))


def esc(text: Any) -> str:
    """Escape user text for markdown: markdown syntax and HTML are shown literally.

    Each markdown punctuation character gets a backslash; ``&``, ``<`` and ``>`` become HTML
    entities, so no user text can add links, images, emphasis or tags to a page.
    """
    out = "" if text is None else str(text)
    out = re.sub(r"([\\`*_{}\[\]()#+\-.!|~$:])", r"\\\1", out)
    return html.escape(out, quote=False).replace("\n", "  \n")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 part``, ``2 parts`` (``many`` for an irregular plural)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def day(value: str | None) -> str:
    """A stored ISO date (or date-time) as "5 Jan 2026"; "" for none, so a table shows a blank
    cell."""
    if not value:
        return ""
    when = dt.date.fromisoformat(str(value)[:10])
    return f"{when.day} {when:%b %Y}"


def _viewer_zone() -> dt.tzinfo:
    try:
        return ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def when(value: str | None, where: Any = None) -> str:
    """A stored ISO date-time for people, with its zone's name: in the workspace's time zone
    when ``where`` (a workspace session) is given ("5 Jan 2026 14:03 CET"), else — account-level
    tables with no workspace — in the viewer's (the browser's; UTC when unknown): "5 Jan 2026,
    14:03 CET". "" for none; a date alone is shown as :func:`day` does."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= 10:
        return day(text)
    if where is not None:
        return locale_settings.format_time(text, where)
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(_viewer_zone())
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def person(username: str | None) -> str:
    """A username for a table: the command-line operator gets words instead of its id."""
    if username == SYSTEM:
        return "Server operator (command line)"
    return username or ""


def metric(label: str, value: Any, delta: Any = None, *, help: str | None = None,
           delta_color: str = "normal", border: bool = False, container: Any = None) -> None:
    """``st.metric`` whose label wraps instead of being cut off ("Revenue per custo…" in a
    narrow column or under larger text): the label is drawn as a bold line of its own, the
    metric keeps it for screen readers (``label_visibility="collapsed"``)."""
    where = container if container is not None else st
    box = where.container(border=True) if border else where
    box.markdown(f"**{esc(label)}**", help=help)
    box.metric(label, value, delta, delta_color=delta_color, label_visibility="collapsed")


def show_error(exc: Exception) -> None:
    """Show a cxcore error as a message a person can act on."""
    if isinstance(exc, ValidationError):
        lines = "\n".join(f"- {esc(p)}" for p in exc.problems[:50])
        more = f"\n- … and {len(exc.problems) - 50} more" if len(exc.problems) > 50 else ""
        st.error(f"Nothing was saved:\n{lines}{more}")
    else:
        st.error(esc(str(exc)))


def run_action(fn: Callable[[], Any], success: str | None = None) -> Any:
    """Call a cxcore write; show its error instead of a traceback. Returns its result or None."""
    try:
        result = fn()
    except Exception as exc:  # a lock timeout or a bug: a message, never a traceback
        show_error(refusal(exc))
        return None
    if success:
        st.toast(success)
    return result


def attempt(fn: Callable[[], Any]) -> bool:
    """Run a cxcore write; on a refusal show why (inline, keeping the form's input) and return
    False."""
    try:
        fn()
    except Exception as exc:  # a lock timeout or a bug: a message, never a traceback
        show_error(refusal(exc))
        return False
    return True


def done(message: str) -> None:
    """Rerun the page so it redraws from storage, showing ``message`` once at its top."""
    st.session_state["_cx_flash"] = message
    st.rerun()


def write_then_rerun(fn: Callable[[], Any], success: str, *,
                     before_rerun: Callable[[], None] | None = None) -> NoReturn:
    """Run a cxcore write, then rerun the page so it redraws from storage.

    Unlike :func:`attempt`, the page is rerun whether or not the write succeeded: on success
    ``success`` is shown as a toast on the next run; on a refusal (:class:`CXError`) the error is
    kept and shown at the top of the next run (both by :func:`show_flash`, which
    ``page_session`` calls). State that should change only on success belongs in ``fn`` itself;
    ``before_rerun`` is called in both cases, just before the rerun (e.g. to bump the key of an
    editable table so it reloads from storage).
    """
    try:
        fn()
    except Exception as exc:
        st.session_state["_cx_flash_error"] = refusal(exc)
    else:
        st.session_state["_cx_flash_toast"] = success
    if before_rerun is not None:
        before_rerun()
    st.rerun()


def show_flash() -> None:
    """Show what :func:`done` or :func:`write_then_rerun` left for this run: a success message,
    a toast, or an error (``page_session`` calls this)."""
    message = st.session_state.pop("_cx_flash", None)
    if message:
        st.success(message)
    if (toast := st.session_state.pop("_cx_flash_toast", None)) is not None:
        st.toast(toast)
    if (error := st.session_state.pop("_cx_flash_error", None)) is not None:
        show_error(error)


#: Larger type for a projector: readable from the back of the room (plain CSS on the root
#: font size only, no selectors of Streamlit's internal markup).
PRESENTATION_CSS = "<style>html { font-size: 18px; }</style>"
PRESENTING = "_cx_presenting"


def presentation_mode() -> None:
    """A sidebar switch for meetings: bigger text and numbers on every page (remembered for the
    session). The slide view itself is the Present page."""
    if st.sidebar.toggle("Larger text", key="presentation_mode",
                         help="Larger text for a projector or a shared screen. To show slides, "
                              "open Present."):
        st.html(PRESENTATION_CSS)


def presenting() -> bool:
    """True while the Present page's slide view is on (``app.py`` then hides the navigation
    and the sidebar)."""
    return bool(st.session_state.get(PRESENTING))


def presentation_ended() -> bool:
    """True after a presentation was ended in this session (the sidebar opens again)."""
    return st.session_state.get(PRESENTING) is False


def keep_workspace_choice() -> None:
    """Keep the sidebar picker's choice while the picker is not drawn (Streamlit forgets the
    value of a widget that is not drawn in a run unless it is set again)."""
    if "workspace_id" in st.session_state:
        st.session_state["workspace_id"] = st.session_state["workspace_id"]


def start_presenting() -> NoReturn:
    """Turn the slide view on and rerun."""
    st.session_state[PRESENTING] = True
    st.rerun()


def stop_presenting() -> NoReturn:
    """Turn the slide view off and rerun (back to the normal pages)."""
    st.session_state[PRESENTING] = False
    st.rerun()


def cache_key(session: wsmod.WorkspaceSession) -> tuple:
    """A hashable token that changes whenever the workspace file is written; pass it to
    ``@st.cache_data`` functions so their results refresh after any change."""
    return (str(session.info.path), storage.file_version(session.info.path))


# ---- sign-in ----------------------------------------------------------------------------------

def authenticator(acc: Accounts) -> stauth.Authenticate:
    """This script run's streamlit-authenticator object over the current users.

    It mounts a cookie component whose widget key is fixed, so a run must not make two (signing
    in on the Account page's URL would otherwise build one in the gate and one on the page).
    The run is recognised by Streamlit's per-run cursor dict, which is held here so its identity
    cannot be reused by a later run.
    """
    ctx = get_script_run_ctx()
    marker = ctx.cursors if ctx is not None else None
    cached = st.session_state.get("_cx_auth")
    if cached is not None and marker is not None and cached[0] is marker:
        return cached[1]
    auth = stauth.Authenticate(
        acc.credentials(), cookie_name=COOKIE_NAME, cookie_key=acc.cookie_key(),
        cookie_expiry_days=acc.cookie_expiry_days(), auto_hash=False,
        validator=PasswordPolicy())
    st.session_state["_cx_auth"] = (marker, auth)
    return auth


def _clear_sign_in() -> None:
    for key in AUTH_KEYS:
        st.session_state[key] = None
    for key in ("workspace_id", SESSION_VERSION):
        st.session_state.pop(key, None)


def current_user() -> str | None:
    """The signed-in, still-enabled username whose session has not been revoked, or None.

    Checked on every rerun: the session remembers the account's session version from when it
    signed in; sign-out, a password change or disabling the account changes the stored one,
    which ends this session too (see :meth:`cxcore.accounts.Accounts.session_version`).
    """
    username = st.session_state.get("username")
    if not (st.session_state.get("authentication_status") and username):
        return None
    version = accounts().session_version(username)
    held = st.session_state.setdefault(SESSION_VERSION, version)
    if version is None or held != version:
        _clear_sign_in()
        st.session_state["_cx_signed_out"] = (
            "You have been signed out: your password was changed, the account was signed out "
            "elsewhere, or an administrator disabled it.")
        return None
    return username


def _client_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def _start_session(acc: Accounts, auth: stauth.Authenticate, username: str) -> None:
    """Sign ``username`` in for this browser session and store the signed cookie."""
    # The library's resume-from-token login sets its session-state keys exactly as a form
    # sign-in does (the password was checked by cxcore.signin).
    auth.authentication_controller.login(token={"username": username})
    st.session_state[SESSION_VERSION] = acc.session_version(username)
    st.session_state["logout"] = False
    token = signin.make_token(username, st.session_state[SESSION_VERSION], acc.cookie_key(),
                              acc.cookie_expiry_days())
    expires = dt.datetime.now() + dt.timedelta(days=acc.cookie_expiry_days())
    # The strictest the cookie component allows: SameSite=Strict, path /, Secure over HTTPS.
    # HttpOnly is impossible: the component writes the cookie from JavaScript.
    auth.cookie_controller.cookie_model.cookie_manager.set(
        COOKIE_NAME, token, expires_at=expires, same_site="strict", path="/",
        secure=str(st.context.url or "").startswith("https:") or None)


def restart_session(username: str) -> None:
    """After a change that revoked the account's sessions (its own password change), keep this
    browser signed in with a new cookie at the new session version."""
    acc = accounts()
    _start_session(acc, authenticator(acc), username)


def _create_owner_form(acc: Accounts) -> None:
    form_area = st.empty()
    with form_area.container():
        st.title("Welcome to the CX program dashboard")
        st.write("No one has an account yet. Create the owner account: it will be the "
                 "administrator, able to create workspaces and invite colleagues or clients.")
        with st.form("create_owner"):
            username = st.text_input("Username", key="owner_username",
                                     help="2-32 characters: letters, digits, '.', '_' or '-'.")
            name = st.text_input("Your name", key="owner_name")
            email = st.text_input("Email (optional)", key="owner_email")
            password = st.text_input("Password", type="password", key="owner_password",
                                     help="At least 8 characters, no space at either end.")
            repeat = st.text_input("Repeat password", type="password", key="owner_repeat")
            submitted = st.form_submit_button("Create owner account", type="primary")
        message = st.empty()
    if not submitted:
        return
    if password != repeat:
        message.error("The two passwords do not match.")
        return
    try:
        user = acc.create_user(username, password, name=name, email=email)
    except CXError as exc:
        with message.container():
            show_error(exc)
        return
    form_area.empty()  # the message slot is inside it: emptying it again would address a gone block
    # Signed in straight away: they have just typed the password twice.
    _start_session(acc, authenticator(acc), user["username"])
    # Kept (not a one-run flash) because the cookie component reruns the page at once.
    st.session_state["_cx_welcome"] = (
        f"Owner account {user['username']} created: you are signed in as the administrator.")


def _sign_in_form(acc: Accounts) -> None:
    auth = authenticator(acc)
    cookie = st.context.cookies.get(COOKIE_NAME)
    if cookie and not st.session_state.get("logout"):
        username = signin.check_token(acc, cookie)
        if username:
            auth.authentication_controller.login(token={"username": username})
            st.session_state[SESSION_VERSION] = acc.session_version(username)
        else:
            auth.cookie_controller.delete_cookie()  # forged, expired or revoked
    if current_user():
        return
    form_area = st.empty()
    with form_area.container():
        st.title("Sign in")
        st.caption("CX program dashboard")
        if reason := st.session_state.pop("_cx_signed_out", None):
            st.info(reason)
        with st.form("sign_in"):
            username = st.text_input("Username", key="sign_in_username")
            password = st.text_input("Password", type="password", key="sign_in_password")
            submitted = st.form_submit_button("Sign in", type="primary")
        message = st.empty()
    if not submitted:
        return
    username = username.strip().lower()
    if not username or not password:
        missing = [n for n, v in (("username", username), ("password", password)) if not v]
        message.error(f"Enter your {' and '.join(missing)}.")
        return
    result = signin.sign_in(acc, username, password, client=_client_id())
    if not result.ok:
        # One message for an unknown user and a wrong password: do not reveal which exist.
        message.error(result.message)
        return
    form_area.empty()
    # No st.rerun() here: the cookie component must stay mounted long enough to store the cookie.
    _start_session(acc, auth, result.username)


def gate_navigation() -> None:
    """Before sign-in: a navigation over every page, hidden, so no page name shows and a page's
    URL (``/scorecard?ws=3``) is kept for after sign-in, but no page runs."""
    st.navigation(navigation_pages(None, every_page=True), position="hidden")


def require_user() -> str:
    """The signed-in username; otherwise draw the sign-in (or create-owner) screen and stop."""
    username = current_user()
    if username:
        return username
    gate_navigation()
    acc = accounts()
    if not acc.has_users():
        _create_owner_form(acc)
    else:
        _sign_in_form(acc)
    username = current_user()
    if not username:
        st.stop()
    return username


def sign_out() -> None:
    """Sign the current user out everywhere: the account's session version changes (so every
    session and cookie of it ends), the cookie is deleted and this session forgets the user."""
    acc = accounts()
    auth = authenticator(acc)
    username = st.session_state.get("username")
    if username and acc.get_user(username):
        acc.revoke_sessions(username, by=username)
    if st.session_state.get("authentication_status"):
        auth.logout(location="unrendered")
    _clear_sign_in()


# ---- navigation ---------------------------------------------------------------------------------

def navigation_pages(role: str | None, *, every_page: bool = False,
                     start_here: bool = False) -> dict[str, list]:
    """``st.Page`` objects by section for a user with ``role`` in the current workspace (every
    page with ``every_page``); ``start_here`` puts the Start here page first, as the default."""
    specs = ({s: list(v) for s, v in navigation.SECTIONS.items()} if every_page
             else navigation.pages_for_role(role))
    default = navigation.START_HERE.path if start_here else "pages/home.py"
    if start_here or every_page:
        specs = {"": [navigation.START_HERE], **specs}
    return {section: [st.Page(ROOT / spec.path, title=spec.title, icon=spec.icon,
                              default=spec.path == default)
                      for spec in items]
            for section, items in specs.items()}


# ---- state in the URL ---------------------------------------------------------------------------

def url_select(label: str, options: Sequence[Any], *, key: str, param: str,
               container: Any = None, to_text: Callable[[Any], str] = str,
               **selectbox_args: Any) -> Any:
    """A selectbox whose choice is also in the page's URL as ``?param=value``.

    A reload or a shared link opens with the URL's choice; picking another value updates the
    URL. The URL wins when it names a value it has not named before in this session (a link, a
    reload, the browser's back button); otherwise the widget's own state does. A URL value that
    is not among ``options`` is ignored and reported by :func:`url_rejected` (and left in the
    URL for this run). ``to_text`` turns an option into its URL text; other arguments go to
    ``st.selectbox``.
    """
    options = list(options)
    by_text = {to_text(o): o for o in options}
    seen = st.session_state.setdefault("_cx_url_seen", {})
    rejected = st.session_state.setdefault("_cx_url_rejected", {})
    rejected.pop(param, None)
    asked = st.query_params.get(param)
    if asked is not None and asked != seen.get(key):
        seen[key] = asked
        if asked in by_text:
            st.session_state[key] = by_text[asked]
            selectbox_args.pop("index", None)
        else:
            rejected[param] = asked
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # e.g. a deleted journey: fall back to the default
    value = (container or st).selectbox(label, options, key=key, **selectbox_args)
    # A refused link stays refused (and in the address) until another value is picked, so the
    # reruns that follow (e.g. the sign-in cookie being stored) do not quietly open the default.
    refused = st.session_state.setdefault("_cx_url_refused", {})
    if param in rejected:
        refused[param] = (asked, value)
    elif refused.get(param) == (asked, value):
        rejected[param] = asked
    else:
        refused.pop(param, None)
        text = None if value is None else to_text(value)
        if text is None:
            st.query_params.pop(param, None)
        elif st.query_params.get(param) != text:
            st.query_params[param] = text
        seen[key] = text
    return value


def forget_url_param(param: str) -> None:
    """Drop ``param`` from the address and forget that it was refused (then rerun to show the
    default choice)."""
    st.query_params.pop(param, None)
    st.session_state.get("_cx_url_refused", {}).pop(param, None)
    st.session_state.get("_cx_url_rejected", {}).pop(param, None)


def url_rejected(param: str) -> str | None:
    """The URL's value for ``param`` if :func:`url_select` could not use it in this run."""
    return st.session_state.get("_cx_url_rejected", {}).get(param)


NO_ACCESS = ("This link opens a workspace you are not a member of, or one that no longer "
             "exists. Ask the workspace's owner to invite you, or open one of your own "
             "workspaces.")


# ---- workspace ----------------------------------------------------------------------------------

def switch_workspace(workspace_id: int) -> None:
    """Make ``workspace_id`` the current workspace and rerun.

    The sidebar's picker owns the ``workspace_id`` key, which a page may not change after the
    picker has been drawn in the same run; so the choice waits under another key until the next
    run applies it before drawing the picker.
    """
    st.session_state["_switch_workspace_to"] = workspace_id
    st.rerun()


def open_workspace_home(workspace_id: int) -> NoReturn:
    """Make ``workspace_id`` current and go to its Home page (after creating it)."""
    st.session_state["_switch_workspace_to"] = workspace_id
    try:
        st.switch_page("pages/home.py", query_params={"ws": str(workspace_id)})
    except StreamlitPageNotFoundError:  # a page run on its own (AppTest): stay, switched
        st.rerun()


def workspace_picker(username: str, container: Any = None) -> WorkspaceInfo | None:
    """The sidebar's workspace picker, kept in the URL as ``?ws=ID``; returns the chosen
    workspace (None when the user has none). A link to a workspace the user is not a member of
    leaves the choice alone and makes :func:`page_session` say so."""
    workspaces = accounts().list_workspaces(username)
    current_workspace_id(username)  # applies a switch asked for on the previous run
    if not workspaces:
        if st.query_params.get("ws"):
            st.session_state.setdefault("_cx_url_rejected", {})["ws"] = st.query_params["ws"]
        return None
    names = {w.id: w.name for w in workspaces}
    chosen = url_select("Workspace", list(names), key="workspace_id", param="ws",
                        container=container, format_func=lambda i: names[i])
    return next(w for w in workspaces if w.id == chosen)


def current_workspace_id(username: str) -> int | None:
    """The selected workspace id, defaulting to the user's first workspace."""
    acc = accounts()
    available = acc.list_workspaces(username)
    ids = [w.id for w in available]
    if "_switch_workspace_to" in st.session_state:
        st.session_state["workspace_id"] = st.session_state.pop("_switch_workspace_to")
    chosen = st.session_state.get("workspace_id")
    if chosen not in ids:
        chosen = ids[0] if ids else None
        st.session_state["workspace_id"] = chosen
    return chosen


def page_session(min_role: str = "viewer") -> wsmod.WorkspaceSession:
    """Gate for every page: a signed-in user with a workspace open, at least ``min_role``.

    Otherwise shows the sign-in form, or a hint to create/choose a workspace, or a permission
    message, and stops the script before the page reads anything.
    """
    username = require_user()
    ws_id = current_workspace_id(username)
    if url_rejected("ws"):
        st.error(NO_ACCESS)
        if st.button("Open my workspace", key="no_access_open_mine"):
            forget_url_param("ws")
            st.rerun()
        st.stop()
    if ws_id is None:
        st.info("You are not in any workspace yet. Create one on the **Workspaces** page, or ask "
                "a workspace owner to invite you.")
        st.stop()
    try:
        session = wsmod.open_session(accounts(), ws_id, username)
    except NotFound as exc:
        st.session_state.pop("workspace_id", None)
        show_error(exc)
        st.stop()
    if not role_at_least(session.role, min_role):
        st.warning(f"This page needs the {min_role} role; yours in "
                   f"'{esc(session.info.name)}' is {session.role}.")
        st.stop()
    show_flash()
    return session
