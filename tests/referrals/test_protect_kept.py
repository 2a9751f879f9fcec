"""The remembered proof search: the same answer as `protect`, a new answer for new counts, and callers that
cannot change each other's sets."""

from unittest import mock

from referrals import figures
from referrals.figures import ALL, TOTAL, add_totals, protect, protect_kept, table_cells


def _table(counts: dict[str, dict[str, int]]):
    values: dict = {}
    rows, columns = sorted(counts), ["a", "b", "c"]
    add_totals(values, counts, rows, columns)
    lines = table_cells(rows, columns)[0]
    return values, lines


def setup_function():
    figures._KEPT_PROOFS.clear()


def test_it_answers_as_protect_does_and_searches_once_for_the_same_counts():
    values, lines = _table(
        {"x": {"a": 2, "b": 9, "c": 7}, "y": {"a": 6, "b": 1, "c": 8}, "z": {"a": 5, "b": 5, "c": 5}}
    )
    expected = protect(values, lines)
    with mock.patch.object(figures, "protect", wraps=figures.protect) as search:
        first = protect_kept(values, lines)
        second = protect_kept(values, lines)
    assert search.call_count == 1
    assert first == second == expected
    assert first.demoted == expected.demoted


def test_a_changed_count_is_searched_again():
    values, lines = _table({"x": {"a": 2, "b": 9, "c": 7}, "y": {"a": 6, "b": 6, "c": 8}})
    before = protect_kept(values, lines)
    values, lines = _table({"x": {"a": 2, "b": 9, "c": 7}, "y": {"a": 6, "b": 1, "c": 8}})
    after = protect_kept(values, lines)
    assert ("y", "b") in after and ("y", "b") not in before
    assert after == protect(values, lines)


def test_a_caller_that_changes_its_answer_does_not_change_the_next_one():
    values, lines = _table({"x": {"a": 2, "b": 9, "c": 7}, "y": {"a": 6, "b": 6, "c": 8}})
    first = protect_kept(values, lines)
    first.add((ALL, TOTAL))
    first.demoted.add(("x", "a"))
    second = protect_kept(values, lines)
    assert (ALL, TOTAL) not in second
    assert ("x", "a") not in second.demoted


def test_it_keeps_a_bounded_number_of_answers():
    for n in range(figures._KEPT_PROOFS_SIZE + 10):
        values, lines = _table({"x": {"a": 2, "b": 9 + n, "c": 7}})
        protect_kept(values, lines)
    assert len(figures._KEPT_PROOFS) == figures._KEPT_PROOFS_SIZE
