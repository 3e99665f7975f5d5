"""Several worker processes for one bot, to use more than one CPU core.

One Python process handles a few hundred messages a second (bench/load.py).
With `WORKERS` = N, a front process reads the updates and forwards each one,
as a line of Bot API JSON over a local socket, to the worker that owns its
chat (sharding.py). Every worker runs the whole Application (handlers,
JobQueue, its own connection to the one SQLite database in WAL mode) and
answers Telegram itself. Worker 0 is the leader: only it sets the commands and
runs the scheduled jobs, so a check-in is never claimed by two processes.

Workers ignore SIGINT and SIGTERM: they stop when the front closes their
socket, after handling what they were sent. If a worker dies, the front stops
the others and exits with an error, for the service manager to restart it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import resource
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.app import build_application, shut_down, start_up
from bot.knowledge import load_knowledge
from bot.logging_setup import configure_logging
from bot.services import services_of
from bot.sharding import shard_for

READY = b"ready\n"
STOP_SECONDS = 60.0  # for a worker to finish what it was sent, before it is killed
LINE_LIMIT = 1 << 20  # one update is at most a few tens of kilobytes of JSON
TransportFactory = Callable[[], BaseRequest]
logger = logging.getLogger(__name__)


class WorkerFailed(RuntimeError):
    """A worker process could not start, or stopped on its own."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs to build its Application (sent to it pickled)."""

    token: str
    knowledge_dir: Path
    database_path: Path
    default_timezone: str = "UTC"
    base_url: str | None = None
    log_level: int = logging.INFO
    secrets: tuple[str, ...] = ()  # redacted from every log line
    rate_limit: bool = True


@dataclass(frozen=True)
class WorkerFigures:
    """What a worker reports as it stops, for the operator's log and the load benchmark."""

    updates: int
    writes: int  # committed database write transactions
    peak_rss_mb: float


class Shards:
    """The front's side: start the workers, route each update to its chat's worker, stop."""

    def __init__(
        self,
        config: WorkerConfig,
        workers: int,
        transports: Sequence[TransportFactory] | None = None,
    ) -> None:
        """`transports` (tests, the load benchmark): each worker's stand-in for Telegram."""
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if transports is not None and len(transports) != workers:
            raise ValueError("one transport per worker")
        self.config = config
        self.workers = workers
        self._transports = transports
        self._processes: list[BaseProcess] = []
        self._writers: list[asyncio.StreamWriter] = []
        self._watchers: list[asyncio.Task[None]] = []
        self.failed = asyncio.Event()  # set when a worker crashes
        self.ended = asyncio.Event()  # set when a worker stops cleanly on its own (SIGTERM)
        self.figures: dict[int, WorkerFigures] = {}  # each worker's, once it has stopped
        self._stopping = False

    async def start(self) -> None:
        """Spawn every worker and wait until each has started its Application."""
        context = multiprocessing.get_context("spawn")  # no fork of a running event loop
        for index in range(self.workers):
            ours, theirs = socket.socketpair()
            transport = self._transports[index] if self._transports else None
            process = context.Process(
                target=_worker_main,
                args=(self.config, index, self.workers, theirs, transport),
                name=f"runback-worker-{index}",
                daemon=True,
            )
            process.start()
            theirs.close()
            reader, writer = await asyncio.open_unix_connection(sock=ours, limit=LINE_LIMIT)
            self._processes.append(process)
            self._writers.append(writer)
            line = await reader.readline()
            if line != READY:
                await self.stop()
                reason = line.decode(errors="replace").strip() or "exited while starting"
                raise WorkerFailed(f"worker {index}: {reason}")
            self._watchers.append(asyncio.create_task(self._watch(index, reader)))

    async def _watch(self, index: int, reader: asyncio.StreamReader) -> None:
        """A worker closes its socket only when it stops: after its figures if it stopped
        cleanly (the end of its socket, or SIGTERM), without them if it crashed."""
        stopped_cleanly = False
        while line := await reader.readline():
            with contextlib.suppress(ValueError, TypeError):
                self.figures[index] = WorkerFigures(**json.loads(line))
                stopped_cleanly = True
        if self._stopping:
            return
        if stopped_cleanly:
            logger.info("worker %d stopped on a signal", index)
            self.ended.set()
        else:
            logger.error("worker %d stopped", index)
            self.failed.set()

    def dispatch(self, update: Mapping[str, Any]) -> None:
        """Queue one raw update for its chat's worker (buffered; see `drain`)."""
        line = json.dumps(update, separators=(",", ":")).encode() + b"\n"
        self._writers[shard_for(update, self.workers)].write(line)

    async def drain(self) -> None:
        """Wait while any worker's socket buffer is full (backpressure)."""
        for writer in self._writers:
            await writer.drain()

    async def stop(self) -> list[int | None]:
        """Close every socket (workers finish what they were sent), wait; exit codes."""
        self._stopping = True
        for writer in self._writers:
            with contextlib.suppress(OSError):  # a dead worker's socket is closed already
                writer.write_eof()  # end of updates; the worker still sends its figures
        loop = asyncio.get_running_loop()
        for process in self._processes:
            await loop.run_in_executor(None, process.join, STOP_SECONDS)
            if process.is_alive():
                process.kill()
                await loop.run_in_executor(None, process.join)
        await asyncio.gather(*self._watchers, return_exceptions=True)
        for writer in self._writers:
            writer.close()
        for index, figures in sorted(self.figures.items()):
            logger.info(
                "worker %d handled %d updates with %d database writes (peak RSS %.0f MB)",
                index, figures.updates, figures.writes, figures.peak_rss_mb,
            )  # fmt: skip
        return [process.exitcode for process in self._processes]


def _worker_main(
    config: WorkerConfig,
    index: int,
    workers: int,
    connection: socket.socket,
    transport: TransportFactory | None,
) -> None:
    """A worker process's entry point."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the front, which stops us
    configure_logging(config.log_level, config.secrets)
    asyncio.run(_serve(config, index, workers, connection, transport))


async def _serve(
    config: WorkerConfig,
    index: int,
    workers: int,
    connection: socket.socket,
    transport: TransportFactory | None,
) -> None:
    reader, writer = await asyncio.open_unix_connection(sock=connection, limit=LINE_LIMIT)
    try:
        kb = load_knowledge(config.knowledge_dir)  # already checked by the front
        application = build_application(
            config.token,
            kb,
            base_url=config.base_url,
            request=transport() if transport else None,
            database_path=config.database_path,
            default_timezone=config.default_timezone,
            rate_limit=config.rate_limit,
            workers=workers,
            leader=index == 0,
        )
        await start_up(application)
    except Exception as exc:
        # The class name only: a message could quote the token.
        writer.write(f"failed to start: {type(exc).__name__}\n".encode())
        await writer.drain()
        raise
    await application.start()
    writer.write(READY)
    await writer.drain()
    # SIGTERM (systemd sends it to every process of the service) stops us as the
    # end of the socket does: what was received is handled first.
    feed = _Feed(reader, application, index)
    reading = asyncio.create_task(feed.run())
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, reading.cancel)
    try:
        await reading
    except asyncio.CancelledError:
        if not reading.cancelled():  # we were cancelled ourselves, not by SIGTERM
            raise
    finally:
        await application.stop()  # handles what is already queued first
        writes = services_of(application.bot_data).db.transactions
        await shut_down(application)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures = WorkerFigures(feed.updates, writes, peak)
        writer.write(json.dumps(asdict(figures)).encode() + b"\n")
        await writer.drain()
        writer.close()


class _Feed:
    """Each line from the front, parsed, onto the Application's update queue."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        application: Application,  # type: ignore[type-arg]
        index: int,
    ) -> None:
        self._reader = reader
        self._application = application
        self._index = index
        self.updates = 0

    async def run(self) -> None:
        while line := await self._reader.readline():
            try:
                update = Update.de_json(json.loads(line), self._application.bot)
            except (ValueError, TypeError, KeyError):
                logger.warning("worker %d: skipped an update that is not valid JSON", self._index)
                continue
            await self._application.update_queue.put(update)
            self.updates += 1
