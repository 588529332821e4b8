"""Rendering a replay document into one self-contained HTML page.

Why one file with everything inline: a teacher mails it, a student opens it from disk in a
lecture hall with no network, and it must still work in ten years.  So the viewer's HTML, CSS and
JavaScript (package data next to this module) and the document itself are all written into the
page, and a Content-Security-Policy in the page forbids every network request.

The document travels as JSON inside ``<script type="application/json">``.  An HTML parser ends
such an element at the first ``</script`` and treats ``<!--`` specially whatever the type, so a
router named ``</script>`` would otherwise cut the page in two: every ``<``, ``>`` and ``&`` in
the JSON is written as a ``\\u00XX`` escape, which ``JSON.parse`` turns back into the same text.
The output is a pure function of the document: keys are sorted and nothing depends on the clock.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError
from netsim.files import atomic_write_text
from netsim.output.replay.document import complete, validate
from netsim.output.replay.thinning import DEFAULT_MAX_MESSAGES, thin

ASSETS = ("viewer.html", "viewer.js", "viewer.css")
#: Placeholders in viewer.html, replaced in one pass (so inserted text is never re-scanned).
_MARKER = re.compile(r"/\*__NETSIM_(CSS|JS)__\*/|__NETSIM_(DATA|TITLE|GENERATOR)__")
#: Characters that could end the JSON's script element or open a comment inside it, and the two
#: line separators that some older JavaScript engines refuse inside strings.
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


@cache
def asset(name: str) -> str:
    """The text of one viewer asset shipped with the package."""
    if name not in ASSETS:
        raise KeyError(name)
    return resources.files("netsim.output.replay").joinpath("assets", name).read_text(encoding="utf-8")


def document_json(doc: Mapping[str, Any]) -> str:
    """The document as compact JSON that is safe inside a ``<script>`` element."""
    try:
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
    except ValueError as err:  # NaN or infinity somewhere: JSON cannot carry it
        raise NetsimError(f"replay document: {err} (use null for a missing cost or arrival)") from err
    except TypeError as err:
        raise NetsimError(f"replay document: {err}") from err
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def render_html(doc: Mapping[str, Any]) -> str:
    """The complete page for ``doc`` (checked first: a bad document raises :class:`NetsimError`)."""
    validate(doc)
    full = complete(doc)
    js, css = asset("viewer.js"), asset("viewer.css")
    if re.search(r"</script|<!--", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise RuntimeError("viewer assets must not contain </script, <!-- or </style")  # pragma: no cover
    title = f"{full['scenario']} · {full['protocol']} — netsim replay"
    values = {
        "CSS": css,
        "JS": js,
        "DATA": document_json(full),
        "TITLE": html.escape(title),
        "GENERATOR": html.escape(full.get("generated_by") or "netsim"),
    }
    return _MARKER.sub(lambda m: values[m.group(1) or m.group(2)], asset("viewer.html"))


def write_html(doc: Mapping[str, Any], path: str | Path, *, max_messages: int | None = DEFAULT_MAX_MESSAGES) -> Path:
    """Write the page for ``doc`` to ``path`` atomically (a reader never sees half a file).

    ``max_messages``: thin hellos above this many messages (:func:`thin`); None keeps them all.
    Returns the path written.
    """
    validate(doc)  # before thinning, which assumes well-formed columns
    if max_messages is not None:
        doc = thin(doc, max_messages)
    page = render_html(doc)
    target = Path(path)
    try:
        atomic_write_text(target, page)
    except OSError as err:
        raise NetsimError(f"{target}: cannot write the replay ({err.strerror or err})") from err
    return target
