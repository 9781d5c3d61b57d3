"""Filling a new Elasticsearch index for a rebuild.

The calling thread reads the database and builds documents (Django connections belong to their
thread); sender threads post them with `elasticsearch.helpers.bulk`, so reading and indexing overlap
and the node indexes several bulk requests at once. The new index is loaded without refresh or
replicas, then restored, then the alias moves to it atomically (`search.elastic.swap_alias`); until
then searches use the old index.
"""

from __future__ import annotations

import contextlib
import queue
import threading

from elasticsearch import helpers

from search import elastic
from search.engines import Rebuild
from search.schema import Document

_DONE = object()


class Loader(Rebuild):
    """The Elasticsearch engine's rebuild (`search.engines.Rebuild`)."""

    def __init__(self, *, chunk_size: int = 500, senders: int = 2, depth: int = 4) -> None:
        super().__init__()
        self.chunk_size = chunk_size
        self.index = ""
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._senders = senders
        self._threads: list[threading.Thread] = []
        self._error: BaseException | None = None
        self._created = threading.Event()
        self._owns_index = False

    def start(self) -> str:
        """Name the new index and start the senders; the first creates the index while the caller
        reads the first batch (creating an index is a cluster-state update: a fixed cost worth
        overlapping on a small portal)."""
        self.index = elastic.new_index_name()
        self._threads = [
            threading.Thread(target=self._run, args=(n == 0,), name=f"search-bulk-loader-{n}", daemon=True)
            for n in range(self._senders)
        ]
        for thread in self._threads:
            thread.start()
        return self.index

    def send(self, documents: list[Document], version: int) -> None:
        if self._error is not None:
            raise elastic.Unavailable(f"bulk load failed: {self._error}") from self._error
        if documents:
            self._queue.put(list(elastic.index_actions(documents, index=self.index, version=version)))

    def _run(self, creates_index: bool) -> None:
        if creates_index:
            try:
                elastic.create_index(self.index, loading=True)
                self._owns_index = True
            except BaseException as error:  # reported to the producer by send()/finish()
                self._error = error
            finally:
                self._created.set()
        self._created.wait()
        es = elastic.client().options(request_timeout=120)
        while (actions := self._queue.get()) is not _DONE:
            if self._error is not None:
                continue  # drain the queue so the producer never blocks
            try:
                helpers.bulk(
                    es,
                    actions,
                    chunk_size=self.chunk_size,
                    max_retries=3,
                    initial_backoff=1,
                    filter_path="errors,items.*.status,items.*.error",  # no per-item metadata
                )
            except BaseException as error:  # reported to the producer by send()/finish()
                self._error = error

    def _stop(self) -> None:
        for _ in self._threads:
            self._queue.put(_DONE)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def finish(self) -> None:
        self._stop()
        if self._error is not None:
            raise elastic.Unavailable(f"bulk load failed: {self._error}") from self._error
        try:
            elastic.finish_loading(self.index)
        except elastic.ERRORS as error:
            raise elastic.Unavailable(f"finishing {self.index} failed: {error}") from error

    def abort(self) -> None:
        self._stop()
        if self._owns_index:  # never an index of the same name that someone else made
            with contextlib.suppress(*elastic.ERRORS):
                elastic.client().indices.delete(index=self.index, ignore_unavailable=True)

    def complete(self) -> None:
        """Move the alias to the new index and delete the indices it replaces (and leftovers of
        earlier, interrupted rebuilds)."""
        try:
            replaced = elastic.swap_alias(self.index)
            leftovers = [name for name in elastic.managed_indices() if name < self.index]
            self.removed = sorted(set(replaced) | set(leftovers))
            if self.removed:
                elastic.client().indices.delete(index=",".join(self.removed), ignore_unavailable=True)
        except elastic.ERRORS as error:
            raise elastic.Unavailable(f"swapping in {self.index} failed: {error}") from error
