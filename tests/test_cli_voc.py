"""CLI of the voice of the customer: comments (search, filters, bulk tag), tagging rules."""

from __future__ import annotations

import json

from cxcore.cli import main

RESPONSES = ("date,nps,comment\n2026-01-05,3,Délai trop long à la caisse\n"
             "2026-01-06,10,Parfait accueil\n2026-01-07,8,Les caisses sont lentes\n"
             "2026-01-08,9,\n").encode()


def load(data_dir, tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(RESPONSES)
    assert main(["--data-dir", str(data_dir), "import", "responses", str(path),
                 "--workspace", "Acme"]) == 0


def run_json(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_comments_json_search_group_and_tag(accounts, data_dir, tmp_path, capsys):
    load(data_dir, tmp_path)
    page = run_json(capsys, "comments", "--workspace", "Acme", "--json")
    assert page["total"] == 3
    assert [c["group"] for c in page["comments"]] == ["detractor", "passive", "promoter"]
    assert set(page["comments"][0]) >= {"id", "date", "nps", "comment", "tags", "customer_id"}
    page = run_json(capsys, "comments", "--workspace", "Acme", "--search", "caisse", "--json")
    assert [c["comment"] for c in page["comments"]] == ["Délai trop long à la caisse",
                                                        "Les caisses sont lentes"]
    page = run_json(capsys, "comments", "--workspace", "Acme", "--search", "delai",
                    "--group", "detractor", "--json")
    assert page["total"] == 1
    out = run_json(capsys, "comments", "--workspace", "Acme", "--search", "caisse",
                   "--add-tag", "Checkout", "--json")
    assert out == {"tagged": 2, "tag": "Checkout"}
    page = run_json(capsys, "comments", "--workspace", "Acme", "--tag", "checkout", "--json")
    assert page["total"] == 2 and page["comments"][0]["tags"] == ["checkout"]
    page = run_json(capsys, "comments", "--workspace", "Acme", "--limit", "1", "--offset", "2",
                    "--json")
    assert page["total"] == 3 and [c["nps"] for c in page["comments"]] == [10]


def test_comments_text_output_and_errors(accounts, data_dir, tmp_path, capsys):
    load(data_dir, tmp_path)
    capsys.readouterr()
    assert main(["comments", "--workspace", "Acme", "--search", "accueil"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 comment; showing 1-1") and "Parfait accueil" in out
    assert main(["comments", "--workspace", "Acme", "--period", "spring"]) == 1
    assert "error:" in capsys.readouterr().err
    assert main(["comments", "--workspace", "Acme", "--add-tag", "x", "--as", "viewer"]) == 1
    assert "viewer" in capsys.readouterr().err


def test_tag_rules_add_list_delete(accounts, data_dir, tmp_path, capsys):
    load(data_dir, tmp_path)
    assert main(["tag-rules", "add", "caisse", "checkout", "--workspace", "Acme"]) == 0
    rules = run_json(capsys, "tag-rules", "list", "--workspace", "Acme", "--json")
    assert [(r["pattern"], r["tag"]) for r in rules] == [("caisse", "checkout")]
    page = run_json(capsys, "comments", "--workspace", "Acme", "--tag", "checkout", "--json")
    assert page["total"] == 2
    assert main(["tag-rules", "delete", str(rules[0]["id"]), "--workspace", "Acme"]) == 0
    assert run_json(capsys, "tag-rules", "list", "--workspace", "Acme", "--json") == []
    assert main(["tag-rules", "add", "...", "x", "--workspace", "Acme"]) == 1
