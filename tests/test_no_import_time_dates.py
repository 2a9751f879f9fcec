"""No test module, helper, factory or conftest reads the clock when it is imported.

A date read at import (TODAY = date.today() at module level, a default argument, a class attribute, a
parametrize list) is yesterday's once the run crosses midnight in Amsterdam, and the tests comparing it with the
portal's own "today" fail (the CI run that crossed 00:00 lost 52 tests that way). Read the clock inside tests and
fixtures instead; `make test-midnight` runs the date-sensitive tests across midnight to show they stay green."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCK_CALLS = {"today", "now", "utcnow", "localdate", "localtime", "time", "time_ns"}


def _import_time_nodes(body: list[ast.stmt]):
    """What Python evaluates when the module is imported: module and class bodies, default arguments and
    decorators (with their arguments, such as a parametrize list); never function bodies or lambdas."""
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from statement.decorator_list
            yield from statement.args.defaults
            yield from (default for default in statement.args.kw_defaults if default is not None)
        elif isinstance(statement, ast.ClassDef):
            yield from statement.decorator_list
            yield from statement.bases
            yield from _import_time_nodes(statement.body)
        elif isinstance(statement, ast.If | ast.Try | ast.With | ast.For | ast.While):
            if isinstance(statement, ast.If | ast.While):
                yield statement.test
            for part in ("body", "orelse", "finalbody"):
                yield from _import_time_nodes(getattr(statement, part, []) or [])
            for handler in getattr(statement, "handlers", []):
                yield from _import_time_nodes(handler.body)
        else:
            yield statement


class _ClockCalls(ast.NodeVisitor):
    def __init__(self):
        self.found: list[ast.Call] = []

    def visit_Lambda(self, node):  # evaluated when called, not when defined
        pass

    def visit_Call(self, node):
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
        if name in CLOCK_CALLS:
            self.found.append(node)
        self.generic_visit(node)


def clock_reads_at_import(source: str) -> list[str]:
    visitor = _ClockCalls()
    for node in _import_time_nodes(ast.parse(source).body):
        visitor.visit(node)
    return [f"line {call.lineno}: {ast.unparse(call)}" for call in visitor.found]


def test_the_check_finds_each_kind_of_import_time_clock_read():
    source = """
import datetime, pytest
from django.utils import timezone
TODAY = datetime.date.today()
class Factory:
    joined = timezone.now()
def helper(day=timezone.localdate()):
    return datetime.date.today()  # fine: read when called
@pytest.mark.parametrize("day", [datetime.date.today()])
def test_something(day):
    pass
later = lambda: timezone.now()  # fine: read when called
"""
    assert clock_reads_at_import(source) == [
        "line 4: datetime.date.today()",
        "line 6: timezone.now()",
        "line 7: timezone.localdate()",
        "line 9: datetime.date.today()",
    ]


def test_no_test_module_reads_the_clock_when_imported():
    found = {
        str(path.relative_to(TESTS.parent)): reads
        for path in sorted(TESTS.rglob("*.py"))
        if (reads := clock_reads_at_import(path.read_text()))
    }
    assert not found, f"the clock is read at import (read it inside the test or fixture instead): {found}"
