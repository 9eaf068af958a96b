"""Attribute ratings storage: definitions, wide value columns, cascade on response delete."""

from __future__ import annotations

import pytest

from cxcore import attributes
from cxcore.errors import NotFound, ValidationError
from cxcore.workspace import initialise, open_db


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.db"
    initialise(path, "Test")
    return open_db(path)


def test_define_list_and_write_values(db):
    a = attributes.define_attribute(db, "checkin", "Check-in service", scale=(0, 5),
                                    na_codes=[0])
    b = attributes.define_attribute(db, "solved", "Problem solved?", kind="yesno")
    assert attributes.define_attribute(db, "checkin", "again", scale=(1, 5)) == a
    listed = attributes.list_attributes(db)
    assert [x["key"] for x in listed] == ["checkin", "solved"]
    assert listed[0]["na_codes"] == [0] and listed[0]["column"] == f"a{a}"
    assert (listed[1]["scale_min"], listed[1]["scale_max"]) == (0.0, 1.0)
    db["responses"].insert_all([{"id": 1, "date": "2026-01-01"}, {"id": 2, "date": "2026-01-02"}])
    attributes.write_values(db, [(1, {a: 4.0, b: 1.0}), (2, {a: None, b: 0.0})])
    rows = db.execute(f"select response_id, a{a}, a{b} from response_attributes "
                      "order by response_id").fetchall()
    assert rows == [(1, 4.0, 1.0), (2, None, 0.0)]
    db.execute("delete from responses where id = 1")
    assert db.execute("select count(*) from response_attributes").fetchone()[0] == 1


def test_bad_definitions_are_refused(db):
    with pytest.raises(ValidationError):
        attributes.define_attribute(db, "Bad Key", "x", scale=(1, 5))
    with pytest.raises(ValidationError):
        attributes.define_attribute(db, "ok", "x", scale=(5, 1))
    with pytest.raises(ValidationError):
        attributes.define_attribute(db, "ok", "x", kind="slider", scale=(1, 5))
    with pytest.raises(NotFound):
        attributes.get_attribute(db, "missing")
