"""`__any_of`: "the value is one of these", with the values bound as one parameter.

The access policy filters listings by the tree paths of every rule a user fails: a few hundred on a
large portal. Django's `__in` makes one parameter per value, each prepared and bound on its own, which
cost more than the query itself; as one array (PostgreSQL) or one JSON list (SQLite) the condition is
built, sent and planned in the same time whatever the number of values. The portal runs on these two
databases only; on another, Django reports the lookup as unsupported.
"""

from __future__ import annotations

import json

from django.db.models import CharField, Lookup


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # the values are compared as they are: strings, no per-value preparation

    def _values(self) -> list[str]:
        return [str(value) for value in self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::text[])", [*params, self._values()]

    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - lhs is compiled SQL
        return sql, [*params, json.dumps(self._values())]
