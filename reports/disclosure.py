"""Which cells of the evaluation report to hide so that no small count can be worked out again.

Hiding the counts from 1 up to the threshold (primary suppression) is not enough on its own: a table's parts add
up to its total, the same figure appears in more than one table, and per-cohort figures add up to the pilot's.
Whoever reads the report can subtract. This module plays that reader: `derivable` solves the report's sum
relations for the hidden cells by exact linear algebra, and `protect` hides further cells (secondary
suppression) until it finds nothing, in the manner of Statistics Netherlands' tau-argus.

The cells are plain string keys with non-negative int values; the caller names them and declares the relations
between them, so this module knows nothing of pilots or Django. `docs/disclosure.md` explains the method and its
limits to a statistician.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Relation", "check_relations", "derivable", "primary", "protect"]


@dataclass(frozen=True)
class Relation:
    """total = sum(parts): the parts of a table add up to its total. A relation with one part says two cells are equal.

    A key may appear more than once; it then counts as often as it appears.
    """

    total: str
    parts: tuple[str, ...]

    def __post_init__(self) -> None:
        # A total of nothing says the total is zero; a table builder that emits one has most likely dropped its
        # rows by mistake, and a hidden cell pinned to zero could never be protected.
        if not self.parts:
            raise ValueError(f"the relation for {self.total!r} has no parts")


def primary(values: Mapping[str, int], *, threshold: int, public: Collection[str] = ()) -> frozenset[str]:
    """Cells with 0 < value < threshold, except public ones (figures not about people, e.g. places offered).

    Zero is shown: it points at no one.
    """
    _check_cells(values, public, "public")
    public = frozenset(public)
    return frozenset(key for key, value in values.items() if 0 < value < threshold and key not in public)


def derivable(values: Mapping[str, int], relations: Iterable[Relation], hidden: Collection[str]) -> frozenset[str]:
    """The hidden cells whose value follows from the shown cells and the relations by linear algebra (the adversary).

    Each relation is the equation total - sum(parts) = 0. With the shown cells moved to the right-hand side, the
    hidden cells are the unknowns, and one of them is given away exactly when it has the same value in every
    real solution. Whether that is so depends only on the coefficients, never on the shown values: the values
    decide what a derivable cell comes out as, not whether it comes out. They are taken for checking the keys.
    """
    relations = _checked(values, relations)
    _check_cells(values, hidden, "hidden")
    elimination = _Elimination(relations)
    for cell in sorted(set(hidden)):
        elimination.hide(cell)
    return frozenset(elimination.derivable)


def protect(
    values: Mapping[str, int],
    relations: Iterable[Relation],
    *,
    threshold: int,
    public: Collection[str] = (),
    cost: Mapping[str, int] | None = None,
) -> frozenset[str]:
    """Primary plus secondary suppression: the cells to hide so that derivable(...) of them is empty.

    `cost` ranks what a cell is worth to the reader (default 0): among the cells that would protect a hidden
    one, the cheapest is hidden first, so that a report gives up a detail before a headline figure.

    After the small counts, cells are hidden one at a time: while some hidden cell is derivable, one more cell of
    a relation that gives it away is hidden (`_Suppression` says which). Every step hides a cell, so the loop
    ends; the elimination is carried along rather than redone, so a step costs little.

    Some cells are given away by the public figures and the relations alone, with every other cell hidden (a
    part of a table whose total and other parts are all public). Hiding one of those is never any use, so they
    are never chosen; a small count among them cannot be protected at all, and raises ValueError.
    """
    relations = _checked(values, relations)
    public = frozenset(public)
    small = primary(values, threshold=threshold, public=public)
    pinned = derivable(values, relations, values.keys() - public)
    if unprotectable := sorted(small & pinned):
        raise ValueError(f"{', '.join(unprotectable)} follow from the public figures alone and cannot be hidden")
    suppression = _Suppression(values, relations, fixed=public | pinned, cost=cost or {})
    for cell in sorted(small):
        suppression.hide(cell)
    while suppression.elimination.derivable:
        suppression.hide(suppression.next_cell())
    return _give_back(values, relations, suppression.hidden, small=small, cost=cost or {})


def _give_back(
    values: Mapping[str, int],
    relations: list[Relation],
    hidden: set[str],
    *,
    small: frozenset[str],
    cost: Mapping[str, int],
) -> frozenset[str]:
    """The hidden cells less those that turned out not to be needed.

    A cell hidden early to protect one small count can be made unnecessary by cells hidden later for another:
    each secondary cell, the most valuable first, is shown again when nothing hidden becomes derivable without
    it. What stays hidden still protects every small count, and no cell is hidden that could be shown.
    """
    kept = set(hidden)
    # A hidden zero tells the reader next to nothing: only counts are worth the work of giving back.
    worth = [key for key in hidden - small if values[key]]
    for cell in sorted(worth, key=lambda key: (-cost.get(key, 0), -values[key], key)):
        if not derivable(values, relations, kept - {cell}):
            kept.discard(cell)
    return frozenset(kept)


def check_relations(values: Mapping[str, int], relations: Iterable[Relation]) -> list[Relation]:
    """The relations whose values do not add up: a report whose tables do not reconcile would mislead the adversary
    test, since it assumes the relations hold."""
    return [
        relation
        for relation in _checked(values, relations)
        if values[relation.total] != sum(values[part] for part in relation.parts)
    ]


# --- The linear algebra -----------------------------------------------------------------------------------


class _Elimination:
    """Gauss-Jordan elimination of the relations over the hidden cells, taking the hidden cells one at a time.

    A hidden cell x is given away exactly when the unit vector e_x lies in the row space of the relations'
    coefficients over the hidden cells: some combination of the equations leaves x alone. In reduced row
    echelon form that means x's column is a pivot and its row holds no free (non-pivot) column.

    Adding the cells as columns one at a time keeps that form cheaply, which is what `protect` needs: it
    hides one cell after another and asks again each time. Each reduced row is kept only as the combination
    of relations it was made from (`_combinations`), so a new column's entries are those combinations applied
    to the column. If the new column has an entry in a row that is still all zeros, it becomes that row's
    pivot and is itself given away; clearing it from the other rows changes nothing else in them, since the
    pivot row held nothing before. Otherwise the column is free, and every pivot whose row it enters stops
    being given away, for good: rows only ever gain free entries. So the rows themselves need not be kept, only
    which pivots are still alone in theirs.

    Rows with relations whose cells are all shown would stay zero; a relation gets its row when its first
    hidden cell arrives. Arithmetic is exact (`Fraction`): a rounding error would decide disclosure.
    """

    def __init__(self, relations: list[Relation]) -> None:
        self._coefficients: dict[str, dict[int, int]] = defaultdict(dict)
        for index, relation in enumerate(relations):
            row: dict[str, int] = defaultdict(int)
            row[relation.total] += 1
            for part in relation.parts:
                row[part] -= 1
            # A cell that is both the total and a part cancels: it is not in the equation.
            for key, coefficient in row.items():
                if coefficient:
                    self._coefficients[key][index] = coefficient
        self._has_row: set[int] = set()
        self._combinations: list[dict[int, Fraction]] = []
        self._rows_using: dict[int, set[int]] = defaultdict(set)
        self._pivots: dict[int, str] = {}
        self.derivable: set[str] = set()

    def hide(self, cell: str) -> None:
        coefficients = self._coefficients.get(cell, {})
        for relation in coefficients:
            if relation not in self._has_row:
                self._has_row.add(relation)
                self._rows_using[relation].add(len(self._combinations))
                self._combinations.append({relation: Fraction(1)})
        entries: dict[int, Fraction] = defaultdict(Fraction)
        for relation, coefficient in coefficients.items():
            for row in self._rows_using[relation]:
                entries[row] += self._combinations[row][relation] * coefficient
        entries = {row: entry for row, entry in entries.items() if entry}
        empty = [row for row in entries if row not in self._pivots]
        if not empty:
            for row in entries:
                self.derivable.discard(self._pivots[row])
            return
        # The shortest combination as pivot row fills the others in least; the index makes runs agree.
        pivot = min(empty, key=lambda row: (len(self._combinations[row]), row))
        scale = entries.pop(pivot)
        pivot_combination = {relation: factor / scale for relation, factor in self._combinations[pivot].items()}
        self._combinations[pivot] = pivot_combination
        for row, entry in entries.items():
            combination = self._combinations[row]
            for relation, factor in pivot_combination.items():
                reduced = combination.get(relation, 0) - entry * factor
                if reduced:
                    combination[relation] = reduced
                    self._rows_using[relation].add(row)
                else:
                    # A sum that cancels was there: entry and factor are never zero, so a missing relation
                    # would leave a non-zero `reduced`.
                    del combination[relation]
                    self._rows_using[relation].discard(row)
        self._pivots[pivot] = cell
        self.derivable.add(cell)


# --- Choosing the next cell to hide -----------------------------------------------------------------------


class _Suppression:
    """The cells hidden so far, and the choice of the next one.

    `fixed` cells are never hidden: the public ones, and those the public figures give away whatever is hidden.
    """

    def __init__(
        self, values: Mapping[str, int], relations: list[Relation], *, fixed: frozenset[str], cost: Mapping[str, int]
    ) -> None:
        self.values = values
        self.cost = cost
        self.relations = relations
        self.fixed = fixed
        self.hidden: set[str] = set()
        self.elimination = _Elimination(relations)
        self.containing: dict[str, list[int]] = defaultdict(list)
        for index, relation in enumerate(relations):
            for key in dict.fromkeys((*relation.parts, relation.total)):
                self.containing[key].append(index)
        self.hidden_in = [0] * len(relations)

    def hide(self, cell: str) -> None:
        self.hidden.add(cell)
        self.elimination.hide(cell)
        for index in self.containing[cell]:
            self.hidden_in[index] += 1

    def next_cell(self) -> str:
        """The cell to hide next, for the derivable cell most plainly given away.

        That is one that is the only hidden cell of some relation, so that subtraction alone reads it off; ties
        in key order. Taking those first lets one hidden cell answer for two: in a table with row and column
        totals, the partners of a small cell in its row and its column are both read off this way, and their
        own column and row then share the fourth cell that closes the rectangle.
        """
        cell = min(
            self.elimination.derivable,
            key=lambda key: (min(self.hidden_in[index] for index in self.containing[key]), key),
        )
        return self._partner(cell)

    def _partner(self, cell: str) -> str:
        """The cell to hide so that `cell`, which is derivable, stops being so.

        The relations that hold `cell` come first, the one with the fewest hidden cells before the others (it
        is most likely the one that gives the cell away), ties in the order the caller gave. In the first
        relation with a cell that is shown and not fixed, the cell hidden is the one that costs the reader
        least: the lowest `cost`, then the smallest count, a part before the total when the values tie, then key
        order. A zero goes first: it tells the reader least. It also protects least, since the small count is then
        bounded by the difference; a zero the reader knows for certain from outside the report (nobody is still
        in a track that has ended) protects nothing, and the caller passes such cells as `public`.

        When every cell of those relations is already hidden or fixed, the cell is still given away through the
        hidden cells it shares them with, so the search widens to their relations, layer by layer. It cannot
        run out: then the cell would follow from fixed cells alone, and `protect` hides no such cell.
        """
        seen_cells = {cell}
        seen_relations: set[int] = set()
        frontier = [cell]
        while frontier:
            layer = sorted(
                {index for key in frontier for index in self.containing[key]} - seen_relations,
                key=lambda index: (self.hidden_in[index], index),
            )
            seen_relations.update(layer)
            for index in layer:
                relation = self.relations[index]
                candidates = [
                    (self.cost.get(key, 0), self.values[key], is_total, key)
                    for key, is_total in [*((part, False) for part in relation.parts), (relation.total, True)]
                    if key not in self.hidden and key not in self.fixed
                ]
                if candidates:
                    return min(candidates)[-1]
            reached = {
                key
                for index in layer
                for key in (self.relations[index].total, *self.relations[index].parts)
                if key in self.hidden and key not in seen_cells
            }
            seen_cells.update(reached)
            frontier = sorted(reached)
        raise RuntimeError(f"{cell!r} is given away by fixed cells alone, yet it was hidden")


# --- Checking the caller's input --------------------------------------------------------------------------


def _checked(values: Mapping[str, int], relations: Iterable[Relation]) -> list[Relation]:
    """The relations as a list, after making sure each of their keys is a cell and no count is negative.

    Either would be a mistake in the code that builds the report's tables, not in the data.
    """
    relations = list(relations)
    for relation in relations:
        _check_cells(values, (relation.total, *relation.parts), f"the relation for {relation.total!r}")
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"{key!r} is negative ({value}); a count of people cannot be")
    return relations


def _check_cells(values: Mapping[str, int], keys: Iterable[str], where: str) -> None:
    for key in keys:
        if key not in values:
            raise ValueError(f"{where} names {key!r}, which is not among the values")
