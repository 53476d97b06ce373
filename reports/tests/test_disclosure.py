from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import Relation, check_relations, derivable, primary, protect

# --- A second adversary, by another method -----------------------------------------------------------------
#
# `derivable` reduces the system to echelon form. This one asks the question from the other side: a hidden cell
# is given away exactly when its column is not a combination of the other hidden cells' columns, that is when
# dropping the column lowers the rank. Dense matrices and a plain rank, slow and obvious.


def _rank(matrix):
    rows = [list(row) for row in matrix if any(row)]
    rank = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(rank + 1, len(rows)):
            if rows[i][column]:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def _given_away(relations, hidden):
    columns = sorted(hidden)
    matrix = [
        [Fraction((relation.total == cell) - relation.parts.count(cell)) for cell in columns] for relation in relations
    ]
    full = _rank(matrix)
    return {
        cell
        for index, cell in enumerate(columns)
        if _rank([row[:index] + row[index + 1 :] for row in matrix]) == full - 1
    }


def _assert_protected(values, relations, *, threshold, public=frozenset()):
    """Either protect's answer holds up against both adversaries, or nothing could have protected the small counts."""
    small = primary(values, threshold=threshold, public=public)
    try:
        hidden = protect(values, relations, threshold=threshold, public=public)
    except ValueError:
        everything = set(values) - set(public)
        assert small & _given_away(relations, everything)
        return None
    assert small <= hidden
    assert not hidden & set(public)
    assert derivable(values, relations, hidden) == frozenset()
    assert _given_away(relations, hidden) == set()
    assert protect(values, relations, threshold=threshold, public=public) == hidden
    reordered = dict(reversed(values.items()))
    assert protect(reordered, relations, threshold=threshold, public=public) == hidden
    return hidden


# --- Primary suppression ------------------------------------------------------------------------------------


def test_primary_hides_counts_from_one_up_to_the_threshold():
    values = {"none": 0, "one": 1, "four": 4, "five": 5, "places": 2}

    assert primary(values, threshold=5, public={"places"}) == {"one", "four"}
    assert primary(values, threshold=6) == {"one", "four", "five", "places"}


def test_primary_refuses_a_public_key_that_is_not_a_cell():
    with pytest.raises(ValueError, match="'seats'"):
        primary({"a": 1}, threshold=5, public={"seats"})


# --- The adversary ------------------------------------------------------------------------------------------


def test_a_small_part_of_a_table_is_derivable_until_a_second_cell_is_hidden():
    values = {"total": 20, "a": 2, "b": 8, "c": 10}
    relations = [Relation("total", ("a", "b", "c"))]

    assert derivable(values, relations, primary(values, threshold=5)) == {"a"}

    hidden = protect(values, relations, threshold=5)

    assert hidden == {"a", "b"}
    assert derivable(values, relations, hidden) == frozenset()


def test_a_cell_that_appears_twice_counts_twice():
    values = {"sum": 5, "weighted": 8, "single": 3, "other": 2, "both": 3, "rest": 0}
    relations = [Relation("sum", ("single", "other")), Relation("weighted", ("single", "single", "other"))]

    # Counted once, the second relation would repeat the first and leave both cells free.
    assert derivable(values, relations, {"single", "other"}) == {"single", "other"}
    # both = both + rest says rest is zero and nothing about both.
    assert derivable(values, [Relation("both", ("both", "rest"))], {"both", "rest"}) == {"rest"}


def test_a_relation_without_hidden_cells_gives_nothing_away():
    values = {"total": 10, "a": 6, "b": 4, "other": 3}

    assert derivable(values, [Relation("total", ("a", "b"))], {"other"}) == frozenset()


def test_the_relations_name_only_cells():
    values = {"total": 3, "a": 3}
    relations = [Relation("total", ("a", "missing"))]

    with pytest.raises(ValueError, match="'missing'"):
        derivable(values, relations, {"a"})
    with pytest.raises(ValueError, match="'missing'"):
        protect(values, relations, threshold=5)
    with pytest.raises(ValueError, match="'missing'"):
        check_relations(values, relations)
    with pytest.raises(ValueError, match="'gone'"):
        derivable(values, [], {"gone"})


def test_a_relation_needs_parts():
    with pytest.raises(ValueError, match="'total'"):
        Relation("total", ())


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="'a'"):
        protect({"total": 1, "a": -1, "b": 2}, [Relation("total", ("a", "b"))], threshold=5)


def test_check_relations_names_the_tables_that_do_not_add_up():
    values = {"started": 11, "completed": 10, "dropped": 1, "outflow": 9, "work": 4, "school": 4}
    wrong = Relation("outflow", ("work", "school"))

    assert check_relations(values, [Relation("started", ("completed", "dropped")), wrong]) == [wrong]


# --- The attacks the report has to withstand -----------------------------------------------------------------


def test_outflow_hides_the_one_elsewhere_and_the_partner_that_tells_least():
    # 45 outflow = 44 at the host + 1 elsewhere + 0 education: hiding the zero beside the one leaves 45 - 44 = 1
    # for the two together, and the 44 at the host in view.
    values = {"outflow": 45, "at_host": 44, "elsewhere": 1, "education": 0}
    relations = [Relation("outflow", ("at_host", "elsewhere", "education"))]

    assert _assert_protected(values, relations, threshold=5) == {"elsewhere", "education"}


def test_a_zero_known_from_outside_the_report_is_no_partner():
    # Nobody is still in a track that has ended: that zero is public, and the completed count goes instead.
    values = {"started": 11, "completed": 9, "dropped": 2, "in_track": 0}
    relations = [Relation("started", ("completed", "dropped", "in_track"))]

    assert _assert_protected(values, relations, threshold=5, public={"in_track"}) == {"dropped", "completed"}
    assert protect(values, relations, threshold=5) == {"dropped", "in_track"}


def test_dropout_reasons_do_not_give_the_one_dropout_away():
    values = {"started": 11, "completed": 10, "dropped": 1, "family": 1, "health": 0, "other": 0}
    relations = [Relation("started", ("completed", "dropped")), Relation("dropped", ("family", "health", "other"))]

    assert derivable(values, relations, {"dropped", "family"}) == {"dropped", "family"}

    hidden = _assert_protected(values, relations, threshold=5)

    assert hidden == {"dropped", "family", "completed"}


def test_a_total_whose_own_table_is_all_hidden_is_protected_through_another_table():
    # Dropped is the sum of the reasons in its own table, and also what started minus completed leaves in the
    # funnel, which lists the reasons inline. Its own table offers no cell to hide; the funnel does.
    values = {"dropped": 2, "family": 1, "health": 1, "started": 12, "completed": 10}
    relations = [Relation("dropped", ("family", "health")), Relation("started", ("completed", "family", "health"))]

    assert derivable(values, relations, {"dropped", "family", "health"}) == {"dropped"}

    hidden = _assert_protected(values, relations, threshold=5)

    assert hidden == {"dropped", "family", "health", "completed"}


def test_a_part_is_hidden_before_a_total_of_the_same_value():
    # The small count's partner is a hidden zero, which the second table gives away; there the only other part
    # equals the total, and the part goes.
    values = {"places": 2, "filled": 2, "open": 0, "total": 7, "others": 7}
    relations = [Relation("places", ("filled", "open")), Relation("total", ("open", "others"))]

    hidden = _assert_protected(values, relations, threshold=5, public={"places"})

    assert hidden == {"filled", "open", "others"}


def test_a_host_total_row_does_not_give_the_small_host_away():
    values = {"total": 7, "host_a": 5, "host_b": 2}

    assert _assert_protected(values, [Relation("total", ("host_a", "host_b"))], threshold=5) == {"host_a", "host_b"}


def test_a_small_inner_cell_of_a_table_with_margins_hides_a_rectangle():
    #         c1  c2   c3 | row
    #   r1     2  20   30 |  52
    #   r2    15   6   40 |  61
    #   r3    25  25   35 |  85
    #   col   42  51  105 | 198
    grid = {"r1": (2, 20, 30), "r2": (15, 6, 40), "r3": (25, 25, 35)}
    values, relations = _table(grid)

    hidden = _assert_protected(values, relations, threshold=5)

    assert hidden == {"r1c1", "r1c2", "r2c1", "r2c2"}


def test_a_figure_shown_in_two_tables_is_protected_in_both():
    # Table one splits the starters by track; table two splits the work-study track by host.
    values = {"started": 30, "short": 2, "workstudy": 12, "regular": 16, "host_a": 5, "host_b": 7}
    relations = [Relation("started", ("short", "workstudy", "regular")), Relation("workstudy", ("host_a", "host_b"))]

    # Hiding the work-study count in table one alone is undone by table two.
    assert derivable(values, relations[:1], {"short", "workstudy"}) == frozenset()
    assert derivable(values, relations, {"short", "workstudy"}) == {"short", "workstudy"}

    hidden = _assert_protected(values, relations, threshold=5)

    assert hidden == {"short", "workstudy", "host_a"}


def test_the_same_figure_under_two_keys_is_hidden_under_both():
    values = {"started": 30, "short": 2, "workstudy": 12, "regular": 16, "hosts.workstudy": 12, "hosts.other": 18}
    relations = [
        Relation("started", ("short", "workstudy", "regular")),
        Relation("hosts.workstudy", ("workstudy",)),
        Relation("started", ("hosts.workstudy", "hosts.other")),
    ]

    hidden = _assert_protected(values, relations, threshold=5)

    assert {"short", "workstudy", "hosts.workstudy"} <= hidden


def test_per_cohort_figures_add_up_to_the_pilot():
    values = {"pilot": 40, "cohort_1": 3, "cohort_2": 17, "cohort_3": 20, "pilot_copy": 40}
    relations = [Relation("pilot", ("cohort_1", "cohort_2", "cohort_3")), Relation("pilot_copy", ("pilot",))]

    assert _assert_protected(values, relations, threshold=5) == {"cohort_1", "cohort_2"}


def test_places_offered_are_never_hidden_even_when_a_partner_is_needed():
    # Places offered are not about people: shown, so the small count's partner must be the other count.
    values = {"places": 9, "filled": 6, "open": 3}
    hidden = _assert_protected(values, [Relation("places", ("filled", "open"))], threshold=5, public={"places"})

    assert hidden == {"open", "filled"}


def test_a_small_count_given_away_by_public_figures_alone_cannot_be_protected():
    values = {"places": 9, "reserved": 6, "filled": 3}

    with pytest.raises(ValueError, match="filled"):
        protect(values, [Relation("places", ("reserved", "filled"))], threshold=5, public={"places", "reserved"})


def test_a_cell_the_public_figures_give_away_is_not_chosen_as_partner():
    # seats = used + free with both seats and free public: used is known whatever is hidden, so hiding it to
    # protect the small count beside it would be useless; the total of their table is hidden instead.
    values = {"seats": 20, "used": 12, "free": 8, "total": 15, "small": 3}
    relations = [Relation("seats", ("used", "free")), Relation("total", ("small", "used"))]

    hidden = _assert_protected(values, relations, threshold=5, public={"seats", "free"})

    assert hidden == {"small", "total"}


# --- Properties over many tables ------------------------------------------------------------------------------

COUNTS = st.one_of(st.integers(0, 4), st.integers(0, 30))


def _table(grid):
    """Cells r<i>c<j>, row totals r<i>, column totals c<j> and a grand total, with every margin's relation."""
    values = {}
    relations = []
    rows = sorted(grid)
    width = len(grid[rows[0]])
    for row in rows:
        for column, count in enumerate(grid[row], start=1):
            values[f"{row}c{column}"] = count
        values[row] = sum(grid[row])
        relations.append(Relation(row, tuple(f"{row}c{column}" for column in range(1, width + 1))))
    for column in range(1, width + 1):
        values[f"c{column}"] = sum(grid[row][column - 1] for row in rows)
        relations.append(Relation(f"c{column}", tuple(f"{row}c{column}" for row in rows)))
    values["all"] = sum(values[row] for row in rows)
    relations.append(Relation("all", tuple(rows)))
    relations.append(Relation("all", tuple(f"c{column}" for column in range(1, width + 1))))
    return values, relations


@st.composite
def tables(draw):
    height = draw(st.integers(2, 5))
    width = draw(st.integers(2, 5))
    grid = {f"r{row}": tuple(draw(st.lists(COUNTS, min_size=width, max_size=width))) for row in range(1, height + 1)}
    values, relations = _table(grid)
    public = draw(st.sets(st.sampled_from(sorted(values)), max_size=2))
    return values, relations, public


@st.composite
def nested(draw):
    """A breakdown tree, perhaps a second breakdown of the same leaves, and figures repeated in another table."""
    values = {}
    relations = []

    def node(depth):
        key = f"n{len(values)}"
        values[key] = 0
        if depth == 0 or (depth < 3 and draw(st.booleans())):
            values[key] = draw(COUNTS)
            return key, [key]
        children = [node(depth - 1) for _ in range(draw(st.integers(2, 3)))]
        values[key] = sum(values[child] for child, _ in children)
        relations.append(Relation(key, tuple(child for child, _ in children)))
        return key, [leaf for _, leaves in children for leaf in leaves]

    root, leaves = node(3)
    groups = draw(st.lists(st.integers(0, 2), min_size=len(leaves), max_size=len(leaves)))
    members = {group: [leaf for leaf, drawn in zip(leaves, groups, strict=True) if drawn == group] for group in groups}
    if len(members) > 1:
        for group, leaves_in_group in sorted(members.items()):
            values[f"g{group}"] = sum(values[leaf] for leaf in leaves_in_group)
            relations.append(Relation(f"g{group}", tuple(leaves_in_group)))
        relations.append(Relation(root, tuple(f"g{group}" for group in sorted(members))))
    for key in draw(st.sets(st.sampled_from(sorted(values)), max_size=2)):
        values[f"copy.{key}"] = values[key]
        relations.append(Relation(f"copy.{key}", (key,)))
    relations = draw(st.permutations(relations))
    public = draw(st.sets(st.sampled_from(sorted(values)), max_size=2))
    return values, relations, public


@settings(max_examples=150, deadline=None)
@given(tables())
def test_protect_leaves_nothing_derivable_in_tables_with_margins(table):
    values, relations, public = table
    assert check_relations(values, relations) == []

    _assert_protected(values, relations, threshold=5, public=public)


@settings(max_examples=150, deadline=None)
@given(nested())
def test_protect_leaves_nothing_derivable_in_nested_and_linked_tables(system):
    values, relations, public = system
    assert check_relations(values, relations) == []

    _assert_protected(values, relations, threshold=5, public=public)


@settings(max_examples=150, deadline=None)
@given(st.one_of(tables(), nested()), st.data())
def test_both_adversaries_agree_on_any_hidden_cells(system, data):
    values, relations, _ = system
    hidden = data.draw(st.sets(st.sampled_from(sorted(values))))

    assert derivable(values, relations, hidden) == _given_away(relations, hidden)


def test_a_costly_cell_is_kept_while_a_cheaper_one_protects_the_small_count():
    # Outflow: 16 outcomes, 14 contracts at the host, 2 none, no volunteer work. Without costs the small count's
    # partners reach the headline (positive outflow or the outcomes recorded); with those costly, details go.
    values = {"outcomes": 16, "contract": 14, "elsewhere": 0, "volunteer": 0, "none": 2, "positive": 14}
    relations = [
        Relation("outcomes", ("contract", "elsewhere", "volunteer", "none")),
        Relation("positive", ("contract", "elsewhere")),
    ]
    headline = {"positive": 3, "outcomes": 3}

    plain = protect(values, relations, threshold=5, cost={"contract": 3, "elsewhere": 3, "volunteer": 3})
    costed = protect(values, relations, threshold=5, cost=headline)

    assert plain & {"positive", "outcomes"}
    assert "none" in costed and not costed & {"positive", "outcomes"}
    assert not derivable(values, relations, costed)
