"""No test module reads today's date while it is imported or collected.

A full run takes many minutes. A date read at import (a module constant, a
parametrize argument, a default value) is yesterday's once the run crosses
midnight, while the app and the fixtures use the new day: tests then fail
for no fault of the code. Tests take the ``today`` fixture, or read the
clock inside the test or fixture.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CLOCK_READS = {"today", "now", "utcnow"}


class _EarlyReads(ast.NodeVisitor):
    """Calls of ``CLOCK_READS`` outside any function or lambda body."""

    def __init__(self) -> None:
        self.inside = 0
        self.found: list[tuple[int, str]] = []

    def visit_Call(self, node: ast.Call) -> None:
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else None
        if isinstance(called, ast.Name):
            name = called.id
        if name in CLOCK_READS and not self.inside:
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for early in [*node.decorator_list, *node.args.defaults]:
            self.visit(early)
        for default in node.args.kw_defaults:
            if default is not None:
                self.visit(default)
        self.inside += 1
        for statement in node.body:
            self.visit(statement)
        self.inside -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.inside += 1
        self.generic_visit(node)
        self.inside -= 1


def early_reads(source: str) -> list[tuple[int, str]]:
    finder = _EarlyReads()
    finder.visit(ast.parse(source))
    return finder.found


def test_the_finder_sees_each_kind_of_early_read() -> None:
    source = (
        "TODAY = date.today()\n"
        "@pytest.mark.parametrize('d', [datetime.now(UTC)])\n"
        "def test_a(d, start=utcnow()):\n"
        "    assert date.today()\n"
        "late = lambda: date.today()\n"
    )
    assert [line for line, _ in early_reads(source)] == [1, 2, 3]


def test_no_test_module_reads_the_date_at_import() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{line}: {text}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, text in early_reads(path.read_text(encoding="utf-8"))
    ]
    assert found == []
