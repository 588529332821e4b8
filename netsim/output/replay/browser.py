"""A headless Chromium for looking at replays: screenshots and the browser tests.

Why the system's Chromium and not one fetched by Playwright: fetching a browser needs the network
and a third-party download at install time; the distribution's package is updated with the
system.  Playwright only drives it.  The flags turn off everything that would reach out on its
own (updates, sync, background networking), and every launch gets a fresh, throw-away profile.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError

#: Where distributions put Chromium, tried in order (``NETSIM_CHROMIUM`` overrides them).
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium",
              "/snap/bin/chromium", "/usr/bin/google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    override = os.environ.get("NETSIM_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def playwright_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def chromium(width: int = 1600, height: int = 900, scale: float = 1.0) -> Iterator[Any]:
    """A Playwright page in a headless Chromium with a fresh profile, closed on exit."""
    exe = find_chromium()
    if exe is None:
        raise NetsimError("no Chromium found: install the 'chromium' package (or set NETSIM_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise NetsimError("Playwright for Python is needed to drive Chromium: pip install playwright") from err
    profile = tempfile.mkdtemp(prefix="netsim-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=exe, headless=True, args=list(FLAGS),
                viewport={"width": width, "height": height}, device_scale_factor=scale)
            try:
                yield context.pages[0] if context.pages else context.new_page()
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def open_replay(page: Any, path: str | Path, fragment: str = "", timeout_ms: int = 15_000) -> None:
    """Load a replay file into ``page`` and wait until the viewer says it is ready."""
    url = Path(path).resolve().as_uri() + (f"#{fragment}" if fragment else "")
    page.goto(url)
    page.wait_for_selector("body[data-ready]", timeout=timeout_ms)
    if page.get_attribute("body", "data-ready") != "1":
        raise NetsimError(f"{path}: the replay viewer could not start: {page.inner_text('#fatal')}")
