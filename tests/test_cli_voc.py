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


CUSTOMERS = (b"id,name,segment,start date\nc1,Zoe Martin,retail,2025-01-01\n"
             b"c2,Paul,pro,2025-02-01\n")
LINKED = ("date,nps,comment,customer\n2026-01-05,3,Caisse fermée,c1\n"
          "2026-02-05,9,Merci,c1\n2026-02-06,2,Trop cher,c2\n").encode()


def load_customers(data_dir, tmp_path) -> None:
    (tmp_path / "c.csv").write_bytes(CUSTOMERS)
    (tmp_path / "l.csv").write_bytes(LINKED)
    assert main(["import", "customers", str(tmp_path / "c.csv"), "--workspace", "Acme"]) == 0
    assert main(["import", "responses", str(tmp_path / "l.csv"), "--workspace", "Acme",
                 "--map", "customer=customer_id"]) == 0


def test_follow_ups_list_update_stats(accounts, data_dir, tmp_path, capsys):
    load_customers(data_dir, tmp_path)
    box = run_json(capsys, "follow-ups", "list", "--workspace", "Acme", "--json")
    assert box["total"] == 2 and all(f["by_default"] for f in box["follow_ups"])
    rid = box["follow_ups"][0]["response_id"]
    got = run_json(capsys, "follow-ups", "update", str(rid), "--workspace", "Acme",
                   "--status", "resolved", "--owner", "ann", "--note", "Called", "--json")
    assert (got["status"], got["owner"], got["note"]) == ("resolved", "ann", "Called")
    stats = run_json(capsys, "follow-ups", "stats", "--workspace", "Acme", "--json")
    assert (stats["flagged"], stats["followed"], stats["rate_pct"]) == (2, 1, 50.0)
    assert run_json(capsys, "follow-ups", "list", "--workspace", "Acme", "--json")["total"] == 1
    capsys.readouterr()
    assert main(["follow-ups", "update", str(rid), "--workspace", "Acme", "--due", "soon"]) == 1
    assert "due_date" in capsys.readouterr().err
    assert main(["follow-ups", "update", str(rid), "--workspace", "Acme", "--status",
                 "contacted", "--as", "viewer"]) == 1
    assert main(["follow-ups", "stats", "--workspace", "Acme"]) == 0
    assert "Flagged 2, followed up 1 (50.0 %)" in capsys.readouterr().out


def test_customer_view_export_and_erase(accounts, data_dir, tmp_path, capsys):
    load_customers(data_dir, tmp_path)
    view = run_json(capsys, "customer", "c1", "--workspace", "Acme", "--json")
    assert [r["nps"] for r in view["responses"]] == [3, 9]
    assert view["revenue"] == [] and view["interviews"] == []
    assert len(view["follow_ups"]) == 1
    capsys.readouterr()
    assert main(["customer", "c1", "--workspace", "Acme", "--export", "--out",
                 str(tmp_path / "out")]) == 0
    exported = json.loads((tmp_path / "out" / "customer-c1.json").read_text())
    assert exported["customer"]["name"] == "Zoe Martin"
    assert "Caisse fermée" in (tmp_path / "out" / "customer-c1.csv").read_text()
    assert main(["customer", "c1", "--workspace", "Acme", "--export", "--as", "editor"]) == 1
    assert main(["customer", "c1", "--workspace", "Acme", "--erase", "--confirm", "c2"]) == 1
    capsys.readouterr()
    assert main(["customer", "c1", "--workspace", "Acme", "--erase", "--confirm", "c1"]) == 0
    assert "Erased customer 'c1': now erased-" in capsys.readouterr().out
    assert main(["customer", "c1", "--workspace", "Acme", "--json"]) == 1
    page = run_json(capsys, "comments", "--workspace", "Acme", "--search", "caisse", "--json")
    assert page["total"] == 0
