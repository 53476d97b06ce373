"""A paginator for long lists whose order has an index: a far page costs what the first page costs."""

from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django_tables2.rows import BoundRows


class IdsFirstPaginator(Paginator):
    """Reads a page's primary keys first, which the database walks in the index of the list's order without
    touching the rows it skips (or sorts without carrying every column), and then the rows of that page only,
    with the list's joins and annotations.

    A page nearer the end is read from the end, in the reverse order. For a queryset with an order that names
    every row once (ending in the primary key); the page holds its rows in the list's order.
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.ordered_queryset()
        if bottom > self.count - top and queryset.ordered:
            # Nearer the end than the start: read it from the end, in the reverse order, so that the last page
            # costs what the first one costs.
            ids = list(queryset.reverse().values_list("pk", flat=True)[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return self._get_page(self.page_rows([rows[pk] for pk in ids if pk in rows]), number, self)  # type: ignore[attr-defined]

    def ordered_queryset(self) -> QuerySet:
        return self.object_list  # type: ignore[return-value]

    def page_rows(self, rows: list):
        return rows


class TableIdsFirstPaginator(IdsFirstPaginator):
    """The same for a django-tables2 table of a queryset: `table.paginate(paginator_class=...)`."""

    def ordered_queryset(self) -> QuerySet:
        rows: Any = self.object_list  # the table's rows (BoundRows) over its sorted queryset
        return rows.data.data

    def page_rows(self, rows: list):
        table_rows: Any = self.object_list
        return BoundRows(rows, table=table_rows.table)


def counted_page(rows: QuerySet, number: object, per_page: int) -> Page:
    """A page of an ordered list with the list's length, in one query however long the list: each row carries the
    length of the whole list (COUNT(*) OVER ()), so the paginator asks no count of its own and an empty list reads
    as often as a long one. A number that is no number gives the first page; one past the end, the last (as
    Paginator.get_page does), with a count and a second read in that case only."""
    try:
        wanted = max(int(str(number)), 1)
    except ValueError:
        wanted = 1
    counted = rows.annotate(list_length=Window(Count("pk")))
    found = list(counted[(wanted - 1) * per_page : wanted * per_page])
    length = found[0].list_length if found else 0
    if not found and wanted > 1:
        length = rows.count()
        wanted = max(ceil(length / per_page), 1)
        found = list(counted[(wanted - 1) * per_page : wanted * per_page])
    paginator = Paginator(rows, per_page)
    paginator.count = length  # known already  # type: ignore[misc]  # a cached_property set by hand
    return Page(found, wanted, paginator)
