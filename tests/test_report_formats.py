"""The report in every format from one model: PDF (WeasyPrint) and PPTX (python-pptx), branded.

The PDF's pages are turned into PNGs with pdftoppm under test-artifacts/ to be looked at."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pptx import Presentation
from pptx.util import Inches

from cxcore import branding, demo, meetings, report_model, report_pdf, report_pptx
from cxcore import workspace as wsmod
from cxcore.errors import PermissionDenied, ValidationError

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
TODAY = date(2026, 11, 20)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c"
    "63f8cfc0f01f0005000201a5f0b1e90000000049454e44ae426082")


@pytest.fixture(scope="module")
def demo_session(tmp_path_factory):
    """The demo workspace, branded, with a meeting on 15 Oct 2026."""
    from cxcore.accounts import Accounts

    acc = Accounts.open(tmp_path_factory.mktemp("formats-data"))
    acc.create_user("owner", "correct-horse-1")
    acc.create_user("viewer", "correct-horse-1", by="owner")
    info = demo.create_demo_workspace(acc, owner="owner")
    acc.set_member(info.id, "viewer", "viewer", by="owner")
    session = wsmod.open_session(acc, info.id, "owner")
    branding.set_branding(session, primary="#5a1e6e", accent="#e07a1f",
                          footer="Prepared for Brightside by North Star Consulting")
    branding.set_logo(session, b'<svg xmlns="http://www.w3.org/2000/svg" width="120" '
                               b'height="40"><rect width="120" height="40" fill="#e07a1f"/>'
                               b'<text x="10" y="27" font-size="20">BRIGHT</text></svg>',
                      "logo.svg")
    meetings.add_meeting(session, "2026-10-15", "Q3 review", "Dana, Priya, Marco")
    yield {"session": session, "acc": acc, "info": info,
           "model": report_model.build(session, today=TODAY)}
    session.close()
    acc.close()


def test_model_gathers_each_part_once(demo_session):
    m = demo_session["model"]
    assert m["period"] == "2026-Q3" and m["compare_label"] == "2026-Q2"
    assert m["branding"]["primary"] == "#5a1e6e"
    nps = next(r for r in m["metrics"] if r["key"] == "nps")
    assert "95 % CI" in nps["detail"] and "n = " in nps["detail"]
    change = m["changes"]["nps"]
    assert nps["verdict"] == ("meaningful change" if change.meaningful else change.note)
    assert [r["nps_group"] for r in m["value"]] == ["promoter", "passive", "detractor"]
    assert m["drivers"]["findings"]
    assert m["journeys"] and m["journeys"][0]["summary"]["parts_total"] > 0
    assert m["open_actions"] >= len(m["actions"]) > 0
    assert m["since"]["meeting"]["title"] == "Q3 review"
    # trend: the 12 months ending with the period
    months = [t["month"] for t in m["trend"]]
    assert months[0] == "2025-10" and months[-1] == "2026-09"


def test_branded_html_has_colours_logo_footer_and_since_section(demo_session):
    text = report_model.report_html(demo_session["session"], model=demo_session["model"])
    assert "--brand:#5a1e6e" in text and "--accent:#e07a1f" in text
    assert '<img class="logo" src="data:image/svg+xml;base64,' in text
    assert "Prepared for Brightside by North Star Consulting" in text
    since = text.index('<section id="since"')
    assert since < text.index('<section id="program"')
    assert "Since the last meeting" in text and "Q3 review" in text


def test_pdf_has_real_text_page_numbers_and_paper_sizes(demo_session, tmp_path):
    pdf = report_model.render(demo_session["session"], "pdf", today=TODAY)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    assert "595.276 x 841.89" in info  # A4 in points
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Brightside Appliances" in text and "Scorecard" in text  # real text, not images
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Prepared for Brightside by North Star Consulting" in text
    assert "Since the last meeting" in text
    assert "Save as PDF" not in text  # the browser hint is not printed in a PDF

    letter = report_model.render(demo_session["session"], "pdf", today=TODAY, paper="Letter")
    (tmp_path / "letter.pdf").write_bytes(letter)
    info = subprocess.run(["pdfinfo", str(tmp_path / "letter.pdf")], capture_output=True,
                          text=True, check=True).stdout
    assert "612 x 792" in info
    with pytest.raises(ValidationError, match="not a paper size"):
        report_pdf.print_css("A3")


def test_pdf_keeps_charts_whole():
    css = report_pdf.print_css("A4")
    rule = css[css.index("figure,"):]
    assert "break-inside: avoid" in rule and "svg" in rule.split("{")[0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_pdf_pages_as_png_artifacts(demo_session):
    """Writes test-artifacts/report-pdf-*.png: look at them."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("report-pdf-*.png"):
        old.unlink()
    path = ARTIFACTS / "report.pdf"
    path.write_bytes(report_model.render(demo_session["session"], "pdf", today=TODAY))
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(ARTIFACTS / "report-pdf")],
                   check=True)
    pngs = sorted(ARTIFACTS.glob("report-pdf-*.png"))
    assert len(pngs) >= 3 and all(p.stat().st_size > 5000 for p in pngs)


def test_pptx_slides_titles_pictures_native_table_and_notes(demo_session):
    data = report_pptx.render_pptx(demo_session["session"], demo_session["model"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pptx").write_bytes(data)
    prs = Presentation(io.BytesIO(data))
    assert prs.slide_width == Inches(13.333)
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == "Brightside Appliances (demo)"
    assert titles[1:5] == ["Since the last meeting", "Scorecard · 2026-Q3",
                           "What a promoter is worth", "What drives the scores"]
    assert "Journey: Delivery and installation" in titles
    assert titles[-2:] == ["Top actions", "In their own words"]
    slides = {s.shapes.title.text: s for s in prs.slides}

    card = slides["Scorecard · 2026-Q3"]
    tables = [sh for sh in card.shapes if sh.has_table]
    assert len(tables) == 1  # a native, editable table
    table = tables[0].table
    assert [table.cell(0, c).text for c in range(5)] == ["Metric", "Value", "vs 2026-Q2",
                                                         "Noise", "Target"]
    assert table.cell(1, 0).text == "NPS" and "95 % CI" in table.cell(1, 1).text
    assert any(sh.shape_type == 13 for sh in card.shapes)  # the trend chart as a picture
    notes = card.notes_slide.notes_text_frame.text
    assert "meaningful only when it is larger than the noise" in notes

    for title in ("What a promoter is worth", "What drives the scores",
                  "Importance × performance: what to act on first",
                  "Journey: Delivery and installation"):
        assert any(sh.shape_type == 13 for sh in slides[title].shapes), title
        assert slides[title].notes_slide.notes_text_frame.text

    actions = [sh for sh in slides["Top actions"].shapes if sh.has_table][0].table
    assert actions.cell(0, 0).text == "What" and len(actions.rows) > 1

    quotes = " ".join(sh.text_frame.text for sh in slides["In their own words"].shapes
                      if sh.has_text_frame)
    real = [q["quote"] for q in demo_session["model"]["quotes"]]
    assert real and all(q in quotes for q in real)  # real quotes, as recorded

    # logo on the title slide, footer on content slides, nothing outside the slide
    assert any(sh.shape_type == 13 for sh in prs.slides[0].shapes)
    for s in prs.slides:
        for sh in s.shapes:
            assert sh.left >= 0 and sh.top >= 0
            assert sh.left + sh.width <= prs.slide_width, (s.shapes.title.text, sh.name)
            assert sh.top + sh.height <= prs.slide_height, (s.shapes.title.text, sh.name)
    footer = " ".join(sh.text_frame.text for sh in card.shapes if sh.has_text_frame)
    assert "North Star Consulting" in footer
    # dates in the workspace's format, not ISO
    since = slides["Since the last meeting"].notes_slide.notes_text_frame.text
    assert "Compared from Q3 review (15 Oct 2026) to 20 Nov 2026." in since
    due = [actions.cell(r, 3).text for r in range(1, len(actions.rows))]
    assert due and not [d for d in due if re.search(r"\d{4}-\d{2}-\d{2}", d)]


def test_empty_workspace_deck_and_pdf_say_so(owner_session):
    data = report_model.render(owner_session, "pptx", today=TODAY)
    prs = Presentation(io.BytesIO(data))
    titles = [s.shapes.title.text for s in prs.slides]
    assert "Since the last meeting" not in titles  # no earlier meeting saved
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes
                    if sh.has_text_frame)
    assert "nothing to score yet" in text and "No quotes yet" in text
    assert report_model.render(owner_session, "pdf", today=TODAY).startswith(b"%PDF")


def test_viewers_may_export_and_bad_format_is_refused(demo_session):
    acc, info = demo_session["acc"], demo_session["info"]
    viewer = wsmod.open_session(acc, info.id, "viewer")
    try:
        assert report_model.render(viewer, "html", today=TODAY).startswith(b"<!doctype html>")
        with pytest.raises(ValidationError, match="not a report format"):
            report_model.render(viewer, "docx")
        with pytest.raises(PermissionDenied):
            branding.set_branding(viewer, primary="#000000")
    finally:
        viewer.close()


def test_cli_writes_pdf_and_pptx(accounts, tmp_path, monkeypatch, capsys):
    from .test_cli import run

    info = demo.create_demo_workspace(accounts, owner="owner")
    for fmt, magic in (("pdf", b"%PDF"), ("pptx", b"PK")):
        out = tmp_path / f"r.{fmt}"
        code, printed, err = run(monkeypatch, capsys, "report", "--workspace", info.name,
                                 "--period", "2026-Q2", "--format", fmt, "--out", str(out))
        assert code == 0, err
        assert printed.strip() == str(out) and out.read_bytes().startswith(magic)
    code, _, err = run(monkeypatch, capsys, "report", "--workspace", info.name, "--format",
                       "pdf", "--paper", "Letter", "--out", str(tmp_path / "l.pdf"))
    assert code == 0, err
    assert report_model.filename(wsmod.open_session(accounts, info.id, "owner"), "pptx",
                                 TODAY) == "brightside-appliances-demo-cx-report-2026-11-20.pptx"
    assert PNG_1PX.startswith(branding.PNG_MAGIC)
