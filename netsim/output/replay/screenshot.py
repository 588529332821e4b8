"""A picture of a replay at one instant, for the README and for checking the design by eye.

The figure is the viewer itself rendered by a headless Chromium, so it shows exactly what a
student sees when opening the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from netsim.files import atomic_write
from netsim.output.replay.browser import chromium, open_replay
from netsim.output.replay.html import write_html


def screenshot(html: str | Path, png: str | Path, *, at: float | None = None, router: str | None = None,
               dest: str | None = None, window: tuple[float, float] | None = None, width: int = 1600,
               height: int = 900, scale: float = 1.0) -> Path:
    """Render the replay page ``html`` into ``png``: at time ``at``, with ``router``'s table open,
    every router's next hops towards ``dest`` drawn, and the timeline showing ``window`` (seconds)."""
    parts = []
    if at is not None:
        parts.append(f"t={at!r}")
    if router is not None:
        parts.append(f"router={quote(router)}")
    if dest is not None:
        parts.append(f"dest={quote(dest)}")
    if window is not None:
        parts.append(f"window={window[0]!r},{window[1]!r}")
    target = Path(png)
    with chromium(width, height, scale) as page:
        open_replay(page, html, "&".join(parts))
        page.wait_for_timeout(150)  # let the layout settle after the first resize
        atomic_write(target, lambda tmp: tmp.write_bytes(page.screenshot(type="png")))
    return target


def document_screenshot(doc: Mapping[str, Any], png: str | Path, **kwargs: Any) -> Path:
    """:func:`screenshot` of a document (written to a temporary page first)."""
    with tempfile.TemporaryDirectory(prefix="netsim-replay-") as tmp:
        page = write_html(doc, Path(tmp) / "replay.html")
        return screenshot(page, png, **kwargs)
