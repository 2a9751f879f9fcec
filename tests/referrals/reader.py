"""What a reader can work out from published figures, decided exactly for small tables (no solver library): the
least and the greatest value every hidden cell can have, given the shown counts, the lines that add up (rows,
columns, totals, the register's links) and what the marks say ("<5": 1 to 4; "x": hidden, 1 or more, since
zeros are always shown). Integer bounds propagation with branching: complete, so a cell reported as free
really has two values."""

from referrals.figures import MARKS, SMALL


class Reader:
    def __init__(self, shown: dict, lines: list[list], *, cap: int):
        """shown: cell -> count or mark; lines: cells adding up to their last; cap: a count no cell exceeds
        (a hidden cell's greatest value found is then at most `cap`: the check can only be stricter)."""
        self.kind = {cell: value for cell, value in shown.items() if value in MARKS}
        self.unknown = sorted(self.kind, key=repr)
        self.rows = []  # ({unknown: coefficient}, right-hand side)
        for line in lines:
            terms, rhs = {}, 0
            for position, cell in enumerate(line):
                coefficient = -1 if position == len(line) - 1 else 1
                if cell in self.kind:
                    terms[cell] = terms.get(cell, 0) + coefficient
                else:
                    rhs -= coefficient * shown[cell]
            terms = {cell: c for cell, c in terms.items() if c}
            if terms or rhs:
                self.rows.append((terms, rhs))
        # Zeros are always shown, so an "x" is at least 1 to a reader who knows that.
        self.start = {cell: (1, 4) if self.kind[cell] == SMALL else (1, cap) for cell in self.unknown}

    def _tighten(self, cell, low, high):
        return low, high

    def _propagate(self, domain: dict) -> bool:
        changed = True
        while changed:
            changed = False
            for terms, rhs in self.rows:
                if not terms:
                    if rhs:
                        return False
                    continue
                least = sum(c * (domain[x][0] if c > 0 else domain[x][1]) for x, c in terms.items())
                most = sum(c * (domain[x][1] if c > 0 else domain[x][0]) for x, c in terms.items())
                if least > rhs or most < rhs:
                    return False
                for x, c in terms.items():
                    low, high = domain[x]
                    own_least = c * low if c > 0 else c * high
                    own_most = c * high if c > 0 else c * low
                    # c * x lies in [rhs - (most - own_most), rhs - (least - own_least)]
                    lo_cx, hi_cx = rhs - (most - own_most), rhs - (least - own_least)
                    if c > 0:
                        new = (max(low, _ceil_div(lo_cx, c)), min(high, hi_cx // c))
                    else:
                        new = (max(low, _ceil_div(hi_cx, c)), min(high, lo_cx // c))
                    new = self._tighten(x, *new)
                    if new[0] > new[1]:
                        return False
                    if new != (low, high):
                        domain[x] = new
                        changed = True
        return True

    def feasible(self, domain: dict) -> bool:
        domain = dict(domain)
        if not self._propagate(domain):
            return False
        open_cells = [x for x in self.unknown if domain[x][0] < domain[x][1]]
        if not open_cells:
            return True
        x = min(open_cells, key=lambda cell: domain[cell][1] - domain[cell][0])
        low, high = domain[x]
        middle = (low + high) // 2
        for part in ((low, middle), (middle + 1, high)):
            part = self._tighten(x, *part)
            if part[0] <= part[1] and self.feasible({**domain, x: part}):
                return True
        return False

    def pinned(self, truth: dict) -> dict:
        """The hidden cells that can have no other value than their true one: {cell: value}."""
        found = {}
        for x in self.unknown:
            value = truth[x]
            low, high = self.start[x]
            other = [(low, value - 1), (value + 1, high)]
            if not any(
                part[0] <= part[1] and self.feasible({**self.start, x: self._tighten(x, *part)}) for part in other
            ):
                found[x] = value
        return found


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)
