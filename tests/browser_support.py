"""Helpers for browser tests: a `streamlit run` server on a free port and Debian's Chromium
driven by Playwright. Imported by the tests/test_browser_*.py modules."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """Debian's Chromium; a failure under CI=true, a skip elsewhere, when it is missing."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is not installed (apt-get install chromium); browser tests "
                    "cannot be skipped under CI.")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    """An unused localhost TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(data_dir: Path) -> Iterator[str]:
    """Run ``streamlit run app.py`` against ``data_dir``; yields the base URL."""
    port = free_port()
    env = dict(os.environ, CX_DATA_DIR=str(data_dir), CX_BCRYPT_ROUNDS="4",
               CX_COOKIE_KEY="browser-test-cookie-key-0123456789abcdef")
    log = open(data_dir.parent / f"streamlit-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--global.developmentMode", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError("streamlit did not start:\n" +
                                   (data_dir.parent / f"streamlit-{port}.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    """A fresh Playwright page in headless Chromium (new profile each time)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


#: The app is connected and no script run is under way (Streamlit's own end-to-end tests wait on
#: these attributes of the app's root; the "Running..." widget appears only after 500 ms of a
#: run, so its absence alone does not say that a run has finished).
APP_IDLE = ("() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
            " return !!app && app.dataset.testConnectionState === 'CONNECTED'"
            " && app.dataset.testScriptState === 'notRunning'"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-stale=\"true\"]'); }")


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_function(APP_IDLE, timeout=60_000)
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the whole page under test-artifacts/ (not committed).

    Streamlit scrolls an inner container, so ``full_page`` alone captures only the window: the
    viewport is stretched to the content's height for the shot, then put back.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=\"stMain\"], [data-testid=\"stMainBlockContainer\"]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)")
    page.set_viewport_size({"width": size["width"],
                            "height": min(max(int(height) + 40, size["height"]), 6000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def errors_shown(page) -> list[str]:
    """Texts of exceptions and error alerts on the page."""
    texts = []
    for sel in ("[data-testid='stException']", "[data-testid='stAlertContentError']"):
        texts += [e.inner_text() for e in page.query_selector_all(sel)]
    return texts


def open_page(page, title: str) -> None:
    """Follow the sidebar navigation link called ``title`` and wait for the page."""
    from playwright.sync_api import expect

    link = page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title, exact=True)
    more = page.get_by_test_id("stSidebarNavViewButton")  # "View N more" past ten pages
    if not link.count() and more.count() and "more" in more.inner_text():
        more.click()
    link.click()
    # The link is marked current once the server has started the new page's run.
    expect(link).to_have_attribute("aria-current", "page", timeout=60_000)
    wait_for_app(page)


def textbox(page, name: str):
    """The text input or text area labelled exactly ``name``."""
    return page.get_by_role("textbox", name=name, exact=True)


def sign_in(page, username: str, password: str) -> None:
    """Fill and submit the sign-in form, and wait for the signed-in app."""
    textbox(page, "Username").fill(username)
    textbox(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    wait_for_app(page)


def enter_text(page, name: str, value: str) -> None:
    """Type ``value`` into the one text input labelled ``name`` and submit it with Enter.

    While Streamlit reruns, a widget can briefly exist twice (the old copy not yet removed), so
    this waits for the app to settle and for a single input before typing.
    """
    wait_for_app(page)
    page.wait_for_function(
        "name => document.querySelectorAll(`input[aria-label=\"${name}\"]`).length === 1",
        arg=name, timeout=30_000)
    box = textbox(page, name)
    box.fill(value)
    box.press("Enter")
    wait_for_app(page)
