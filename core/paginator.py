"""A paginator for long lists whose order has an index: a far page costs what the first page costs."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
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
