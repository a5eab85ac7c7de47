"""A compressed members file decompressed ahead, in a thread of its own.

zlib lets go of the interpreter while it inflates, so with a thread decompressing the next megabytes the
reader's parsing and PostgreSQL's COPY no longer wait for it: at 10 M voters, decompressing is seconds of
one core. The thread stays a few chunks ahead (bounded memory) and hands on what it met in order, errors
included, so a corrupt or cut file fails where it did before.
"""

import contextlib
import queue
import threading

CHUNK_BYTES = 1 << 20
AHEAD_CHUNKS = 2
_PUT_WAIT_SECONDS = 0.5  # how often a thread with a full queue checks whether it was stopped


class ReadAhead:
    """``source.read`` run ahead in a thread; :meth:`read` takes what it read, in order."""

    def __init__(self, source):
        self.source = source
        self._lock = threading.Lock()  # held while the thread reads the source
        self._chunks: queue.Queue = queue.Queue(AHEAD_CHUNKS)
        self._stopped = threading.Event()
        self._left = b""  # the rest of a chunk a smaller read did not take
        self._ended = False
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stopped.is_set():
                with self._lock:
                    data = self.source.read(CHUNK_BYTES)
                self._put(data)
                if not data:
                    return
        except BaseException as error:
            self._put(error)

    def _put(self, item) -> None:
        while not self._stopped.is_set():
            try:
                self._chunks.put(item, timeout=_PUT_WAIT_SECONDS)
                return
            except queue.Full:
                continue

    def read(self, size: int = -1) -> bytes:
        if not self._left and not self._ended:
            item = self._chunks.get()
            if isinstance(item, BaseException):
                self._ended = True
                raise item
            self._ended = not item
            self._left = item
        if size < 0:
            size = len(self._left)
        data, self._left = self._left[:size], self._left[size:]
        return data

    @contextlib.contextmanager
    def paused(self):
        """No reading ahead while the caller uses the source's file itself (to measure it, say)."""
        with self._lock:
            yield

    def close(self) -> None:
        self._stopped.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._chunks.get_nowait()
        self._thread.join()
