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
import json
import logging
import multiprocessing
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest

from bot.app import build_application, shut_down, start_up
from bot.knowledge import load_knowledge
from bot.logging_setup import configure_logging
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
        self.failed = asyncio.Event()  # set when a worker stops on its own

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
        """A worker only ever closes its socket by stopping."""
        await reader.read()
        if not self.failed.is_set():
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
        self.failed.set()  # from here on a worker closing its socket is expected
        for writer in self._writers:
            writer.close()
        for watcher in self._watchers:
            watcher.cancel()
        loop = asyncio.get_running_loop()
        for process in self._processes:
            await loop.run_in_executor(None, process.join, STOP_SECONDS)
            if process.is_alive():
                process.kill()
                await loop.run_in_executor(None, process.join)
        return [process.exitcode for process in self._processes]


def _worker_main(
    config: WorkerConfig,
    index: int,
    workers: int,
    connection: socket.socket,
    transport: TransportFactory | None,
) -> None:
    """A worker process's entry point."""
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.SIG_IGN)  # the front stops us, by closing the socket
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
    try:
        while line := await reader.readline():
            try:
                update = Update.de_json(json.loads(line), application.bot)
            except (ValueError, TypeError, KeyError):
                logger.warning("worker %d: skipped an update that is not valid JSON", index)
                continue
            await application.update_queue.put(update)
    finally:
        await application.stop()  # handles what is already queued first
        await shut_down(application)
        writer.close()
