"""core.paginator: a page read by its ids first holds the same rows, in the same order, as a plain page."""

import pytest
from django.core.paginator import Paginator

from core.models import User
from core.paginator import IdsFirstPaginator
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
