"""Worker processes that extract facts file by file, each file under a time limit.

A file that takes longer than the limit (or crashes the parser) costs that file, not the audit: its
worker is killed, the file is reported with the reason, and a new worker takes the rest of its chunk.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

Job = TypeVar("Job")
Item = TypeVar("Item")

_CHUNK_DONE = "chunk-done"


def _serve(conn: Connection, extract: Callable[[Job], Item]) -> None:
    """A worker's loop: take a chunk, send one result per file, then a chunk-done mark."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    while True:
        try:
            jobs = conn.recv()
        except EOFError:
            return
        if jobs is None:
            return
        for job in jobs:
            conn.send(extract(job))
        conn.send(_CHUNK_DONE)


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        return f"the parser crashed on this file ({signal.Signals(-code).name}); skipped"
    return f"the parser stopped on this file (exit code {code}); skipped"


@dataclass
class _Worker(Generic[Job]):
    process: BaseProcess
    conn: Connection
    chunk: list[Job] = field(default_factory=list)
    done: int = 0  # results received for the current chunk
    since: float = 0.0  # when the file now being worked on was started

    @property
    def busy(self) -> bool:
        return bool(self.chunk)


class WorkerPool(Generic[Job, Item]):
    """`extract` applied to every job in `count` processes; `give_up(job, reason)` makes the item for a
    job whose worker ran out of time or died. Results come back per chunk, in completion order."""

    def __init__(
        self,
        extract: Callable[[Job], Item],
        give_up: Callable[[Job, str], Item],
        *,
        count: int,
        time_limit: float | None,
    ) -> None:
        self._extract = extract
        self._give_up = give_up
        self._count = max(1, count)
        self._time_limit = time_limit
        # fork shares what the parent already loaded (grammars, compiled queries); spawn elsewhere
        self._context: ForkContext | SpawnContext = (
            multiprocessing.get_context("fork")
            if "fork" in multiprocessing.get_all_start_methods()
            else multiprocessing.get_context("spawn")
        )
        self._workers: list[_Worker[Job]] = []

    def run(self, chunks: Iterable[list[Job]]) -> Iterator[list[Item]]:
        """Chunks are taken from `chunks` only as workers come free, so a lazy iterable keeps only
        the chunks in flight in memory."""
        source = iter(chunks)
        pending: deque[list[Job]] = deque()  # the rest of chunks whose worker was lost

        def next_chunk() -> list[Job] | None:
            if pending:
                return pending.popleft()
            return next((chunk for chunk in source if chunk), None)

        try:
            results: dict[int, list[Item]] = {}
            while True:
                idle = [w for w in self._workers if not w.busy]
                while idle or len(self._workers) < self._count:
                    chunk = next_chunk()
                    if chunk is None:
                        break
                    if idle:
                        worker = idle.pop()
                    else:
                        worker = self._start()
                        self._workers.append(worker)
                    self._hand(worker, chunk)
                    results[id(worker)] = []
                busy = [w for w in self._workers if w.busy]
                if not busy:
                    return
                ready = wait([w.conn for w in busy], timeout=self._next_deadline(busy))
                for worker in busy:
                    if worker.conn in ready:
                        finished = self._receive(worker, results[id(worker)], pending)
                    elif self._time_limit is not None and (
                        time.monotonic() - worker.since > self._time_limit
                    ):
                        reason = f"took longer than {self._time_limit:g} s to parse; skipped (time limit)"
                        finished = self._replace(worker, reason, results[id(worker)], pending)
                    else:
                        continue
                    if finished is not None:
                        yield finished
        finally:
            self._stop_all()

    # -- one worker ---------------------------------------------------------------------------------

    def _start(self) -> _Worker[Job]:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._extract), daemon=True)
        process.start()
        child.close()
        return _Worker(process=process, conn=parent)

    def _hand(self, worker: _Worker[Job], chunk: list[Job]) -> None:
        worker.chunk, worker.done, worker.since = chunk, 0, time.monotonic()
        worker.conn.send(chunk)

    def _receive(
        self, worker: _Worker[Job], out: list[Item], pending: deque[list[Job]]
    ) -> list[Item] | None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):  # the worker died: the parser crashed on the current file
            worker.process.join(timeout=5)
            return self._replace(worker, _death(worker.process.exitcode), out, pending)
        if isinstance(message, str) and message == _CHUNK_DONE:
            worker.chunk = []
            finished = list(out)
            out.clear()
            return finished
        out.append(message)
        worker.done += 1
        worker.since = time.monotonic()
        return None

    def _replace(
        self, worker: _Worker[Job], reason: str, out: list[Item], pending: deque[list[Job]]
    ) -> list[Item]:
        """Give up the worker's current file, stop the worker, requeue the rest of its chunk."""
        current = worker.chunk[worker.done] if worker.done < len(worker.chunk) else None
        rest = worker.chunk[worker.done + 1 :]
        self._stop(worker)
        if rest:
            pending.appendleft(rest)
        fresh = self._start()
        worker.process, worker.conn, worker.chunk, worker.done = fresh.process, fresh.conn, [], 0
        finished = [*out] if current is None else [*out, self._give_up(current, reason)]
        out.clear()
        return finished

    def _next_deadline(self, busy: list[_Worker[Job]]) -> float | None:
        """Seconds until the first busy worker runs out of time (None: no limit, wait for results)."""
        if self._time_limit is None:
            return None
        now = time.monotonic()
        return max(0.0, min(w.since + self._time_limit - now for w in busy)) + 0.01

    def _stop(self, worker: _Worker[Job]) -> None:
        if worker.process.is_alive() and worker.process.pid is not None:
            os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=5)
        worker.conn.close()

    def _stop_all(self) -> None:
        for worker in self._workers:
            if not worker.busy:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)  # an idle worker ends by itself
        for worker in self._workers:
            if worker.busy:
                self._stop(worker)
            else:
                worker.process.join(timeout=2)
                if worker.process.is_alive():
                    self._stop(worker)
                else:
                    worker.conn.close()
        self._workers = []
