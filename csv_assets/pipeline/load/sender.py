"""``Sender``: a bulk load's blocks written by a thread, while the caller prepares the next."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

SEND_QUEUE_BLOCKS = 4

Block = TypeVar("Block")


class Sender(Generic[Block]):
    """Hands a bulk load's data to a thread that sends it, a few blocks ahead at most.

    The thread waits on the socket (and the server) while the caller reads and encodes the next
    chunk; the bounded queue keeps memory flat when the server is the slower side. ``send``
    takes one block: a psycopg ``COPY``'s ``write``, one ``LOAD DATA`` per block, or one
    Arrow batch into SQLite's staging file.
    """

    def __init__(self, send: Callable[[Block], object], depth: int = SEND_QUEUE_BLOCKS) -> None:
        self._deliver = send
        self._queue: queue.Queue[Block | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._send, name="csv-assets-send", daemon=True)
        self._thread.start()

    def __enter__(self) -> Sender[Block]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error

    def write(self, data: Block) -> None:
        """Queue ``data`` for sending; raise what the sending thread met, if anything."""
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def _send(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._deliver(data)
                except BaseException as error:  # handed to the caller's thread
                    self._error = error
