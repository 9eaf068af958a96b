"""CLI import/export: the validation report, all-or-nothing, --valid-only, --map, --as."""

from __future__ import annotations

import pytest

from cxcore.cli import main

CUSTOMERS = b"customer,first order,plan\nc1,2024-01-05,households\nc2,2024-02-10,landlords\n"
RESPONSES = b"date,nps,client\n2024-03-01,9,c1\n2024-03-02,14,c2\n2024-03-03,2,c9\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "customers.csv").write_bytes(CUSTOMERS)
    (tmp_path / "responses.csv").write_bytes(RESPONSES)
    return tmp_path


def count(accounts, table: str) -> int:
    from cxcore.workspace import open_session

    session = open_session(accounts, accounts.find_workspace("Acme").id, "owner")
    try:
        return session.db.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        session.close()


def test_import_with_map_then_all_or_nothing(accounts, data_dir, files, capsys):
    code = main(["--data-dir", str(data_dir), "import", "customers",
                 str(files / "customers.csv"), "--workspace", "Acme",
                 "--map", "first order=start_date", "--map", "plan=segment"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "customer -> id" in out and "Imported 2 rows as batch 1" in out
    assert count(accounts, "customers") == 2

    code = main(["import", "responses", str(files / "responses.csv"), "--workspace", "Acme",
                 "--map", "client=customer_id"])
    out = capsys.readouterr().out
    assert code == 1
    assert "row 3, column 'nps': NPS (0-10): '14' is not a whole number from 0 to 10" in out
    assert "row 4, column 'client': unknown customer 'c9'" in out
    assert "Nothing imported: 2 rows have problems" in out
    assert count(accounts, "responses") == 0

    code = main(["import", "responses", str(files / "responses.csv"), "--workspace", "Acme",
                 "--map", "client=customer_id", "--valid-only"])
    out = capsys.readouterr().out
    assert code == 0 and "Imported 1 rows" in out
    code = main(["import", "responses", str(files / "responses.csv"), "--workspace", "Acme",
                 "--map", "client=customer_id", "--valid-only"])
    assert "Imported 0 rows into 'Acme'; 1 were already there." in capsys.readouterr().out
    assert count(accounts, "responses") == 1

    assert main(["import-batches", "--workspace", "Acme"]) == 0
    listing = capsys.readouterr().out
    assert "responses" in listing and "customers" in listing
    assert main(["undo-import", "2", "--workspace", "Acme"]) == 0
    assert count(accounts, "responses") == 0


def test_viewer_cannot_import_through_cli(accounts, data_dir, files, capsys):
    code = main(["import", "customers", str(files / "customers.csv"), "--workspace", "Acme",
                 "--map", "first order=start_date", "--as", "viewer"])
    assert code == 1
    assert "role in 'Acme' is viewer" in capsys.readouterr().err
    assert count(accounts, "customers") == 0


def test_bad_file_and_bad_map_are_clear_errors(accounts, data_dir, files, capsys):
    (files / "empty.csv").write_bytes(b"")
    assert main(["import", "pulse", str(files / "empty.csv"), "--workspace", "Acme"]) == 1
    assert "The file is empty" in capsys.readouterr().err
    assert main(["import", "customers", str(files / "customers.csv"), "--workspace", "Acme",
                 "--map", "start"]) == 1
    assert "SOURCE_COLUMN=FIELD" in capsys.readouterr().err
    code = main(["import", "customers", str(files / "customers.csv"), "--workspace", "Acme"])
    out = capsys.readouterr().out
    assert code == 1 and "required: no column is mapped to Start date" in out


def test_export(accounts, data_dir, files, tmp_path, capsys):
    main(["import", "customers", str(files / "customers.csv"), "--workspace", "Acme",
          "--map", "first order=start_date"])
    capsys.readouterr()
    assert main(["export", "--workspace", "Acme", "--out", str(tmp_path / "out"),
                 "--table", "customers"]) == 0
    assert "customers.csv" in capsys.readouterr().out
    text = (tmp_path / "out" / "customers.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("c1,,,,2024-01-05")
