"""Running against Telegram (or any Bot API server): long polling, or a webhook.

With `WORKERS` > 1, this process is the front of several worker processes
(workers.py): it long-polls Telegram itself and forwards each raw update.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBUserWarning

from bot.app import build_application
from bot.knowledge import KnowledgeBase
from bot.settings import Settings
from bot.storage import Database
from bot.workers import Shards, WorkerConfig, WorkerFailed

# We want the raw JSON (workers parse it), which PTB's own get_updates would not give.
warnings.filterwarnings("ignore", message=".*do_api_request.*getUpdates", category=PTBUserWarning)
POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates call open when there is nothing new
MAX_BACKOFF = 30.0  # seconds between retries while Telegram cannot be reached
logger = logging.getLogger(__name__)


def run_telegram(settings: Settings, kb: KnowledgeBase, knowledge_dir: Path) -> None:
    """Blocks until stopped (Ctrl+C / SIGTERM); PTB runs post_init and shutdown."""
    if settings.token is None:
        raise ValueError("run_telegram needs a token")
    if settings.workers > 1:
        asyncio.run(run_sharded(settings, knowledge_dir))
        return
    application = build_application(
        settings.token,
        kb,
        base_url=settings.api_base_url,
        database_path=settings.database_path,
        default_timezone=settings.default_timezone,
    )
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


async def run_sharded(settings: Settings, knowledge_dir: Path) -> None:
    """The front: start the workers, long-poll, route updates, until SIGINT or SIGTERM.

    Raises InvalidToken for a token Telegram refuses, WorkerFailed if a worker
    cannot start or dies.
    """
    assert settings.token is not None  # noqa: S101 - run_telegram checked
    await (await Database.open(settings.database_path)).close()  # migrate once, before workers
    bot = Bot(settings.token, base_url=settings.api_base_url or "https://api.telegram.org/bot")
    await bot.initialize()  # getMe: a refused token stops here, before any worker starts
    try:
        await bot.delete_webhook()  # long polling and a webhook cannot both be on
        secrets = tuple(s for s in (settings.token, settings.webhook_secret) if s)
        config = WorkerConfig(
            token=settings.token,
            knowledge_dir=knowledge_dir,
            database_path=settings.database_path,
            default_timezone=settings.default_timezone,
            base_url=settings.api_base_url,
            log_level=settings.log_level,
            secrets=secrets,
        )
        shards = Shards(config, settings.workers)
        await shards.start()
        logger.info("%d worker processes started; polling", settings.workers)
        try:
            await _poll_until_stopped(bot, shards)
        finally:
            codes = await shards.stop()
        if any(code != 0 for code in codes):
            raise WorkerFailed(f"worker exit codes {codes}")
    finally:
        await bot.shutdown()


async def _poll_until_stopped(bot: Bot, shards: Shards) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    offset: list[int | None] = [None]
    polling = asyncio.create_task(_poll(bot, shards, offset))
    stopping = asyncio.create_task(stop.wait())
    ending = asyncio.create_task(shards.ended.wait())  # systemd's SIGTERM reached a worker first
    failing = asyncio.create_task(shards.failed.wait())
    tasks = (polling, stopping, ending, failing)
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop_signal)
    if polling.done() and not polling.cancelled() and polling.exception():
        raise polling.exception()  # type: ignore[misc]
    if failing.done() and not failing.cancelled():
        raise WorkerFailed("a worker process stopped")
    await _confirm(bot, offset[0])


async def _poll(bot: Bot, shards: Shards, offset: list[int | None]) -> None:
    """getUpdates forever; each raw update goes to its chat's worker."""
    backoff = 1.0
    while True:
        try:
            updates: list[dict[str, Any]] = await bot.do_api_request(
                "getUpdates",
                api_kwargs={
                    "offset": offset[0],
                    "timeout": POLL_TIMEOUT,
                    "allowed_updates": Update.ALL_TYPES,
                },
                read_timeout=POLL_TIMEOUT + 10,
            )
        except TimedOut:
            continue
        except RetryAfter as exc:
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if isinstance(wait, dt.timedelta) else wait)
            continue
        except InvalidToken:
            raise
        except (NetworkError, TelegramError) as exc:  # Telegram down, or a Conflict
            logger.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        for update in updates:
            shards.dispatch(update)
            offset[0] = int(update["update_id"]) + 1
        await shards.drain()


async def _confirm(bot: Bot, offset: int | None) -> None:
    """Tell Telegram the last updates arrived, so a restart does not get them again."""
    if offset is None:
        return
    with contextlib.suppress(TelegramError):
        await bot.do_api_request(
            "getUpdates", api_kwargs={"offset": offset, "timeout": 0, "limit": 1}
        )
