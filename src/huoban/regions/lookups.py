"""``under``: a materialised path lies under a prefix path (the region itself included).

Paths are ASCII digits and slashes, so "starts with P" is the same as the binary range
``P <= x < P'`` where ``P'`` is P with its last character incremented. SQLite compiles
``startswith`` to a case-insensitive ``LIKE`` that no index serves, so there the lookup is
written as that range; PostgreSQL's collation may not order by bytes, so there it stays
``LIKE 'P%'``, which its planner handles well.
"""

from __future__ import annotations

from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith


class Under(Lookup):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, str) or not self.rhs:
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", (*lhs_params, self.rhs, upper)


def register() -> None:
    CharField.register_lookup(Under)
