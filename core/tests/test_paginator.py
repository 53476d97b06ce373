"""core.paginator: a page read by its ids first holds the same rows, in the same order, as a plain page."""

import pytest
from django.core.paginator import Paginator

from core.models import User
from core.paginator import IdsFirstPaginator, counted_page
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("per_page, orphans", [(3, 0), (4, 2), (20, 0)])
def test_every_page_holds_the_rows_of_a_plain_page(per_page, orphans):
    for number in range(11):
        UserFactory(username=f"user-{number % 4}-{number}", last_name=f"Name {number % 3}")
    users = User.objects.order_by("last_name", "pk")
    plain = Paginator(users, per_page, orphans=orphans)
    ids_first = IdsFirstPaginator(users, per_page, orphans=orphans)

    assert ids_first.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(ids_first.page(number)) == list(plain.page(number))


def test_the_last_page_is_read_from_the_end_in_two_queries(django_assert_num_queries):
    for number in range(10):
        UserFactory(username=f"user-{number}")
    paginator = IdsFirstPaginator(User.objects.order_by("-username", "pk"), 4)
    assert paginator.count == 10

    with django_assert_num_queries(2):
        last = paginator.page(3)

    assert [user.username for user in last] == ["user-1", "user-0"]


# --- A page of a list with its total in one query ------------------------------------------------------------


@pytest.mark.parametrize(("asked", "number", "rows"), [("2", 2, 2), ("9", 2, 2), ("nonsense", 1, 3), (None, 1, 3)])
def test_a_counted_page_reads_the_page_and_the_total_and_a_page_past_the_end_gives_the_last(
    asked, number, rows, django_assert_num_queries
):
    for number_made in range(5):
        UserFactory(username=f"user-{number_made}")
    users = User.objects.order_by("pk")

    with django_assert_num_queries(1 if number == 1 or asked == "2" else 3):
        page = counted_page(users, asked, 3)

    assert (page.number, len(page.object_list), page.paginator.count, page.paginator.num_pages) == (number, rows, 5, 2)
    assert list(page.object_list) == list(users)[(number - 1) * 3 : number * 3]


def test_a_counted_page_of_an_empty_list_counts_nothing(django_assert_num_queries):
    with django_assert_num_queries(1):
        page = counted_page(User.objects.filter(username="nobody").order_by("pk"), "1", 3)

    assert (page.number, list(page.object_list), page.paginator.count) == (1, [], 0)
