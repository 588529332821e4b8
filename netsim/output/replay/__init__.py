"""The browser replay of a run: one self-contained HTML file that steps through it.

The *replay document* (a JSON-serialisable dict, :mod:`.document`) is the contract between the
code that extracts a run and the viewer that shows it; :func:`render_html` inlines it with the
viewer's HTML, JavaScript and CSS, so the file opens from disk with no network at all.
"""

from netsim.output.replay.document import VERSION, validate
from netsim.output.replay.html import render_html, write_html
from netsim.output.replay.thinning import DEFAULT_MAX_MESSAGES, thin

__all__ = ["DEFAULT_MAX_MESSAGES", "VERSION", "render_html", "thin", "validate", "write_html"]
