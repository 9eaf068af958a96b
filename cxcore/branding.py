"""A workspace's branding: the client's logo, two colours and a footer line.

Consultants hand each client a pack in that client's colours. The branding is stored in the
workspace's ``settings`` table under :data:`SETTING` (one JSON value) and used by the HTML
report, the PDF, the PPTX deck and the presentation page:

- ``primary``: the cover and heading colour (a ``#rrggbb`` hex colour);
- ``accent``: rules, bars and tile tops (``#rrggbb``);
- ``footer``: one line of text printed at the foot of every page and slide (at most
  :data:`MAX_FOOTER` characters, no line breaks);
- ``logo``: a PNG or SVG file of at most :data:`MAX_LOGO_BYTES`. An SVG is *sanitised* before it
  is stored (:func:`sanitise_svg`): only drawing elements are kept, and scripts, event handlers
  (``on*`` attributes), ``javascript:`` values, external references (``href`` / ``url()`` not
  pointing inside the file, ``@import``), embedded HTML (``foreignObject``) and DOCTYPE /
  entity declarations are refused or removed, so a logo can't run code or fetch anything when
  the report is opened.

Editors and owners change the branding (:func:`set_branding`, :func:`set_logo`,
:func:`clear_logo`); anyone who can read the workspace can read it. Copy-setup can carry it to
a new workspace (:mod:`cxcore.reuse`, part ``branding``).
"""

from __future__ import annotations

import base64
import json
import re
import struct
import xml.etree.ElementTree as ET
from html import escape
from typing import Any

from cxcore.errors import Problem, ValidationError
from cxcore.workspace import WorkspaceSession

SETTING = "branding"
DEFAULT_PRIMARY = "#1f3a5f"
DEFAULT_ACCENT = "#2a7f8f"
MAX_LOGO_BYTES = 512 * 1024
MAX_FOOTER = 200
MAX_LOGO_SIDE = 4000  # pixels: a PNG larger than this is not a logo
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

SVG_NS = "http://www.w3.org/2000/svg"

#: SVG elements a logo may use (drawing only: no script, foreignObject, image, a, animation).
ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient",
    "stop", "clipPath", "mask", "use", "symbol", "pattern", "style", "metadata"})
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)
_BAD_VALUE = re.compile(r"javascript:|vbscript:|data:text/html|expression\s*\(|@import", re.I)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _bad_style(text: str) -> bool:
    return bool(_EXTERNAL_URL.search(text) or _BAD_VALUE.search(text))


def sanitise_svg(data: bytes) -> bytes:
    """A safe copy of the SVG document ``data``, or :class:`ValidationError` saying why not.

    Refused outright: text that is not UTF-8 XML, a DOCTYPE or entity declaration (entity
    expansion and external entities), a root element other than ``<svg>``. Removed: every element
    outside :data:`ALLOWED_ELEMENTS` (with its content), every ``on*`` attribute, ``href`` /
    ``xlink:href`` not starting with ``#``, attribute values with ``javascript:`` and the like,
    ``style`` attributes or ``<style>`` elements that load anything (``url(`` outside the file,
    ``@import``). Comments and processing instructions are dropped by the parser.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(Problem("logo", "the SVG file is not UTF-8 text")) from exc
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.I):
        raise ValidationError(Problem(
            "logo", "the SVG file declares a DOCTYPE or entities, which a logo doesn't need "
                    "(and which can be used to read files); save it again without them"))
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValidationError(Problem("logo", f"the SVG file is not valid XML ({exc})")) from exc
    if _local(root.tag) != "svg":
        raise ValidationError(Problem("logo", "the file's outer element is not <svg>"))

    def clean(element: ET.Element) -> None:
        for child in list(element):
            if not isinstance(child.tag, str) or _local(child.tag) not in ALLOWED_ELEMENTS:
                element.remove(child)
                continue
            if _local(child.tag) == "style" and _bad_style(child.text or ""):
                element.remove(child)
                continue
            clean(child)
        for name in list(element.attrib):
            value = element.attrib[name]
            local = _local(name).lower()
            if (local.startswith("on") or _BAD_VALUE.search(value)
                    or (local == "href" and not value.strip().startswith("#"))
                    or (local == "style" and _bad_style(value))
                    or _EXTERNAL_URL.search(value)):
                del element.attrib[name]

    clean(root)
    return _serialise(root).encode("utf-8")


XLINK_NS = "http://www.w3.org/1999/xlink"


def _serialise(element: ET.Element, root: bool = True) -> str:
    """The cleaned tree as SVG text with plain element names (the SVG namespace declared on the
    root), keeping unqualified attributes and ``xlink:href``; other namespaces' attributes
    (editor metadata) are left out. ElementTree's own writer is not used because its prefix
    table is global and other libraries change it."""
    attrs = {}
    for name, value in element.attrib.items():
        if not name.startswith("{"):
            attrs[name] = value
        elif name == f"{{{XLINK_NS}}}href":
            attrs["xlink:href"] = value
    if root:
        attrs = {"xmlns": SVG_NS, "xmlns:xlink": XLINK_NS, **attrs}
    tag = _local(element.tag)
    head = tag + "".join(f' {k}="{escape(v, quote=True)}"' for k, v in attrs.items())
    inner = escape(element.text or "", quote=False) + "".join(
        _serialise(child, False) + escape(child.tail or "", quote=False) for child in element)
    return f"<{head}>{inner}</{tag}>" if inner else f"<{head}/>"


def _png_size(data: bytes) -> tuple[int, int]:
    if not data.startswith(PNG_MAGIC) or len(data) < 24 or data[12:16] != b"IHDR":
        raise ValidationError(Problem("logo", "the file is not a PNG image"))
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_colour(field: str, value: Any, problems: list[Problem]) -> str | None:
    """``value`` as a lower-case ``#rrggbb`` colour; appends a problem when it is not one."""
    text = str(value or "").strip()
    if not HEX.match(text):
        problems.append(Problem(field, f"'{text}' is not a colour like #1f3a5f"))
        return None
    return text.lower()


def branding(session: WorkspaceSession) -> dict[str, Any]:
    """The workspace's branding: ``primary``, ``accent``, ``footer``, ``logo`` (``None`` or
    ``{"mime", "data" (base64), "filename"}``) and ``custom`` (False while nothing is set).
    Anyone who can read the workspace may read it."""
    stored = session.setting(SETTING, None) or {}
    return {"primary": stored.get("primary") or DEFAULT_PRIMARY,
            "accent": stored.get("accent") or DEFAULT_ACCENT,
            "footer": stored.get("footer") or "",
            "logo": stored.get("logo"),
            "custom": bool(stored)}


def _store(session: WorkspaceSession, value: dict[str, Any], what: str, detail: Any) -> None:
    with session.db.atomic():
        session.db["settings"].upsert({"key": SETTING, "value": json.dumps(value)}, pk="key")
        session.log(what, "branding", None, detail)


def _stored(session: WorkspaceSession) -> dict[str, Any]:
    return dict(session.setting(SETTING, None) or {})


def set_branding(session: WorkspaceSession, *, primary: str | None = None,
                 accent: str | None = None, footer: str | None = None) -> dict[str, Any]:
    """Change the colours and/or the footer (editors and owners); ``None`` keeps a value.
    Everything is checked before anything is stored. Returns :func:`branding`."""
    session.require("editor")
    problems: list[Problem] = []
    value = _stored(session)
    if primary is not None:
        value["primary"] = check_colour("primary colour", primary, problems)
    if accent is not None:
        value["accent"] = check_colour("accent colour", accent, problems)
    if footer is not None:
        text = str(footer).strip()
        if "\n" in text or "\r" in text:
            problems.append(Problem("footer", "must be one line"))
        if len(text) > MAX_FOOTER:
            problems.append(Problem("footer", f"is {len(text)} characters; at most {MAX_FOOTER}"))
        value["footer"] = text
    if problems:
        raise ValidationError(problems)
    _store(session, value, "set", {k: value.get(k) for k in ("primary", "accent", "footer")})
    return branding(session)


def check_logo(data: bytes, filename: str = "") -> tuple[str, bytes]:
    """The logo's MIME type and the bytes to store (an SVG sanitised), or
    :class:`ValidationError` for an empty, too large, unknown or unsafe file."""
    if not data:
        raise ValidationError(Problem("logo", "the file is empty"))
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(Problem(
            "logo", f"the file is {len(data) / 1024:.0f} KB; a logo may be at most "
                    f"{MAX_LOGO_BYTES // 1024} KB"))
    if data.startswith(PNG_MAGIC):
        width, height = _png_size(data)
        if not (0 < width <= MAX_LOGO_SIDE and 0 < height <= MAX_LOGO_SIDE):
            raise ValidationError(Problem(
                "logo", f"the PNG is {width}×{height} pixels; at most {MAX_LOGO_SIDE} a side"))
        return "image/png", data
    head = data[:2048].lstrip().lower()
    if filename.lower().endswith(".svg") or head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        return "image/svg+xml", sanitise_svg(data)
    raise ValidationError(Problem("logo", "only PNG and SVG files can be used as a logo"))


def set_logo(session: WorkspaceSession, data: bytes, filename: str = "") -> dict[str, Any]:
    """Store ``data`` (PNG or SVG, see :func:`check_logo`) as the logo (editors and owners)."""
    session.require("editor")
    mime, clean = check_logo(data, filename)
    value = _stored(session)
    value["logo"] = {"mime": mime, "data": base64.b64encode(clean).decode("ascii"),
                     "filename": str(filename)[:200]}
    _store(session, value, "set_logo", {"mime": mime, "bytes": len(clean),
                                        "filename": str(filename)[:200]})
    return branding(session)


def clear_logo(session: WorkspaceSession) -> None:
    """Remove the logo (editors and owners)."""
    session.require("editor")
    value = _stored(session)
    value.pop("logo", None)
    _store(session, value, "clear_logo", None)


def reset(session: WorkspaceSession) -> None:
    """Back to the default colours, no footer, no logo (editors and owners)."""
    session.require("editor")
    _store(session, {}, "reset", None)


def copy_value(source: WorkspaceSession) -> dict[str, Any]:
    """The stored branding of ``source`` as is (for copy-setup)."""
    return _stored(source)


def store_value(target: WorkspaceSession, value: dict[str, Any]) -> None:
    """Store a branding value read by :func:`copy_value` (editors and owners); re-checks it."""
    target.require("editor")
    problems: list[Problem] = []
    for key in ("primary", "accent"):
        if value.get(key):
            check_colour(key, value[key], problems)
    if problems:
        raise ValidationError(problems)
    _store(target, dict(value), "copy", {"keys": sorted(value)})


# ---- using it -----------------------------------------------------------------------------------

def logo_bytes(brand: dict[str, Any]) -> bytes | None:
    """The stored logo's bytes, or None."""
    logo = brand.get("logo")
    return base64.b64decode(logo["data"]) if logo else None


def logo_data_uri(brand: dict[str, Any]) -> str | None:
    """The logo as a ``data:`` URI for an ``<img src>``, or None."""
    logo = brand.get("logo")
    return f"data:{logo['mime']};base64,{logo['data']}" if logo else None


def logo_png(brand: dict[str, Any], scale: float = 2.0) -> bytes | None:
    """The logo as PNG bytes (an SVG rendered by vl-convert), for a slide; None without one."""
    data = logo_bytes(brand)
    if data is None:
        return None
    if brand["logo"]["mime"] == "image/png":
        return data
    import vl_convert

    return vl_convert.svg_to_png(data.decode("utf-8"), scale=scale)


#: The smallest contrast ratio text must have on its background (WCAG 2 level AA).
MIN_CONTRAST = 4.5
WHITE, INK, BLACK = "#ffffff", "#1d2433", "#000000"


def _channels(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """The relative luminance of a ``#rrggbb`` colour (WCAG 2: 0.2126 R + 0.7152 G +
    0.0722 B of the linearised sRGB channels)."""
    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two colours, (L1 + 0.05) / (L2 + 0.05) with L1 the
    lighter: 1 (the same) to 21 (black on white)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_colour(background: str) -> str:
    """The text colour for ``background``: white or the report's ink (#1d2433), whichever
    contrasts more, or pure black when neither reaches :data:`MIN_CONTRAST` (mid greys). Every
    background gets at least 4.5:1: black or white always reach 4.58:1."""
    best = max((WHITE, INK), key=lambda c: contrast(c, background))
    if contrast(best, background) >= MIN_CONTRAST:
        return best
    return max((WHITE, BLACK), key=lambda c: contrast(c, background))


def _mix(colour: str, target: str, share: float) -> str:
    pairs = zip(_channels(colour), _channels(target), strict=True)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in pairs)


def readable_on(colour: str, background: str = WHITE, minimum: float = MIN_CONTRAST) -> str:
    """``colour`` itself when it contrasts with ``background`` by at least ``minimum``, else
    the nearest shade of it (mixed with black on a light background, white on a dark one, in
    5 % steps) that does: brand-coloured text and rules stay legible whatever the colour."""
    colour = colour.lower()
    toward = BLACK if luminance(background) > 0.18 else WHITE
    for step in range(21):
        shade = _mix(colour, toward, step / 20)
        if contrast(shade, background) >= minimum:
            return shade
    return toward


def css_variables(brand: dict[str, Any]) -> str:
    """A ``:root`` rule setting the report's ``--brand`` and ``--accent`` colours."""
    return (f":root {{ --brand:{brand['primary']}; --accent:{brand['accent']}; "
            f"--on-brand:{text_colour(brand['primary'])}; }}")
