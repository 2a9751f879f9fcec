"""Suppression proved over random small tables (Hypothesis): every "<5" is a count of 1 to 4, every "x" hides a
count, and no hidden count follows from what is shown, read as a reader reads it (the lines that add up, "<5"
as 1 to 4, "x" as any count). The reader (tests/referrals/reader.py) decides this exactly by integer search."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referrals.figures import ALL, PROTECTED, SMALL, TOTAL, add_totals, mark, protect, suppress_table, table_cells
from tests.referrals.reader import Reader

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTS = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 11])


def _assert_honest(values: dict, lines: list, hidden) -> None:
    shown = {cell: mark(cell, values, hidden) for cell in values}
    for cell, text in shown.items():
        if text == SMALL:
            assert 1 <= values[cell] <= 4, cell  # (a) a "<5" is a count of 1 to 4
        elif text == PROTECTED:
            assert cell in hidden and values[cell] > 0, cell  # (b) an "x" hides a count (never a zero)
        else:
            assert not 1 <= values[cell] <= 4, cell  # no small count is shown
    # (c) every hidden count has another possible value: its least and greatest differ.
    reader = Reader(shown, lines, cap=max(values.values()) + 1)
    assert {cell: value for cell, value in reader.pinned(values).items() if value} == {}


@st.composite
def tables(draw):
    rows = [f"G{i}" for i in range(draw(st.integers(1, 3)))]
    columns = [f"k{i}" for i in range(draw(st.integers(1, 3)))]
    return {r: {c: draw(COUNTS) for c in columns} for r in rows}, columns


@FAST
@given(tables())
def test_one_table_shows_only_true_marks_and_reveals_no_count(table):
    matrix, columns = table
    values: dict = {}
    add_totals(values, matrix, list(matrix), columns)
    lines, _cells = table_cells(list(matrix), columns)
    _assert_honest(values, lines, protect(values, lines))


@st.composite
def registers(draw):
    """A register's status and outcome tables and the location tables of one or two years, tied together as
    protected_figures ties them: a municipality's referrals are its referred locations of all years, and its
    outcomes add up to its closed referrals."""
    municipalities = [f"G{i}" for i in range(draw(st.integers(1, 3)))]
    years = [2025, 2026][: draw(st.integers(1, 2))]
    statuses, states = ["open", "closed"], ["seen", "referred"]
    outcomes = ["helped", "other"]
    status = {m: dict.fromkeys(statuses, 0) for m in municipalities}
    outcome = {m: dict.fromkeys(outcomes, 0) for m in municipalities}
    located = {y: {m: dict.fromkeys(states, 0) for m in municipalities} for y in years}
    for m in municipalities:
        for y in years:
            referred = draw(COUNTS)
            located[y][m]["referred"] = referred
            located[y][m]["seen"] = draw(COUNTS)
            for _i in range(referred):
                chosen = draw(st.sampled_from(statuses))
                status[m][chosen] += 1
                if chosen == "closed":
                    outcome[m][draw(st.sampled_from(outcomes))] += 1
    values: dict = {}
    lines: list = []
    add_totals(values, status, municipalities, statuses, ("status",))
    lines += table_cells(municipalities, statuses, ("status",))[0]
    # The outcome table breaks the closed column down: its total is that very cell.
    add_totals(values, outcome, municipalities, outcomes, ("outcome",))
    for r in [*municipalities, ALL]:
        del values[("outcome", r, TOTAL)]
        lines.append([*(("outcome", r, o) for o in outcomes), ("status", r, "closed")])
    for o in outcomes:
        lines.append([*(("outcome", r, o) for r in municipalities), ("outcome", ALL, o)])
    for y in years:
        add_totals(values, located[y], municipalities, states, ("locations", y))
        lines += table_cells(municipalities, states, ("locations", y))[0]
    for m in [*municipalities, ALL]:
        lines.append([*(("locations", y, m, "referred") for y in years), ("status", m, TOTAL)])
    return values, lines


@FAST
@given(registers())
def test_linked_tables_of_two_years_reveal_no_count(register):
    values, lines = register
    _assert_honest(values, lines, protect(values, lines))


def test_a_municipality_with_8_referrals_spread_3_2_3_shows_its_total():
    matrix = {"Haarlem": {"a": 3, "b": 2, "c": 3}, "Alkmaar": {"a": 9, "b": 12, "c": 7}}
    rows, totals = suppress_table(matrix, ["a", "b", "c"])
    assert [rows["Haarlem"][c] for c in "abc"] == [SMALL] * 3
    assert rows["Haarlem"][TOTAL] == 8
    assert SMALL not in rows["Alkmaar"].values()  # partners are hidden as "x", never as "<5"


@pytest.mark.parametrize(
    ("cells", "pinned"),
    [
        ({"a": 4, "b": 4}, True),  # two "<5" beside a total of 8: both must be 4
        ({"a": 1, "b": 6}, True),  # "<5" beside an "x" (5 or more) and a total of 7: 1 or 2
        ({"a": 3, "b": 2, "c": 3}, False),
    ],
)
def test_a_total_is_hidden_only_when_it_gives_a_count_away(cells, pinned):
    rows, _totals = suppress_table({"A": cells, "B": dict.fromkeys(cells, 20)}, list(cells))
    values: dict = {}
    matrix = {"A": cells, "B": dict.fromkeys(cells, 20)}
    add_totals(values, matrix, list(matrix), list(cells))
    lines, _c = table_cells(list(matrix), list(cells))
    _assert_honest(values, lines, protect(values, lines))
    if not pinned:
        assert rows["A"][TOTAL] == sum(cells.values())


def test_the_footnotes_say_what_each_mark_in_a_table_means():
    from referrals.figures import footnotes, mark_html

    assert footnotes([5, 0, 12], [17]) == []  # nothing hidden, nothing to explain
    small_only = footnotes([SMALL, 9], [12])
    assert len(small_only) == 1 and small_only[0].startswith(f"{SMALL}: ") and "1 tot en met 4" in small_only[0]
    both = footnotes([SMALL, PROTECTED], [PROTECTED])
    assert [note.split(":")[0] for note in both[:2]] == [SMALL, PROTECTED]
    assert both[2] == "Een totaal is alleen verborgen als het anders een klein aantal zou verraden."
    # On screen the mark keeps its sign and is read out by its meaning.
    assert 'aria-label="verborgen ter bescherming"' in mark_html(PROTECTED) and ">x</span>" in mark_html(PROTECTED)
    assert mark_html(7) is None


@pytest.mark.parametrize(
    "matrix",
    [
        {"G0": {"k0": 1, "k1": 1}, "G1": {"k0": 1, "k1": 1}},
        {"G0": {"k0": 1, "k1": 0, "k2": 1}, "G1": {"k0": 1, "k1": 1, "k2": 0}},
    ],
)
def test_a_small_count_shown_as_x_is_at_least_one_to_a_reader(matrix):
    """Found in review: an "x" standing for a small count was taken as possibly 0, but zeros are always shown,
    so a reader knows it is at least 1; with that, these tables pinned every cell."""
    columns = list(next(iter(matrix.values())))
    values: dict = {}
    add_totals(values, matrix, list(matrix), columns)
    lines, _cells = table_cells(list(matrix), columns)
    _assert_honest(values, lines, protect(values, lines))
