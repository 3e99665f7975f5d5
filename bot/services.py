"""What handlers need, kept in `application.bot_data` under one typed key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher

_KEY = "runback.services"


@dataclass(frozen=True)
class Services:
    kb: KnowledgeBase
    matcher: Matcher


def install(bot_data: dict[Any, Any], services: Services) -> None:
    bot_data[_KEY] = services


def services_of(bot_data: dict[Any, Any]) -> Services:
    found = bot_data.get(_KEY)
    if not isinstance(found, Services):
        raise RuntimeError("RunBack services are not installed in bot_data")
    return found
