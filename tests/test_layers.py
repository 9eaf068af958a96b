"""cxcore's shape: imports run one way, from the ground floor up, and never in a circle.

Every ``import`` and ``from ... import`` in ``cxcore/**/*.py`` (at the top of a module or inside
a function: a lazy import is still a dependency) is an edge between two cxcore modules. Each
module belongs to a layer; an edge may stay in its layer or go down, never up, and the edges
must not form a cycle. A new module must be given a layer here: that is the moment to decide
where it sits (see docs/architecture.md); until then it counts as domain (``cli_*`` as cli,
``*_charts`` as present).
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

CXCORE = ROOT / "cxcore"

#: Bottom to top. A module may import modules of its own layer or of the layers before it.
LAYERS: list[tuple[str, set[str]]] = [
    ("ground", {"cxcore", "cxcore.errors", "cxcore.clock", "cxcore.storage", "cxcore.period"}),
    # SQL over a bare connection: keeps the rollup tables equal to the raw rows (the rollup
    # migration fills them from an upgraded file's rows, so it sits below the schema)
    ("rollup upkeep", {"cxcore.rollups"}),
    ("schema", {"cxcore.schema", "cxcore.schema.*"}),
    ("workspace file", {"cxcore.workspace_db", "cxcore.backup"}),
    ("accounts", {"cxcore.accounts", "cxcore.accounts.*"}),
    ("session", {"cxcore.workspace"}),
    ("domain", {
        "cxcore.metrics", "cxcore.attributes", "cxcore.customer_data", "cxcore.import_formats",
        "cxcore.export", "cxcore.importers", "cxcore.importers.*", "cxcore.interviews",
        "cxcore.journeys",
        "cxcore.journeys.*",
        "cxcore.checklist", "cxcore.scorecard", "cxcore.scorecard.*", "cxcore.drivers",
        "cxcore.drivers.*", "cxcore.reuse", "cxcore.locale_settings", "cxcore.money",
        "cxcore.upload_limits",
        # voice of the customer
        "cxcore.tags", "cxcore.comments", "cxcore.text_stats", "cxcore.followups",
        "cxcore.customer_view", "cxcore.privacy", "cxcore.quotes",
        # restoring a file: says when its snapshot was taken in the workspace's own time
        "cxcore.restore",
        # meetings
        "cxcore.branding", "cxcore.meetings", "cxcore.compare",
    }),
    ("present", {"cxcore.scorecard_charts", "cxcore.driver_charts", "cxcore.journey_charts",
                 "cxcore.interview_charts", "cxcore.report", "cxcore.report_pdf",
                 "cxcore.report_pptx", "cxcore.report_model", "cxcore.slides"}),
    ("demo", {"cxcore.demo", "cxcore.demo.*"}),
    ("cli", {"cxcore.cli", "cxcore.cli_*", "cxcore.__main__"}),
]

def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def cxcore_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(CXCORE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The cxcore modules that ``name`` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from cxcore import storage` imports the module cxcore.storage
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_of(name: str) -> int:
    for rank, (_, members) in enumerate(LAYERS):
        for pattern in members:
            if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1])):
                return rank
    names = [layer for layer, _ in LAYERS]
    return names.index("present" if name.endswith("_charts") else "domain")


def graph() -> dict[str, set[str]]:
    modules = cxcore_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) - {"cxcore"} for name, path in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_scan_sees_direct_aliased_and_lazy_imports(tmp_path):
    src = tmp_path / "cxcore" / "thing.py"
    src.parent.mkdir()
    src.write_text("from cxcore import storage as s\nimport cxcore.errors\n"
                   "def f():\n    from cxcore.accounts import Accounts\n    from . import clock\n")
    known = {"cxcore", "cxcore.storage", "cxcore.errors", "cxcore.accounts", "cxcore.clock"}
    assert imports_of("cxcore.thing", src, known) == known - {"cxcore"}


def test_find_cycle_reports_the_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_a_module_not_listed_counts_as_domain():
    names = [layer for layer, _ in LAYERS]
    assert layer_of("cxcore.brand_new") == names.index("domain")
    assert layer_of("cxcore.brand_new_charts") == names.index("present")
    assert layer_of("cxcore.cli_brand_new") == names.index("cli")


def test_no_import_points_up_a_layer():
    upward = [
        f"{src} ({LAYERS[layer_of(src)][0]}) imports {dst} ({LAYERS[layer_of(dst)][0]})"
        for src, targets in graph().items() for dst in sorted(targets)
        if layer_of(dst) > layer_of(src)
    ]
    assert upward == [], ("import from a lower layer only (move the shared code down), or "
                          "give the module its layer in LAYERS")


def test_no_import_cycle():
    assert find_cycle(graph()) is None, (
        "modules that import each other (even inside a function) are one module in two "
        "files: move what both need into a third, lower one")


def test_accounts_knows_nothing_of_workspace_sessions():
    for name, targets in graph().items():
        if name == "cxcore.accounts" or name.startswith("cxcore.accounts."):
            assert "cxcore.workspace" not in targets, name
