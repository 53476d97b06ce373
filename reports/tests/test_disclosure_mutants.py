"""Cell suppression (reports.disclosure): the behaviour the mutation run (make mutate, docs/mutation.md) found untested.

test_disclosure.py checks protect against two adversaries over many drawn tables; these pin down what those draws
seldom reach: a cell counted twice in a sum, the order in which hidden cells are shown again, the choice between a
part and a total of the same table, costs left out, and what the errors say.
"""

import pytest

from reports.disclosure import Relation, _Suppression, derivable, primary, protect

# --- What the errors say ------------------------------------------------------------------------------------------


def test_primary_says_which_argument_names_an_unknown_cell():
    with pytest.raises(ValueError, match=r"^public names 'seats', which is not among the values$"):
        primary({"a": 1}, threshold=5, public={"seats"})


def test_derivable_says_which_argument_names_an_unknown_cell():
    values = {"total": 3, "a": 3}

    with pytest.raises(ValueError, match=r"^hidden names 'gone', which is not among the values$"):
        derivable(values, [Relation("total", ("a",))], {"gone"})
    with pytest.raises(ValueError, match=r"^the relation for 'total' names 'missing', which is not among the values$"):
        derivable(values, [Relation("total", ("a", "missing"))], {"a"})


def test_protect_names_every_small_count_the_public_figures_give_away():
    # Places offered and filled are public in both tables, so the open places follow from them alone.
    values = {"offered_a": 9, "filled_a": 7, "open_a": 2, "offered_b": 8, "filled_b": 5, "open_b": 3}
    relations = [Relation("offered_a", ("filled_a", "open_a")), Relation("offered_b", ("filled_b", "open_b"))]
    public = {"offered_a", "filled_a", "offered_b", "filled_b"}

    with pytest.raises(ValueError, match=r"^open_a, open_b follow from the public figures alone and cannot be hidden$"):
        protect(values, relations, threshold=5, public=public)


# --- A cell counted twice -----------------------------------------------------------------------------------------


def test_a_count_that_appears_twice_in_a_shown_sum_is_worked_out_by_halving_it():
    # double = small + small gives small away whatever else is hidden; the other table, with two hidden cells, does
    # not give its other cells away.
    values = {"small": 3, "other": 4, "sum": 7, "double": 6}
    relations = [Relation("sum", ("small", "other")), Relation("double", ("small", "small"))]

    assert derivable(values, relations, {"small", "other", "sum"}) == {"small"}


def test_the_same_sum_written_two_ways_gives_nothing_more_away():
    # copy = a, and both totals say 2a + b: two unknowns a and b and one equation between them.
    values = {"a": 2, "b": 3, "copy": 2, "via_copy": 7, "twice": 7}
    relations = [
        Relation("copy", ("a",)),
        Relation("via_copy", ("a", "b", "copy")),
        Relation("twice", ("a", "a", "b")),
    ]

    assert derivable(values, relations, {"a", "b", "copy"}) == frozenset()


def test_a_count_shown_twice_does_not_give_away_a_partner_that_appears_twice_in_a_hidden_sum():
    values = {"a": 2, "b": 3, "sum": 5, "copy_1": 2, "copy_2": 2, "double_b": 6}
    relations = [
        Relation("sum", ("a", "b")),
        Relation("copy_1", ("a",)),
        Relation("copy_2", ("a",)),
        Relation("double_b", ("b", "b")),
    ]

    assert derivable(values, relations, {"a", "b", "sum", "double_b"}) == {"a"}


def test_a_count_worked_out_from_another_worked_out_count_is_given_away_too():
    # a is shown as its copy, so b follows from a + b and its own copy from b; c stays hidden beside a.
    values = {"a": 2, "b": 3, "c": 4, "copy_of_b": 3, "total_a_c": 6, "copy_of_a": 2, "total_a_b": 5}
    relations = [
        Relation("copy_of_b", ("b",)),
        Relation("total_a_c", ("a", "c")),
        Relation("copy_of_a", ("a",)),
        Relation("total_a_b", ("a", "b")),
    ]

    assert derivable(values, relations, {"a", "b", "c", "copy_of_b", "total_a_c"}) == {"a", "b", "copy_of_b"}


# --- Which cell protects a small count ----------------------------------------------------------------------------


def _two_by_two(rows):
    """A table of two rows and two columns with its row, column and grand totals."""
    values = {f"r{i}c{j}": count for i, row in enumerate(rows, 1) for j, count in enumerate(row, 1)}
    values |= {f"r{i}": sum(row) for i, row in enumerate(rows, 1)}
    values |= {f"c{j}": sum(row[j - 1] for row in rows) for j in (1, 2)}
    values["all"] = sum(map(sum, rows))
    relations = [Relation(f"r{i}", (f"r{i}c1", f"r{i}c2")) for i in (1, 2)]
    relations += [Relation(f"c{j}", (f"r1c{j}", f"r2c{j}")) for j in (1, 2)]
    relations += [Relation("all", ("r1", "r2")), Relation("all", ("c1", "c2"))]
    return values, relations


def test_the_inner_cells_of_a_table_are_hidden_before_its_totals():
    #        c1  c2 | row
    #   r1    0   0 |   0
    #   r2    1   3 |   4
    #   col   1   3 |   4
    # The one is hidden with its column total (also one); the zeros of the first row close the rectangle, and the
    # inner cells rather than the row totals and the grand total take the remaining places, as the values tie.
    values, relations = _two_by_two([(0, 0), (1, 3)])

    hidden = protect(values, relations, threshold=3)

    assert hidden == {"r2c1", "c1", "r1c1", "r1c2", "r2c2", "c2"}
    assert not derivable(values, relations, hidden)


def test_a_cost_of_zero_is_the_same_as_no_cost():
    values, relations = _two_by_two([(0, 0), (1, 3)])

    assert protect(values, relations, threshold=3, cost={"all": 0}) == protect(values, relations, threshold=3)


def test_the_search_for_a_partner_goes_beyond_public_totals_only_through_hidden_cells():
    # a + b and a + c are public, b + c is shown. Once a, b and c are hidden, the three sums still give all three
    # away, and every table of a holds only public and hidden cells: the search goes on through b and c, to b + c.
    # The public a + b is also the total of another table, d + e, which does not give a away: it stays shown.
    values = {"a": 1, "b": 4, "c": 5, "a_b": 5, "a_c": 6, "b_c": 9, "d": 2, "e": 3}
    relations = [
        Relation("a_b", ("a", "b")),
        Relation("b_c", ("b", "c")),
        Relation("a_c", ("a", "c")),
        Relation("a_b", ("d", "e")),
    ]

    assert protect(values, relations, threshold=2, public={"a_b", "a_c"}) == {"a", "b", "c", "b_c"}


# --- Hidden cells shown again -------------------------------------------------------------------------------------

# Positive outflow and all outcomes, the second adding the one without an outcome (none: 1, a small count). Read
# as outcomes - positive, the one gives itself away, so the outcomes recorded are hidden too; on its way protect
# also hides a zero and both counts of the positive outflow, of which one may be shown again.
OUTCOMES = {"bbl": 0, "job": 3, "school": 4, "none": 1, "positive": 7, "outcomes": 8}
OUTCOME_TABLES = [
    Relation("positive", ("bbl", "job", "school")),
    Relation("outcomes", ("bbl", "job", "school", "none")),
]


def test_of_two_hidden_counts_either_of_which_may_be_shown_the_larger_is():
    hidden = protect(OUTCOMES, OUTCOME_TABLES, threshold=3)

    assert hidden == {"none", "outcomes", "bbl", "job"}
    assert not derivable(OUTCOMES, OUTCOME_TABLES, hidden)


def test_of_two_equal_hidden_counts_either_of_which_may_be_shown_the_costlier_is():
    # total = subtotal + small + zero and subtotal = zero + members, the zero repeated in a table of zeros. protect
    # hides the small count, the zeros, the subtotal and the members; then either of the last two may be shown
    # again, not both. They are equal, so without costs the first by name is (members); a cost puts the subtotal first.
    values = {
        "total": 4,
        "subtotal": 3,
        "small": 1,
        "members": 3,
        "zero": 0,
        "zero_copy": 0,
        "other_zero": 0,
        "zeros": 0,
    }
    relations = [
        Relation("total", ("subtotal", "small", "zero")),
        Relation("subtotal", ("zero", "members")),
        Relation("zero_copy", ("zero",)),
        Relation("zeros", ("zero", "other_zero", "zero_copy")),
    ]
    zeros = {"zero", "zero_copy", "other_zero"}

    assert protect(values, relations, threshold=3) == {"small", "subtotal", *zeros}
    assert protect(values, relations, threshold=3, cost={"subtotal": 1}) == {"small", "members", *zeros}


def test_a_zero_hidden_on_the_way_stays_hidden():
    #        c1  c2  c3 | row
    #   r1    0   0   0 |   0
    #   r2    0   0   1 |   1
    #   r3    0   1   2 |   3
    #   col   0   1   3 |   4
    # Showing the zero in the first row's second column again would give nothing away, but would tell the reader
    # nothing either: only counts are worth the work of showing them again.
    rows = {"r1": (0, 0, 0), "r2": (0, 0, 1), "r3": (0, 1, 2)}
    values = {f"{row}c{j}": count for row, counts in rows.items() for j, count in enumerate(counts, 1)}
    values |= {row: sum(counts) for row, counts in rows.items()}
    values |= {f"c{j}": sum(counts[j - 1] for counts in rows.values()) for j in (1, 2, 3)}
    values["all"] = 4
    relations = [Relation(row, tuple(f"{row}c{j}" for j in (1, 2, 3))) for row in rows]
    relations += [Relation(f"c{j}", tuple(f"{row}c{j}" for row in rows)) for j in (1, 2, 3)]
    relations += [Relation("all", tuple(rows)), Relation("all", ("c1", "c2", "c3"))]

    hidden = protect(values, relations, threshold=3)

    assert hidden == {"r2c3", "r3c2", "r3c3", "r2", "c2", "r1", "c1", "r1c1", "r1c2"}


def test_a_partner_search_that_runs_out_names_the_cell_it_could_not_protect():
    # protect never gets here (it refuses cells the public figures give away before it starts); the message is
    # what an administrator reads if that guard ever breaks, so it must name the cell.
    search = _Suppression(
        {"a": 1, "b": 1, "total": 2},
        [Relation("total", ("a", "b"))],
        fixed=frozenset({"b", "total"}),
        cost={},
    )
    search.hide("a")

    with pytest.raises(RuntimeError, match=r"^'a' is given away by fixed cells alone, yet it was hidden$"):
        search._partner("a")
