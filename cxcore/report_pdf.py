"""The program report as a PDF: the same HTML report (:func:`cxcore.report_model.report_html`)
printed by WeasyPrint.

WeasyPrint lays the HTML and its inline SVG maps out with Pango, so the PDF holds real,
selectable text (not page images). Print rules added here: the paper size (A4 or US Letter),
page numbers "Page n of N" and the workspace's footer line in the bottom margin of every page,
and no chart, tile, quote or table row split across two pages (``break-inside: avoid``).
System needs: Pango (Debian ``libpango-1.0-0``, ``libpangoft2-1.0-0``) and a font such as
``fonts-dejavu-core``; see the README.
"""

from __future__ import annotations

from cxcore.errors import Problem, ValidationError

#: Paper sizes the PDF can be printed on (CSS ``@page size`` values).
PAPERS = {"a4": "A4", "letter": "letter"}
PRINT_HINT = ' To make a PDF, print this page from the browser and choose "Save as PDF".'


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def print_css(paper: str, footer: str = "") -> str:
    """The PDF's page rules: size, margins, page numbers, footer, no split figures."""
    key = paper.lower()
    if key not in PAPERS:
        raise ValidationError(Problem("paper", f"'{paper}' is not a paper size: use A4 or "
                                               "Letter"))
    left = (f"@bottom-left {{ content: {_css_string(footer)}; font-size: 8pt; color: #5b6475; "
                f"font-family: sans-serif; }}"
            if footer else "")
    return (
        f"@page {{ size: {PAPERS[key]}; margin: 14mm 12mm 18mm 12mm; {left}"
        " @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages);"
        " font-size: 8pt; color: #5b6475; font-family: sans-serif; } }"
        " body { background: #fff; }"
        " figure, figure.map, svg, .tile, .quote, blockquote.purpose, tr, .two .col h3,"
        " table.value, .since .changes, .progress"
        " { break-inside: avoid; page-break-inside: avoid; }"
        " h2, h3, h4 { break-after: avoid; page-break-after: avoid; }"
        " figure.map { overflow: visible; }")


def html_to_pdf(html: str, paper: str = "A4", footer: str = "") -> bytes:
    """Print a report's HTML (:func:`cxcore.report_model.report_html`) as PDF bytes on
    ``paper`` (``A4`` or ``Letter``), with ``footer`` and page numbers on every page."""
    import weasyprint

    css = print_css(paper, footer)
    html = html.replace("</head>", f"<style>{css}</style></head>", 1)
    html = html.replace(PRINT_HINT, "")  # the HTML's hint on how to make a PDF
    return weasyprint.HTML(string=html).write_pdf()
