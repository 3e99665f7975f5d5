"""Handling updates concurrently without answering a runner out of order.

PTB's `concurrent_updates` runs any two updates at once, so a runner who sends
"/start" and then a question straight away could get the answer before the
welcome. This processor keeps concurrency across chats but handles one chat's
updates one at a time, in the order they arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; within a chat, one after another."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # One lock per chat with an update in hand, and how many updates hold or wait on
        # it: the lock goes when the last one is done, so the dict stays small.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:  # no chat (an inline query, a poll): nothing to keep in order
            await coroutine
            return
        lock, users = self._locks.get(chat.id) or (asyncio.Lock(), 0)
        self._locks[chat.id] = (lock, users + 1)
        try:
            async with lock:  # asyncio locks are fair: waiters go in arrival order
                await coroutine
        finally:
            lock, users = self._locks[chat.id]
            if users == 1:
                del self._locks[chat.id]
            else:
                self._locks[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
