"""Answers kept across requests for exactly as long as the database says their inputs are unchanged.

The database keeps a change token per scope (`portal.models.ChangeToken`, a row each). Triggers on
every watched table (`watch`) replace their scope's token with a new random value in the same
statement, so in the same transaction, as any change that could alter a kept answer. The `content`
scope: access rules, their cohorts and nations, cohorts, memberships, officers' nations, the page
tree, and what other apps watch for it (the menu's tracks, sites, locales); a table written on every
publish and drain (the search outbox) has a scope of its own, so that its churn drops nothing else.
Triggers, not signals: treebeard moves pages with raw SQL, Django bulk-creates memberships, imports
update rows in bulk — none of them send signals.

`kept(key, compute, scope=…)` answers `compute()`, reusing what this process computed under the same
token of the scope.
Why a reused answer is never stale:
- the token is read before the data, so an answer is at least as new as its label;
- a token is random, never a counter: the token of a change that was rolled back never comes back,
  so an answer computed inside a transaction that rolled back is never reused;
- the tokens are read once per request (one query), and nothing is kept or reused inside a
  transaction (its own uncommitted changes may be what it reads; it may roll back): in autocommit a
  change the request made is committed at once, and its new token is what every other reader sees;
- with no token row (a flushed test database), or a watched table without its triggers (SQLite
  drops a table's triggers when a migration rebuilds it: they are reinstalled after every
  `migrate`, and checked once per process), nothing is kept.
Answers are shared between requests and threads: they must be immutable (tuples, frozensets,
strings, named tuples).
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection
from django.db.models import Model

from cachetools import LRUCache

from portal.memo import per_request

T = TypeVar("T")
logger = logging.getLogger(__name__)

TRIGGER_PREFIX = "tabadul_change_"
_FUNCTION = "tabadul_replace_change_token"
_MAX_ANSWERS = 4096  # answers per process: per reader's access, language and listing; a few MB

_answers: LRUCache = LRUCache(maxsize=_MAX_ANSWERS)
_lock = threading.Lock()
_triggers_checked: dict[str, bool] = {}  # database alias → every watched table has its triggers


@dataclass(frozen=True)
class Watched:
    model: type[Model]
    fields: tuple[str, ...] = ()  # updates of these fields change the token; () = any update
    scope: str = "content"  # CONTENT, below

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model._meta.get_field(name).column for name in self.fields)


_watched: dict[str, Watched] = {}

CONTENT = "content"  # the default scope: the access policy's inputs, the page tree, the menu


def watch(model: type[Model], fields: Iterable[str] = (), *, scope: str = CONTENT) -> None:
    """Replace `scope`'s token whenever a row of `model`'s table is inserted or deleted, or updated
    (in one of `fields`, if given, and only when its value changes). Called from `AppConfig.ready`;
    the triggers are (re)installed after every `migrate`. A table belongs to one scope."""
    if not re.fullmatch(r"[a-z][a-z0-9 ._-]{0,39}", scope):  # it is written into the triggers' SQL
        raise ValueError(f"not a scope name: {scope!r}")
    entry = Watched(model, tuple(fields), scope)
    known = _watched.get(entry.table)
    if known is not None:  # two apps watch one table: the union of what each needs
        if known.scope != scope:
            raise ValueError(f"{entry.table} is watched for {known.scope!r} already, not {scope!r}")
        fields = tuple(dict.fromkeys(known.fields + entry.fields)) if known.fields and entry.fields else ()
        entry = Watched(model, fields, scope)
    _watched[entry.table] = entry


# --- reading -----------------------------------------------------------------------------------


def current(scope: str = CONTENT) -> str | None:
    """`scope`'s change token now, or None when nothing may be kept."""
    if connection.in_atomic_block or not _triggers_installed():
        return None
    return per_request(("change tokens",), _read).get(scope)


def _read() -> dict[str, str]:
    table = connection.ops.quote_name(_token_table())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, token FROM {table}")  # noqa: S608 - a table name only
        return dict(cursor.fetchall())


def kept(key, compute: Callable[[], T], *, scope: str = CONTENT) -> T:
    """`compute()`, or the answer this process computed for `key` under `scope`'s current token."""
    token = current(scope)
    if token is None:
        return compute()
    with _lock:
        entry = _answers.get((scope, key))
    if entry is not None and entry[0] == token:
        return entry[1]
    value = compute()
    with _lock:
        _answers[(scope, key)] = (token, value)
    return value


def forget() -> None:
    """Drop every kept answer (tests that change the schema under a running process)."""
    with _lock:
        _answers.clear()
    _triggers_checked.clear()


# --- the triggers ------------------------------------------------------------------------------


def _token_table() -> str:
    from portal.models import ChangeToken

    return ChangeToken._meta.db_table


def _trigger_names(table: str, vendor: str) -> list[str]:
    names = [f"{TRIGGER_PREFIX}{table}_{event}" for event in ("insert", "update", "delete")]
    if vendor == "postgresql":
        names.append(f"{TRIGGER_PREFIX}{table}_truncate")
    return names


def _triggers_installed() -> bool:
    alias = connection.alias
    if alias not in _triggers_checked:
        expected = {name for table in _watched for name in _trigger_names(table, connection.vendor)}
        with connection.cursor() as cursor:
            missing = expected - {name for name, _ in _our_triggers(connection, cursor)}
        if missing:
            logger.warning("change-token triggers missing, nothing kept across requests: %s", sorted(missing))
        _triggers_checked[alias] = not missing
    return _triggers_checked[alias]


def _our_triggers(conn, cursor) -> list[tuple[str, str]]:
    """(name, table) of every trigger this module made."""
    pattern = [f"{TRIGGER_PREFIX}%"]
    if conn.vendor == "postgresql":
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE %s",
            pattern,
        )
    elif conn.vendor == "sqlite":
        cursor.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", pattern
        )
    else:
        return []
    return list(cursor.fetchall())


def install_triggers(using_connection=None) -> None:
    """(Re)create the triggers of every watched table that exists, drop those of tables no longer
    watched, and give the token a new value (whatever a process kept before a migration is dropped).
    Idempotent; run after every `migrate`."""
    conn = using_connection or connection
    if conn.vendor not in ("postgresql", "sqlite"):
        return
    quote = conn.ops.quote_name
    existing_tables = set(conn.introspection.table_names())
    token_table = quote(_token_table())
    if _token_table() not in existing_tables:
        return
    with conn.cursor() as cursor:
        statements = []
        if conn.vendor == "postgresql":
            statements.append(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "  # noqa: S608
                f"AS $$ BEGIN INSERT INTO {token_table} (scope, token) "
                "VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text)) "
                "ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
            )
        for name, table in _our_triggers(conn, cursor):
            on = f" ON {quote(table)}" if conn.vendor == "postgresql" else ""
            statements.append(f"DROP TRIGGER IF EXISTS {quote(name)}{on}")
        for entry in _watched.values():
            if entry.table in existing_tables:
                statements += _create_statements(conn, entry)
        for statement in statements:
            cursor.execute(statement)
        for scope in {entry.scope for entry in _watched.values()}:
            cursor.execute(
                f"INSERT INTO {token_table} (scope, token) VALUES (%s, %s) "  # noqa: S608 - a table name
                "ON CONFLICT (scope) DO UPDATE SET token = excluded.token",
                [scope, secrets.token_hex(16)],
            )
    _triggers_checked.pop(conn.alias, None)


def _create_statements(conn, entry: Watched) -> list[str]:
    quote = conn.ops.quote_name
    table = quote(entry.table)
    insert, update, delete, *truncate = map(quote, _trigger_names(entry.table, conn.vendor))
    update_of = f" OF {', '.join(map(quote, entry.columns))}" if entry.columns else ""
    if conn.vendor == "postgresql":
        changed = " OR ".join(f"OLD.{quote(c)} IS DISTINCT FROM NEW.{quote(c)}" for c in entry.columns)
        when = f" WHEN ({changed})" if changed else ""
        run = f"EXECUTE FUNCTION {_FUNCTION}('{entry.scope}')"
        return [
            f"CREATE TRIGGER {insert} AFTER INSERT ON {table} FOR EACH ROW {run}",
            f"CREATE TRIGGER {update} AFTER UPDATE{update_of} ON {table} FOR EACH ROW{when} {run}",
            f"CREATE TRIGGER {delete} AFTER DELETE ON {table} FOR EACH ROW {run}",
            f"CREATE TRIGGER {truncate[0]} AFTER TRUNCATE ON {table} FOR EACH STATEMENT {run}",
        ]
    changed = " OR ".join(f"OLD.{quote(c)} IS NOT NEW.{quote(c)}" for c in entry.columns)
    when = f" WHEN {changed}" if changed else ""
    token_table = quote(_token_table())
    # An UPDATE, not an upsert: SQLite lets the outer statement's conflict policy override the one in a
    # trigger's body, so a REPLACE fired by Django's `INSERT OR IGNORE` (many-to-many adds) would be
    # ignored. A scope without its row keeps nothing (`current`) until `migrate` makes it again.
    replace = (
        f"BEGIN UPDATE {token_table} SET token = lower(hex(randomblob(16))) "  # noqa: S608 - names only
        f"WHERE scope = '{entry.scope}'; END"
    )
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON {table} {replace}",
        f"CREATE TRIGGER {update} AFTER UPDATE{update_of} ON {table}{when} {replace}",
        f"CREATE TRIGGER {delete} AFTER DELETE ON {table} {replace}",
    ]


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """`post_migrate` receiver (connected once, for the portal app)."""
    from django.db import connections

    install_triggers(connections[using])
