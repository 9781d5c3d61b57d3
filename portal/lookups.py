"""`__any_of`: "the value is one of these", with the values bound as one parameter.

The access policy filters listings by the tree paths of every rule a user fails: a few hundred on a
large portal. Django's `__in` makes one parameter per value, each prepared and bound on its own, which
cost more than the query itself; as one array (PostgreSQL) or one JSON list (SQLite) the condition is
built, sent and planned in the same time whatever the number of values. The portal runs on these two
databases only; on another, Django reports the lookup as unsupported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import CharField, Lookup


class Values:
    """The values of an `__any_of`, encoded once as the single parameter each database takes (an
    array literal for PostgreSQL, a JSON list for SQLite), however many listings of a request use
    them. A list would cost per value on every use: Django resolves each element of a list or tuple
    as a possible expression, and the driver quotes each element of an array."""

    def __init__(self, values: Iterable[object]) -> None:
        self.values = tuple(str(value) for value in values)
        self._array: str | None = None
        self._json: str | None = None

    def array(self) -> str:
        if self._array is None:
            quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in self.values)
            self._array = "{" + ",".join(quoted) + "}"
        return self._array

    def json(self) -> str:
        if self._json is None:
            self._json = json.dumps(self.values)
        return self._json


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # the values are compared as they are: strings, no per-value preparation

    def _values(self) -> Values:
        return self.rhs if isinstance(self.rhs, Values) else Values(self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::text[])", [*params, self._values().array()]

    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - lhs is compiled SQL
        return sql, [*params, self._values().json()]
