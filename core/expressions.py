"""Query expressions the ORM does not have."""

from django.db.models import BooleanField, Expression, F, QuerySet, Subquery


class InSubqueryArray(Expression):
    """A condition: the column's value is one of the subquery's, as `column = ANY(ARRAY(subquery))` on
    PostgreSQL and `column IN (subquery)` elsewhere; the same rows either way.

    PostgreSQL plans `IN (subquery)` as a join and, for a subquery of a thousand rows (an adviser's candidates),
    often hashes the whole outer table to find them: every enrolment of the region to keep an adviser's few.
    ARRAY(...) runs the subquery once, before the query, and hands its values to the index of the column.
    For a positive filter only: the two differ under NOT when the subquery gives a NULL.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str | Expression, subquery: QuerySet) -> None:
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.subquery = Subquery(subquery)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)  # "(SELECT ...)"
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (column, subquery), (*column_params, *subquery_params)
