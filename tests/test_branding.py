"""Workspace branding: colours, footer, logo (PNG / sanitised SVG), permissions, copy-setup."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxcore import branding, reuse
from cxcore import workspace as wsmod
from cxcore.errors import PermissionDenied, ValidationError


def png(width: int = 2, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (branding.PNG_MAGIC + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                                             0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" ' \
      b'height="10" fill="#f00"/></svg>'


def test_defaults_until_set(viewer_session):
    b = branding.branding(viewer_session)
    assert (b["primary"], b["accent"], b["footer"], b["logo"], b["custom"]) == (
        branding.DEFAULT_PRIMARY, branding.DEFAULT_ACCENT, "", None, False)


def test_editor_sets_colours_and_footer(editor_session, viewer_session):
    b = branding.set_branding(editor_session, primary="#AA0011", accent="#00aa11",
                              footer="Acme · confidential")
    assert (b["primary"], b["accent"], b["footer"], b["custom"]) == (
        "#aa0011", "#00aa11", "Acme · confidential", True)
    assert branding.branding(viewer_session)["primary"] == "#aa0011"
    # None keeps a value
    assert branding.set_branding(editor_session, footer="")["primary"] == "#aa0011"


def test_bad_values_are_named_and_nothing_changes(editor_session):
    branding.set_branding(editor_session, primary="#112233")
    with pytest.raises(ValidationError) as err:
        branding.set_branding(editor_session, primary="navy", accent="#12345",
                              footer="x" * (branding.MAX_FOOTER + 1))
    fields = {p.field for p in err.value.problems}
    assert fields == {"primary colour", "accent colour", "footer"}
    with pytest.raises(ValidationError, match="one line"):
        branding.set_branding(editor_session, footer="a\nb")
    assert branding.branding(editor_session)["primary"] == "#112233"


def test_viewer_cannot_change_branding(viewer_session):
    for call in (lambda: branding.set_branding(viewer_session, primary="#000000"),
                 lambda: branding.set_logo(viewer_session, png()),
                 lambda: branding.clear_logo(viewer_session),
                 lambda: branding.reset(viewer_session)):
        with pytest.raises(PermissionDenied):
            call()


def test_png_logo_stored_and_served(editor_session):
    data = png(4, 3)
    b = branding.set_logo(editor_session, data, "logo.png")
    assert b["logo"]["mime"] == "image/png"
    assert branding.logo_bytes(b) == data == branding.logo_png(b)
    assert branding.logo_data_uri(b) == "data:image/png;base64," + base64.b64encode(
        data).decode()
    # the activity log records the size, not the image
    detail = editor_session.db.execute(
        "select detail from activity where action = 'set_logo'").fetchone()[0]
    assert '"bytes": ' in detail and base64.b64encode(data).decode() not in detail
    branding.clear_logo(editor_session)
    assert branding.branding(editor_session)["logo"] is None


def test_logo_limits(editor_session):
    with pytest.raises(ValidationError, match="empty"):
        branding.set_logo(editor_session, b"")
    with pytest.raises(ValidationError, match="at most 512 KB"):
        branding.set_logo(editor_session, branding.PNG_MAGIC + b"\0" * branding.MAX_LOGO_BYTES)
    with pytest.raises(ValidationError, match="only PNG and SVG"):
        branding.set_logo(editor_session, b"GIF89a....", "logo.gif")
    with pytest.raises(ValidationError, match="pixels"):
        branding.set_logo(editor_session, png(5000, 1))
    assert branding.branding(editor_session)["logo"] is None


def test_svg_logo_rendered_to_png_for_slides(editor_session):
    b = branding.set_logo(editor_session, SVG, "logo.svg")
    assert b["logo"]["mime"] == "image/svg+xml"
    assert branding.logo_png(b).startswith(branding.PNG_MAGIC)


@pytest.mark.parametrize("bad, gone", [
    (b'<script>alert(1)</script>', b"script"),
    (b'<rect onload="alert(1)" width="1" height="1"/>', b"onload"),
    (b'<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">x</body></foreignObject>',
     b"foreignObject"),
    (b'<image href="https://evil.example/x.png" width="1" height="1"/>', b"evil"),
    (b'<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://evil.example/a.svg#x"/>',
     b"evil"),
    (b'<a href="javascript:alert(1)"><rect width="1" height="1"/></a>', b"javascript"),
    (b'<rect style="fill:url(https://evil.example/p)" width="1" height="1"/>', b"evil"),
    (b'<style>@import url(https://evil.example/a.css);</style>', b"evil"),
    (b'<rect fill="url(https://evil.example/g)" width="1" height="1"/>', b"evil"),
])
def test_svg_sanitiser_removes_what_could_run_or_fetch(bad, gone):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + bad + \
          b'<circle r="3" cx="5" cy="5" fill="url(#g)"/></svg>'
    clean = branding.sanitise_svg(svg)
    assert gone.lower() not in clean.lower()
    assert b"<circle" in clean and b'url(#g)' in clean  # drawing and internal refs stay


@pytest.mark.parametrize("bad, reason", [
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "lol">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
     "DOCTYPE"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not valid XML"),
    (b'<html><svg/></html>', "not <svg>"),
    (b'\xff\xfe<svg/>', "not UTF-8"),
])
def test_svg_refused(bad, reason, editor_session):
    with pytest.raises(ValidationError, match=reason):
        branding.set_logo(editor_session, bad, "logo.svg")


def test_text_colour_reads_on_background():
    assert branding.text_colour("#1f3a5f") == "#ffffff"
    assert branding.text_colour("#ffee88") == "#1d2433"
    # mid grey: white gives 4.48 and the ink 3.8, so pure black (4.69) is used
    assert branding.text_colour("#777777") == "#000000"


def test_contrast_ratio_hand_computed():
    assert branding.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert branding.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    # #777777: channel 0x77/255 = 0.4667 -> ((0.4667 + 0.055) / 1.055) ** 2.4 = 0.1845;
    # against white (1.05) / (0.1845 + 0.05) = 4.48
    assert branding.luminance("#777777") == pytest.approx(0.1845, abs=1e-4)
    assert branding.contrast("#777777", "#ffffff") == pytest.approx(4.478, abs=1e-3)


def test_readable_on_darkens_only_what_needs_it():
    assert branding.readable_on("#1F3A5F") == "#1f3a5f"  # 11.5:1 already
    # #ffee88 on white is 1.2:1; mixed halfway with black (#807744) it reaches 4.53:1
    assert branding.readable_on("#ffee88") == "#807744"
    assert branding.readable_on("#ffee88", "#000000") == "#ffee88"  # fine on black
    # white: mixed 50 % with black (#808080) is 3.95:1, 55 % (#737373) 4.74:1
    assert branding.readable_on("#ffffff") == "#737373"


hex_colours = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")


@given(hex_colours)
def test_every_background_gets_readable_text(colour):
    assert branding.contrast(branding.text_colour(colour), colour) >= branding.MIN_CONTRAST


@given(hex_colours, hex_colours, st.sampled_from([3.0, 4.5]))
def test_readable_on_always_reaches_the_minimum(colour, background, minimum):
    # black reaches 4.6:1 on any background lighter than 0.18, white on any darker one
    shade = branding.readable_on(colour, background, minimum)
    assert branding.contrast(shade, background) >= minimum


def test_copy_setup_carries_branding(accounts, owner_session):
    branding.set_branding(owner_session, primary="#123456", footer="From Acme")
    branding.set_logo(owner_session, png())
    other = accounts.create_workspace("Globex", by="owner")
    target = wsmod.open_session(accounts, other.id, "owner")
    try:
        counts = reuse.copy_setup(owner_session, target, {"branding"})
        assert counts == {"branding": 1}
        b = branding.branding(target)
        assert (b["primary"], b["footer"], b["logo"]["mime"]) == ("#123456", "From Acme",
                                                                  "image/png")
        assert "1 branding" in reuse.describe(counts)
    finally:
        target.close()
