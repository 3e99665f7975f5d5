"""What handlers need, kept in `application.bot_data` under one typed key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.admin_cache import AdminCache
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from bot.recent_answers import RecentAnswers
from bot.storage import Database

_KEY = "runback.services"
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Services:
    kb: KnowledgeBase
    matcher: Matcher
    database_path: Path = Path(":memory:")
    default_timezone: str = "UTC"
    clock: Clock = system_clock  # tests pass a controllable one
    checkin_interval: float = 60.0  # seconds between looks at the check-in schedule
    # Sets the bot's commands and runs the scheduled jobs. With several worker
    # processes on one database, only worker 0 does (see bot/workers.py).
    leader: bool = True
    recent_answers: RecentAnswers = field(default_factory=RecentAnswers)
    admins: AdminCache = field(default_factory=AdminCache)
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        """The open database (opened in post_init, closed in post_shutdown)."""
        if self._db is None:
            raise RuntimeError("the database is not open yet")
        return self._db

    async def open_database(self) -> None:
        if self._db is None:
            self._db = await Database.open(self.database_path)

    async def close_database(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    def now(self) -> dt.datetime:
        return self.clock()


def install(bot_data: dict[Any, Any], services: Services) -> None:
    bot_data[_KEY] = services


def services_of(bot_data: dict[Any, Any]) -> Services:
    found = bot_data.get(_KEY)
    if not isinstance(found, Services):
        raise RuntimeError("RunBack services are not installed in bot_data")
    return found
