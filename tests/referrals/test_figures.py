"""Figures without people: small cells hidden, and not recoverable from totals, nor from the register's figures
read beside monitoring's module 5 counts of every year."""

import datetime
import random
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.figures import (
    ALL,
    MARKS,
    OUTCOMES,
    SMALL,
    STATUSES,
    TOTAL,
    mark,
    protect,
    protected_figures,
    suppress,
    suppress_table,
)
from referrals.models import FigureSnapshot, Referral, VulnerableLocation
from referrals.services import coach_assign, location_create, location_state_set, referral_create, status_change
from stakeholders.models import Municipality
from tests.referrals.conftest import HAARLEM

STATES = list(VulnerableLocation.State.values)


def test_a_single_small_cell_gets_a_partner_in_its_row_and_column():
    matrix = {"A": {"x": 3, "y": 10, "z": 12}, "B": {"x": 9, "y": 7, "z": 20}}
    shown = suppress(matrix, ["x", "y", "z"])
    assert shown["A"]["x"] == SMALL
    hidden_in_row_a = sum(1 for c in "xyz" if shown["A"][c] in MARKS)
    hidden_in_column_x = sum(1 for r in "AB" if shown[r]["x"] in MARKS)
    assert hidden_in_row_a >= 2 and hidden_in_column_x >= 2
    # Every line with a hidden cell has at least two: a total minus the visible cells never gives one count.
    for line in [[("A", c) for c in "xyz"], [("B", c) for c in "xyz"], *[[(r, c) for r in "AB"] for c in "xyz"]]:
        assert sum(1 for r, c in line if shown[r][c] in MARKS) in (0, 2, 3)


def test_small_totals_are_hidden_and_zeros_stay():
    shown = suppress({"A": {"x": 2, "y": 0}}, ["x", "y"])
    assert shown["A"]["total"] == SMALL and shown["A"]["y"] == 0


def test_a_count_pinned_by_several_lines_together_is_hidden_too():
    # Each line with a hidden cell has two or more, yet two hidden rings joined by one cell (2, at B-z) pin it:
    # rows A and B with columns x and y give B-x + B-y, so row B gives B-z. The exact check finds it.
    matrix = {
        "A": {"x": 3, "y": 20, "z": 50, "w": 50},
        "B": {"x": 20, "y": 3, "z": 2, "w": 50},
        "C": {"x": 50, "y": 50, "z": 20, "w": 3},
        "D": {"x": 50, "y": 50, "z": 3, "w": 20},
    }
    table, totals = suppress_table(matrix, list("xyzw"))
    assert table["B"]["z"] == SMALL
    published = Published()
    published.table("t", table, list("xyzw"), totals)
    assert published.derivable_counts() == {}


def test_published_figures_are_kept_as_snapshots_and_name_nobody(people, referral, login_with_mfa, client):
    referral = coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
    status_change(user=people["coach"], referral=referral, to_status="contact_gelegd")
    status_change(
        user=people["coach"], referral=referral, to_status="eerste_gesprek", first_conversation_on=timezone.localdate()
    )
    login_with_mfa(client, people["secretariat"])
    page = client.get("/doorverwijzingen/cijfers/").content.decode()
    assert people["coach"].last_name in page and "Jan de Boer" not in page
    client.post("/doorverwijzingen/cijfers/", {"label": ""})
    assert not FigureSnapshot.objects.exists()
    client.post("/doorverwijzingen/cijfers/", {"label": "Stuurgroep 2026"})
    snapshot = FigureSnapshot.objects.get()
    assert snapshot.label == "Stuurgroep 2026" and "Jan" not in str(snapshot.tables)
    assert snapshot.tables["status"]["rows"][0][0] == "Haarlem" and SMALL in str(snapshot.tables)


# --- Everything side by side: an exact checker ------------------------------------------------------------


class Published:
    """What a reader has: the counts they see, the cells they see hidden, and the equations that hold between
    them (rows, columns, totals, and what the register guarantees). `pinned` solves for the hidden cells by
    Gauss-Jordan elimination over fractions: a hidden cell whose value follows is derivable."""

    def __init__(self):
        self.known: dict = {}
        self.hidden: set = set()
        self.equations: list[list[tuple[int, object]]] = []

    def see(self, key, shown) -> None:
        if shown in MARKS:
            self.hidden.add(key)
        else:
            self.known[key] = int(str(shown).replace(".", ""))

    def equal(self, left: list, right: list) -> None:
        self.equations.append([(1, key) for key in left] + [(-1, key) for key in right])

    def table(self, name: str, rows: dict, columns: list, totals: dict | None = None) -> None:
        """rows: {heading: {column: shown, ..., "total": shown}}; totals: the totals row, when it is shown."""
        every = {**rows, **({ALL: totals} if totals is not None else {})}
        for heading, row in every.items():
            for column, shown in row.items():
                self.see((name, heading, column), shown)
            self.equal([(name, heading, c) for c in columns], [(name, heading, TOTAL)])
        if totals is not None:
            for column in [*columns, TOTAL]:
                self.equal([(name, heading, column) for heading in rows], [(name, ALL, column)])

    def value(self, key) -> int | None:
        """A count of a row that is not shown is 0 (a table leaves out municipalities without any)."""
        return self.known.get(key, None if key in self.hidden else 0)

    def pinned(self) -> dict:
        unknowns = sorted({key for eq in self.equations for _c, key in eq if key in self.hidden}, key=repr)
        index = {key: i for i, key in enumerate(unknowns)}
        rows = []
        for eq in self.equations:
            row = [Fraction(0)] * (len(unknowns) + 1)
            for coefficient, key in eq:
                if key in index:
                    row[index[key]] += coefficient
                else:
                    row[-1] -= coefficient * self.value(key)
            rows.append(row)
        pivots = []
        for column in range(len(unknowns)):
            found = next((r for r in range(len(pivots), len(rows)) if rows[r][column]), None)
            if found is None:
                continue
            top = len(pivots)
            rows[top], rows[found] = rows[found], rows[top]
            rows[top] = [v / rows[top][column] for v in rows[top]]
            for r in range(len(rows)):
                if r != top and rows[r][column]:
                    factor = rows[r][column]
                    rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
            pivots.append(column)
        solved = {}
        for r, column in enumerate(pivots):
            if not any(rows[r][c] for c in range(len(unknowns)) if c != column):
                solved[unknowns[column]] = rows[r][-1]
        return solved

    def derivable_counts(self) -> dict:
        """Hidden cells that can be worked out and are not 0 (a hidden 0 that follows tells nothing)."""
        return {key: value for key, value in self.pinned().items() if value}


SUCCESSORS = {"Beemster": "Purmerend", "Heerhugowaard": "Dijk en Waard", "Langedijk": "Dijk en Waard"}


def _register_and_years(published: Published, register: dict, years: dict[int, dict]) -> None:
    """The links the register guarantees: a municipality's referrals (its row total in the status table, merged
    ones under their successor) are the referred locations of every year in the rows that count for it, and
    the outcome table's total is the closed column. register: {"status": rows, "outcome": rows};
    years: {year: rows of the module 5 table, with ALL for 'Alle gemeenten'}."""
    closed = STATUSES.index("afgesloten")
    names = set(register["status"]) | set(register["outcome"])
    for name in names:
        published.equal([("outcome", name, TOTAL)], [("status", name, STATUSES[closed])])
    current = {n for rows in years.values() for n in rows if n != ALL} | names
    for name in {SUCCESSORS.get(n, n) for n in current}:
        published.equal(
            [("status", name, TOTAL)],
            [
                (("locations", year), row, "doorverwezen")
                for year, rows in years.items()
                for row in rows
                if row != ALL and SUCCESSORS.get(row, row) == name
            ],
        )
    published.equal(
        [("status", name, TOTAL) for name in names], [(("locations", year), ALL, "doorverwezen") for year in years]
    )


class Captioned(HTMLParser):
    """The cell texts of every table with a caption (the register's figures page), per caption."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list | None = None
        self._text: list | None = None
        self._caption: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._text = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables["".join(self._caption).strip()] = self._rows
            self._caption = None
        elif tag in ("td", "th") and self._text is not None:
            self._rows[-1].append("".join(self._text).strip())
            self._text = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data):
        for part in (self._caption, self._text):
            if part is not None:
                part.append(data)


def _register_page(client) -> dict[str, dict]:
    """{"status": {name: {status: shown, "total": shown}}, "outcome": {...}} as the figures page shows them."""
    parser = Captioned()
    parser.feed(client.get("/doorverwijzingen/cijfers/").content.decode())
    found = {}
    for key, caption, columns in (
        ("status", "Per gemeente en status", STATUSES),
        ("outcome", "Per gemeente en uitkomst", OUTCOMES),
    ):
        rows = [row for row in parser.tables[caption][1:] if len(row) == len(columns) + 2]
        found[key] = {row[0]: {**dict(zip(columns, row[1:-1], strict=True)), TOTAL: row[-1]} for row in rows}
    return found


def _module_5_page(client, year: int) -> dict[str, dict]:
    """{name or ALL: {state: shown, "total": shown}} of the dashboard's module 5 table of a year."""
    from tests.monitoring.test_figures import _cells

    rows = _cells(client.get(f"/voortgang/?jaar={year}").content.decode()).get("tabel-module-5", [[]])[1:]
    return {
        (ALL if row[0] == "Alle gemeenten" else row[0]): {TOTAL: row[1], **dict(zip(STATES, row[2:], strict=True))}
        for row in rows
    }


def _published_pages(client, years: list[int]) -> Published:
    """Everything the secretariat reads: the register's figures page and the dashboard of every year."""
    published = Published()
    register = _register_page(client)
    published.table("status", register["status"], STATUSES)
    published.table("outcome", register["outcome"], OUTCOMES)
    module_5 = {}
    for year in years:
        rows = _module_5_page(client, year)
        totals = rows.pop(ALL, None)
        published.table(("locations", year), rows, STATES, totals)
        module_5[year] = {**rows, ALL: totals}
    _register_and_years(published, register, module_5)
    return published


def _referrals(aov, cbs_code: str, year: int, *, referred: int = 0, **open_states: int) -> list[Referral]:
    """Locations made that year through the services, `referred` of them referred; the others in a state each."""
    municipality = Municipality.objects.get(cbs_code=cbs_code)
    made = []
    states = ["doorverwezen"] * referred + [s for s, n in open_states.items() for _i in range(n)]
    for number, state in enumerate(states):
        location = location_create(
            user=aov, municipality=municipality, premises_kind="schuur", signals=["leegstand"],
            source="wijkagent", address=f"Dijk {number}", owner_name=f"Eigenaar {number}",
        )  # fmt: skip
        if state == "doorverwezen":
            made.append(
                referral_create(
                    user=aov, location=location, reason="Leegstand.", owner_consent=True, legal_basis="toestemming"
                )
            )
        else:
            location_state_set(user=aov, location=location, state=state)
        moment = timezone.make_aware(datetime.datetime(year, 6, 15, 12))
        VulnerableLocation.objects.filter(pk=location.pk).update(created_at=moment)
    return made


def test_a_count_hidden_in_one_year_cannot_be_worked_out_from_the_register_and_the_other_years(
    people, client, login_with_mfa
):
    # Haarlem: 8 referrals in the register, 6 of their locations found last year and 2 this year.
    this_year = timezone.localdate().year
    _referrals(people["aov"], HAARLEM, this_year - 1, referred=6)
    _referrals(people["aov"], HAARLEM, this_year, referred=2, geidentificeerd=1)
    _referrals(people["aov_elsewhere"], "GM0361", this_year, geidentificeerd=6, bezocht=5)
    login_with_mfa(client, people["secretariat"])
    published = _published_pages(client, [this_year - 1, this_year])
    assert (("locations", this_year), "Haarlem", "doorverwezen") in published.hidden
    # Before: the register showed 8, last year's dashboard 6, so this year's hidden cell was 8 - 6 = 2.
    assert published.derivable_counts() == {}


def test_the_outcome_table_is_the_closed_column_broken_down(people, make_user, client, login_with_mfa):
    from tests.referrals.conftest import aov_of

    this_year = timezone.localdate().year
    hollands_kroon = aov_of(make_user, "GM1911", "NHN")
    closing = [
        (people["aov"], HAARLEM, 10, "geholpen"),
        (people["aov_elsewhere"], "GM0361", 3, "geholpen"),
        (hollands_kroon, "GM1911", 8, "geen_behoefte"),
    ]
    for aov, cbs_code, n, outcome in closing:
        for referral in _referrals(aov, cbs_code, this_year, referred=n):
            # The coordinator assigns, the assigned coach closes (#19.18: only the coach changes status).
            referral = coach_assign(user=people["coordinator"], referral=referral, coach=people["coach"])
            status_change(
                user=people["coach"], referral=referral, to_status="afgesloten", text="Klaar.", outcome=outcome
            )
    _referrals(people["aov_elsewhere"], "GM0361", this_year, referred=6)  # registered, not closed
    login_with_mfa(client, people["secretariat"])
    published = _published_pages(client, [this_year])
    assert ("outcome", "Alkmaar", "geholpen") in published.hidden
    # Before: Haarlem's outcome total was hidden in the outcome table but shown as its closed count (10) in the
    # status table, so its 10 helped followed, and Alkmaar's 3 helped from the column total (13).
    assert published.derivable_counts() == {}
    register = _register_page(client)
    for name, row in register["outcome"].items():
        assert row[TOTAL] == register["status"][name]["afgesloten"]  # one cell, hidden in both or neither


def test_a_referred_location_keeps_its_state(people, referral):
    stale = referral.location  # the copy from before the referral: it still says "identified"
    for state in ("geidentificeerd", "bezocht", "geen_actie"):
        with pytest.raises(ValidationError, match="Deze locatie is doorverwezen"):
            location_state_set(user=people["aov"], location=stale, state=state)
    assert VulnerableLocation.objects.get(pk=stale.pk).state == "doorverwezen"


# --- Random datasets ------------------------------------------------------------------------------------------


def _random_register(rng: random.Random, municipalities: list, years: list) -> tuple[dict, dict, dict]:
    """(status counts, outcome counts, location counts) as the register makes them: every referral one referred
    location in some year, every closed referral one outcome."""
    status = {m: dict.fromkeys(STATUSES, 0) for m in municipalities}
    outcome = {m: dict.fromkeys(OUTCOMES, 0) for m in municipalities}
    located = {(y, m): dict.fromkeys(STATES, 0) for y in years for m in municipalities}
    for m in municipalities:
        for _i in range(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 17])):
            chosen = rng.choice(STATUSES)
            status[m][chosen] += 1
            if chosen == "afgesloten":
                outcome[m][rng.choice(OUTCOMES)] += 1
            located[(rng.choice(years), m)]["doorverwezen"] += 1
        for y in years:
            for state in ("geidentificeerd", "bezocht", "geen_actie"):
                located[(y, m)][state] = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 7, 9])
    return status, outcome, located


def _lines_of_the_joint_tables(municipalities, years, status, outcome, located) -> tuple[dict, list]:
    """The cells and the lines between them, written here apart from the code under test."""
    values, lines = {}, []

    def table(name, rows, columns, counts, total_of=None):
        for c in columns:
            for r in rows:
                values[(name, r, c)] = counts[r][c]
            values[(name, ALL, c)] = sum(counts[r][c] for r in rows)
        for r in [*rows, ALL]:
            total = total_of(r) if total_of else (name, r, TOTAL)
            if not total_of:
                values[total] = sum(values[(name, r, c)] for c in columns)
            lines.append([*((name, r, c) for c in columns), total])
        for c in columns:
            lines.append([*((name, r, c) for r in rows), (name, ALL, c)])
        if not total_of:
            lines.append([*((name, r, TOTAL) for r in rows), (name, ALL, TOTAL)])

    table("status", municipalities, STATUSES, status)
    table("outcome", municipalities, OUTCOMES, outcome, total_of=lambda r: ("status", r, "afgesloten"))
    for y in years:
        table(("locations", y), municipalities, STATES, {m: located[(y, m)] for m in municipalities})
    for m in [*municipalities, ALL]:
        lines.append([*((("locations", y), m, "doorverwezen") for y in years), ("status", m, TOTAL)])
    return values, lines


@pytest.mark.parametrize("seed", range(40))
def test_random_joint_tables_hide_every_small_count_and_reveal_none(seed):
    rng = random.Random(seed)
    municipalities = [f"G{i}" for i in range(rng.randint(1, 4))]
    years = list(range(2022, 2022 + rng.randint(1, 3)))
    values, lines = _lines_of_the_joint_tables(municipalities, years, *_random_register(rng, municipalities, years))
    hidden = protect(values, lines)
    assert {cell for cell, value in values.items() if 0 < value < 5} <= hidden
    published = Published()
    for cell, value in values.items():
        published.see(cell, mark(cell, values, hidden))
    for line in lines:
        published.equal(line[:-1], line[-1:])
    assert published.derivable_counts() == {}, seed


def test_figures_of_random_registers_over_the_years_reveal_nothing(people):
    """Through the database: locations in several years, Beemster before its merger, the register's rows today."""
    this_year = timezone.localdate().year
    by_name = {m.name: m for m in Municipality.objects.all()}
    names = ["Haarlem", "Alkmaar", "Hollands Kroon", "Purmerend", "Beemster"]
    years = [2021, this_year - 1, this_year]
    for seed in range(3):
        rng = random.Random(seed)
        Referral.objects.all().delete()
        VulnerableLocation.objects.all().delete()
        status, outcome, located = _random_register(rng, names[:-1], years)
        for counts, more in zip((status, outcome, located), _random_register(rng, ["Beemster"], [2021]), strict=True):
            counts.update(more)  # Beemster existed until the end of 2021
        for name in names:
            referrals = [s for s, n in status[name].items() for _i in range(n)]
            outcomes = [o for o, n in outcome[name].items() for _i in range(n)]
            for (year, where), counts in located.items():
                if where != name:
                    continue
                for state, n in counts.items():
                    for _i in range(n):
                        location = VulnerableLocation.objects.create(
                            municipality=by_name[name], premises_kind="schuur", source="wijkagent",
                            address="Dijk 1", owner_name="Eigenaar", state=state,
                        )  # fmt: skip
                        moment = timezone.make_aware(datetime.datetime(year, 6, 15, 12))
                        VulnerableLocation.objects.filter(pk=location.pk).update(created_at=moment)
                        if state == "doorverwezen":
                            chosen = referrals.pop()
                            Referral.objects.create(
                                location=location, municipality=by_name[name], reason="x", owner_consent=True,
                                legal_basis="toestemming", status=chosen,
                                outcome=outcomes.pop() if chosen == "afgesloten" else "",
                            )  # fmt: skip
            assert referrals == [] and outcomes == []
        figures = protected_figures()
        municipalities = figures.municipalities
        published = Published()
        register = {}
        for key, table, columns in (("status", figures.status, STATUSES), ("outcome", figures.outcome, OUTCOMES)):
            rows = {municipalities[pk].name: row for pk, row in table.rows.items()}
            published.table(key, rows, columns, table.totals)
            register[key] = rows
        module_5 = {}
        for year in years:
            table = figures.locations_in(year, [])
            rows = {municipalities[pk].name: row for pk, row in table.rows.items()}
            published.table(("locations", year), rows, STATES, table.totals)
            module_5[year] = {**rows, ALL: table.totals}
        _register_and_years(published, register, module_5)
        assert "Beemster" not in register["status"] and "Beemster" in module_5[2021]
        assert published.derivable_counts() == {}, seed


def test_haarlem_with_8_referrals_spread_3_2_3_shows_8_on_the_figures_page(people, client, login_with_mfa):
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    for status, n in (("aangemeld", 3), ("toegewezen", 2), ("afgesloten", 3)):
        for _i in range(n):
            location = VulnerableLocation.objects.create(
                municipality=haarlem, premises_kind="schuur", source="wijkagent", address="Dijk 1",
                owner_name="Eigenaar", state="doorverwezen",
            )  # fmt: skip
            Referral.objects.create(
                location=location, municipality=haarlem, reason="x", owner_consent=True, legal_basis="toestemming",
                status=status, outcome="geholpen" if status == "afgesloten" else "",
            )  # fmt: skip
    login_with_mfa(client, people["secretariat"])
    register = _register_page(client)
    assert register["status"]["Haarlem"][TOTAL] == "8"  # before (#25.1): "<5"
    assert [register["status"]["Haarlem"][s] for s in ("aangemeld", "toegewezen", "afgesloten")] == [SMALL] * 3


def test_a_snapshot_stored_before_the_two_marks_still_renders():
    from django.template.loader import render_to_string

    old = {"columns": ["Aangemeld", "Afgesloten"], "rows": [["Haarlem", ["<5", 7], "<5"], ["Alkmaar", [6, 7], 13]]}
    html = render_to_string("referrals/_figure_table.html", {"table": old, "caption": "Per gemeente en status"})
    assert "Haarlem" in html and "13" in html and 'aria-label="een klein aantal, 1 tot en met 4"' in html
    assert "1 tot en met 4." in html  # its footnote
