"""Work done in a second process while MkDocs renders pages.

Rendering pages is one process's work; a CI machine has two cores. The search index (fed
each page as it is written) and the open-data workbook and database (made from the
catalogue) do not change any page but the 数据下载 page, so they are made beside the
rendering by a forked process, which starts with the catalogue already in memory (nothing
is pickled on the way in). Results and errors come back through a pipe; an error in the
second process becomes the same error in the build, with its message.

Only where ``fork`` exists (Linux, macOS) and only for ``mkdocs build``: ``mkdocs serve``
runs threads (forking them is unsafe) and its preview does not remake these files anyway.
Each job's process leaves with ``os._exit`` (multiprocessing's fork path), so the
parent's ``atexit`` handlers never run twice.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from pilotkb.errors import DataError

PIPE_SIZE = 1 << 20  # bytes a feed's pipe holds: the most Linux allows by default


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(
    out: Connection, inbox: Connection | None, fn: Callable[..., Any], args: tuple[Any, ...], name: str
) -> None:
    try:  # the process's name in ps and /proc/PID/comm (Linux), by which scripts/bench reports
        with open("/proc/self/comm", "w") as comm:
            comm.write(name[:15])
    except OSError:
        pass
    try:
        result = fn(*args, Inbox(inbox)) if inbox is not None else fn(*args)
        out.send((True, result))
    except DataError as exc:
        out.send((False, exc))
    except BaseException:  # noqa: BLE001 - reported by the parent, which fails the build
        out.send((False, RuntimeError("second build process failed:\n" + traceback.format_exc())))
    finally:
        out.close()


class Inbox:
    """The messages the parent sends (ended by an empty one), read by a thread as they come,
    so the parent never waits on a full pipe while this process is busy. The pipe holds
    ``PIPE_SIZE`` bytes where the system allows it (Linux; 64 KB elsewhere)."""

    def __init__(self, conn: Connection):
        try:
            import fcntl

            fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)  # type: ignore[attr-defined]
        except (ImportError, AttributeError, OSError):
            pass
        self._queue: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: Connection) -> None:
        while True:
            msg = conn.recv_bytes()
            self._queue.put(msg)
            if not msg:
                return

    def __iter__(self) -> Iterator[bytes]:
        return self.each()

    def each(self, idle: Callable[[], bool] | None = None) -> Iterator[bytes]:
        """The messages in order. While none is waiting, ``idle()`` is called (a short piece
        of other work) until it returns False: work that can wait is done while this
        process would otherwise wait for the parent."""
        while True:
            if idle is None:
                msg = self._queue.get()
            else:
                try:
                    msg = self._queue.get_nowait()
                except queue.Empty:
                    if not idle():
                        idle = None
                    continue
            if not msg:
                return
            yield msg


class Job:
    """``fn(*args)`` in a forked process; with ``feed=True`` it also receives an iterator of
    the byte strings given to ``send`` (ended by ``result``)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, feed: bool = False, name: str = "kb-worker"):
        ctx = multiprocessing.get_context("fork")
        self._results, out = ctx.Pipe(duplex=False)
        inbox, self._sender = ctx.Pipe(duplex=False) if feed else (None, None)
        self._proc = ctx.Process(target=_run, args=(out, inbox, fn, args, name), daemon=True)
        # Objects made so far (the catalogue) move to the collector's permanent generation,
        # so neither process's collections write to them and their pages stay shared
        # (Python's advice for fork without exec).
        gc.freeze()
        self._proc.start()
        out.close()
        if inbox is not None:
            inbox.close()
        self._done = False
        self._value: Any = None

    def send(self, message: bytes) -> None:
        assert self._sender is not None and message
        self._sender.send_bytes(message)

    def result(self) -> Any:
        """The function's return value (waits for it); its DataError raised here."""
        if not self._done:
            if self._sender is not None:
                self._sender.send_bytes(b"")
                self._sender.close()
            try:
                ok, value = self._results.recv()
            except EOFError:
                ok, value = False, RuntimeError("second build process ended without a result")
            self._proc.join()
            self._results.close()
            self._done, self._value = True, (ok, value)
        ok, value = self._value
        if not ok:
            raise value
        return value


# --- a job held to a memory and time budget ----------------------------------------------


class Exceeded(Exception):
    """A bounded job did not return: ``what`` is "memory", "time", "error" (an exception,
    described in ``detail``) or "crash" (the process died)."""

    def __init__(self, what: str, detail: str = ""):
        super().__init__(what, detail)
        self.what, self.detail = what, detail


def _address_space() -> int:
    """This process's mapped bytes now (VmSize), 0 where /proc does not tell."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _run_bounded(out: Connection, limit: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # no rlimits here: the time budget still holds
        pass
    try:
        out.send(("ok", fn(*args)))
    except DataError as exc:
        out.send(("data", exc))
    except MemoryError:
        out.send(("memory", ""))
    except RecursionError:
        out.send(("error", "RecursionError: nested too deeply"))
    except Exception as exc:  # noqa: BLE001 - a library's failure on a damaged file, reported by the parent
        out.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        out.close()


def bounded(fn: Callable[..., Any], *args: Any, memory: int, seconds: float) -> Any:
    """``fn(*args)`` in a forked process that may map ``memory`` bytes more than this one and
    run ``seconds``: its return value, its DataError raised here, or ``Exceeded``. For reading
    files from outside (a report an editor was sent), whose parsers a hostile file could
    make allocate gigabytes or run for hours; the process is killed when its time is up."""
    if not available():  # no fork: run here, with the time budget unenforced
        return fn(*args)
    ctx = multiprocessing.get_context("fork")
    results, out = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run_bounded, args=(out, _address_space() + memory, fn, args), daemon=True)
    proc.start()
    out.close()
    try:
        if not results.poll(seconds):
            raise Exceeded("time")
        try:
            kind, value = results.recv()
        except EOFError:
            raise Exceeded("crash") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        results.close()
    if kind == "ok":
        return value
    if kind == "data":
        raise value
    raise Exceeded(kind, value)
