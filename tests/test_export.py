"""CSV export: every table, exact text, formula-like cells neutralised (OWASP CSV Injection)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxcore import export
from cxcore import importers as im
from cxcore.errors import ValidationError


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+1", "'=1+1"), ("+31 6 1234", "'+31 6 1234"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("fine = good", "fine = good"), ("", ""),
    (-20.5, -20.5), (None, None), (3, 3),
])
def test_neutralise(cell, safe):
    assert export.neutralise(cell) == safe


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text):
    out = export.neutralise(text)
    assert not out.startswith(export.FORMULA_STARTS)
    assert out in (text, "'" + text)


def test_export_responses_exactly(editor_session, viewer_session):
    data = ('date,nps,comment\n2024-01-01,9,"=HYPERLINK(""http://x"",""y"")"\n'
            '2024-01-02,3,"配送, <b>late</b>\nsecond line"\n').encode()
    im.commit_import(editor_session, im.prepare_import("responses", data))
    rows = read(export.export_csv(viewer_session, "responses"))  # viewers can export
    assert rows[0] == export.EXPORT_TABLES["responses"]
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["nps"] for r in body] == ["9", "3"]
    assert body[0]["comment"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert body[1]["comment"] == "配送, <b>late</b>\nsecond line"


def test_export_folder_all_tables(editor_session, tmp_path):
    im.commit_import(editor_session, im.prepare_import(
        "customers", b"id,start_date,monthly_revenue\n-c1,2024-01-01,12.5\n"))
    im.commit_import(editor_session, im.prepare_import(
        "revenue", b"customer_id,date,amount,kind\n-c1,2024-02-01,-5,refund\n",
        known_customer_ids=editor_session))
    paths = export.export_to_folder(editor_session, tmp_path / "out")
    assert [p.name for p in paths] == ["customers.csv", "revenue_events.csv", "responses.csv",
                                       "pulse.csv"]
    customers = read((tmp_path / "out" / "customers.csv").read_bytes())
    assert customers[1][:1] == ["'-c1"] and customers[1][7] == "12.5"
    revenue = read((tmp_path / "out" / "revenue_events.csv").read_bytes())
    assert revenue[1][1:5] == ["'-c1", "2024-02-01", "5.0", "refund"]
    assert read((tmp_path / "out" / "pulse.csv").read_bytes()) == [export.EXPORT_TABLES["pulse"]]


def test_unknown_table_is_refused(viewer_session):
    with pytest.raises(ValidationError, match="can't be exported"):
        export.export_csv(viewer_session, "accounts")


def test_large_export_streams_in_blocks(editor_session, monkeypatch):
    monkeypatch.setattr(export, "FETCH_ROWS", 3)
    data = b"date,enps\n" + b"".join(b"2024-01-%02d,5\n" % d for d in range(1, 11))
    im.commit_import(editor_session, im.prepare_import("pulse", data))
    blocks = list(export.iter_csv(editor_session, "pulse"))
    assert len(blocks) == 4
    assert len(read(export.export_csv(editor_session, "pulse"))) == 11
