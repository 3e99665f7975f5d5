"""Load: `python -m bench.load [--users 1000]`.

Simulated runners each send 10 messages (questions, a plan set-up with its
button presses, commands), one after another as a person would, waiting for
each reply; all runners at once. Updates go through the real Application's
update queue with concurrent processing; Telegram is replaced by a transport
that answers at once; the database is a real SQLite file.

Each run is a fresh process (so peak RSS is that run's): 10 runners flat out,
the requested number flat out (capacity; with everyone waiting on one process
the latency is mostly queueing), and the requested number at a steady 250 and
500 messages/s in total (latency at that load). All four twice: the bot as one
process (WORKERS=1), then as `--workers` worker processes behind a front
(bot/workers.py, the code `WORKERS=2` runs; here the benchmark is the front,
and each worker's stand-in for Telegram tells it of every reply over a
socket). Printed: messages handled per second, p50/p99 latency from an update
being handed to the bot to its reply, database write transactions per second,
peak RSS (front and workers added up). Targets (1,000 runners, 2 cores): >= 500
messages/s, p99 <= 50 ms, RSS <= 250 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import RequestData

from bot.app import build_application, shut_down, start_up
from bot.fake_bot_api import BOT_USER, FakeBotApi, InProcessRequest
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.services import services_of
from bot.storage import Database
from bot.workers import Shards, WorkerConfig

TOKEN = "123456:LOAD-not-a-real-token"  # noqa: S105 - a fake; nothing leaves the machine
QUESTIONS = (
    "tylenol or advil??",
    "can I still do my long run sunday",
    "should I see a physio or a chiropractor",
    "heat or ice for my lower back",
    "is it ok to run with a sore back",
    "how long until I can run again",
)
_ids = itertools.count(1)


class InstantTelegram(InProcessRequest):
    """Answers like Telegram at once; `replied` hears of every message the bot sends."""

    def replied(self, chat_id: int, params: dict[str, Any]) -> None:
        raise NotImplementedError

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        api_method = self.api_method(url)
        if api_method == "getMe":
            return self.ok(BOT_USER)
        if api_method not in {"sendMessage", "sendPhoto", "sendDocument"} or not request_data:
            return self.ok(True)
        params = request_data.parameters
        chat_id = int(str(params["chat_id"]))
        self.replied(chat_id, dict(params))
        chat = {"id": chat_id, "type": "private"}
        return self.ok({"message_id": next(_ids), "date": int(time.time()), "chat": chat})


class ReplyWaiter(InstantTelegram):
    """In this process: wakes the runner waiting for a reply in that chat."""

    def __init__(self) -> None:
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}

    def replied(self, chat_id: int, params: dict[str, Any]) -> None:
        _wake(self.waiting, chat_id, params)


class ReplyNotifier(InstantTelegram):
    """In a worker process: tells the benchmark, one JSON line on a socket, of each reply."""

    def __init__(self, notify: socket.socket) -> None:
        notify.setblocking(True)
        self._notify = notify

    def replied(self, chat_id: int, params: dict[str, Any]) -> None:
        reply = {"chat_id": chat_id, "reply_markup": params.get("reply_markup")}
        self._notify.sendall(json.dumps(reply).encode() + b"\n")


def _wake(
    waiting: dict[int, asyncio.Future[dict[str, Any]]], chat_id: int, reply: dict[str, Any]
) -> None:
    waiter = waiting.pop(chat_id, None)
    if waiter is not None and not waiter.done():
        waiter.set_result(reply)


def _message(chat_id: int, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Runner"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Runner"},
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_ids), "message": body}


def _press(chat_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Runner"},
            "chat_instance": "load",
            "data": data,
            "message": {
                "message_id": next(_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "question",
            },
        },
    }


def _button(reply: dict[str, Any], label: str) -> str:
    for row in (reply.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise LookupError(f"no button {label!r} in the reply")


async def _runner(
    submit: Callable[[dict[str, Any]], Awaitable[None]],
    waiting: dict[int, asyncio.Future[dict[str, Any]]],
    chat_id: int,
    latencies: list[float],
    pace: tuple[float, float],
) -> int:
    """One person's ten messages, each sent after the previous reply arrived.

    `submit` hands an update to the bot; `waiting[chat_id]` is resolved with
    the bot's reply. `pace` (start delay, seconds between messages): (0, 0)
    is flat out.
    """
    loop = asyncio.get_running_loop()
    reply: dict[str, Any] = {}
    start_delay, period = pace
    await asyncio.sleep(start_delay)
    next_at = loop.time()

    async def send(update: dict[str, Any]) -> None:
        nonlocal reply, next_at
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        next_at += period
        waiter: asyncio.Future[dict[str, Any]] = loop.create_future()
        waiting[chat_id] = waiter
        started = time.perf_counter()
        await submit(update)
        reply = await asyncio.wait_for(waiter, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)

    question = QUESTIONS[chat_id % len(QUESTIONS)]
    await send(_message(chat_id, "/start"))
    await send(_message(chat_id, question))
    await send(_message(chat_id, QUESTIONS[(chat_id + 1) % len(QUESTIONS)]))
    await send(_message(chat_id, "/plan"))
    await send(_press(chat_id, _button(reply, "Earlier this week")))
    await send(_press(chat_id, _button(reply, str(chat_id % 11))))
    await send(_press(chat_id, _button(reply, "Skip")))
    await send(_press(chat_id, _button(reply, "No")))
    await send(_message(chat_id, "/checkin"))
    await send(_message(chat_id, QUESTIONS[(chat_id + 2) % len(QUESTIONS)]))
    return 10


async def _scenario(users: int, database: Path, offered: float) -> dict[str, float]:
    """`offered` messages/s in total, spread over the runners (0: everyone flat out)."""
    api = ReplyWaiter()
    app = build_application(
        TOKEN,
        load_knowledge(),
        request=api,
        get_updates_request=FakeBotApi(),
        database_path=database,
        rate_limit=False,
    )
    await start_up(app)
    await app.start()  # the update-queue fetcher, with concurrent processing
    db = services_of(app.bot_data).db
    writes_before = db.transactions
    latencies: list[float] = []
    started = time.perf_counter()

    async def submit(update: dict[str, Any]) -> None:
        await app.update_queue.put(Update.de_json(update, app.bot))

    counts = await _everyone(submit, api.waiting, users, offered, latencies)
    elapsed = time.perf_counter() - started
    writes = db.transactions - writes_before
    await app.stop()
    await shut_down(app)
    return _figures(sum(counts), elapsed, latencies, writes, _peak_rss_mb())


async def _sharded_scenario(
    users: int, database: Path, offered: float, workers: int
) -> dict[str, float]:
    """The same runners, with the bot as `WORKERS` worker processes behind this front."""
    await (await Database.open(database)).close()  # migrated once, as the real front does
    waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
    pairs = [socket.socketpair() for _ in range(workers)]
    config = WorkerConfig(
        token=TOKEN,
        knowledge_dir=DEFAULT_KNOWLEDGE_DIR,
        database_path=database,
        log_level=logging.WARNING,
        rate_limit=False,
    )
    shards = Shards(config, workers, [partial(ReplyNotifier, theirs) for _, theirs in pairs])
    await shards.start()
    readers, writers = [], []  # a writer that is garbage-collected closes the socket
    for ours, theirs in pairs:
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        readers.append(asyncio.create_task(_hear_replies(reader, waiting)))
        writers.append(writer)
    latencies: list[float] = []
    started = time.perf_counter()

    async def submit(update: dict[str, Any]) -> None:
        shards.dispatch(update)
        await shards.drain()

    try:
        counts = await _everyone(submit, waiting, users, offered, latencies)
        elapsed = time.perf_counter() - started
    finally:
        await shards.stop()
    for task, writer in zip(readers, writers, strict=True):
        task.cancel()
        writer.close()
    figures = shards.figures.values()
    writes = sum(f.writes for f in figures)
    rss = _peak_rss_mb() + sum(f.peak_rss_mb for f in figures)  # front and workers together
    return _figures(sum(counts), elapsed, latencies, writes, rss)


async def _hear_replies(
    reader: asyncio.StreamReader, waiting: dict[int, asyncio.Future[dict[str, Any]]]
) -> None:
    while line := await reader.readline():
        reply = json.loads(line)
        _wake(waiting, int(reply["chat_id"]), reply)


async def _everyone(
    submit: Callable[[dict[str, Any]], Awaitable[None]],
    waiting: dict[int, asyncio.Future[dict[str, Any]]],
    users: int,
    offered: float,
    latencies: list[float],
) -> list[int]:
    period = users / offered if offered else 0.0
    return await asyncio.gather(
        *(
            _runner(submit, waiting, 100_000 + n, latencies, (period * n / users, period))
            for n in range(users)
        )
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _figures(
    messages: int, seconds: float, latencies: list[float], writes: int, rss: float
) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "messages": messages,
        "seconds": seconds,
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "writes": writes,
        "rss_mb": rss,
    }


def _report(users: int, offered: float, workers: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        command = [
            sys.executable, "-m", "bench.load", "--child",
            str(users), str(offered), str(workers), directory,
        ]  # fmt: skip
        out = subprocess.run(  # noqa: S603 - our own module
            command, capture_output=True, text=True, check=True
        ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    rate = result["messages"] / result["seconds"]
    pace = f"at {offered:.0f} messages/s offered" if offered else "flat out"
    print(
        f"{users} runners x 10 messages, {pace}: {result['messages']} in "
        f"{result['seconds']:.1f} s = "
        f"{rate:.0f} messages/s; latency p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms; {result['writes'] / result['seconds']:.0f} database "
        f"writes/s; peak RSS {result['rss_mb']:.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2, help="for the WORKERS=N rows")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        users, offered, workers = int(args.child[0]), float(args.child[1]), int(args.child[2])
        database = Path(args.child[3]) / "load.sqlite3"
        if workers == 1:
            result = asyncio.run(_scenario(users, database, offered))
        else:
            result = asyncio.run(_sharded_scenario(users, database, offered, workers))
        print(json.dumps(result))
        return 0
    for workers in (1, args.workers):
        print(
            "one process (WORKERS=1):"
            if workers == 1
            else f"WORKERS={workers}: a front and {workers} worker processes (RSS: all together)"
        )
        _report(10, 0, workers)
        _report(args.users, 0, workers)  # capacity: latency here is queueing behind everyone
        for offered in (250, 500):  # latency at a steady offered load
            _report(args.users, offered, workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
