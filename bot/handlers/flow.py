"""The shared shape of every plan conversation: one runner, one open question, one reply.

A question is remembered in the database with a fresh token; its buttons carry
that token, so a button from an older message, or from someone else's chat,
never changes anything.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, Update
from telegram.ext import ContextTypes

from bot.episode_replies import no_plan, resumed_after_silence
from bot.records import Episode, User
from bot.replies import Reply
from bot.schedule import local_date, next_checkin, zone_or_utc
from bot.services import Services, services_of
from bot.telegram_replies import send_reply


@dataclass
class Turn:
    """One runner's update, with what every step needs to answer it."""

    services: Services
    bot: Bot
    user: User
    now: dt.datetime

    @property
    def chat_id(self) -> int:
        return self.user.chat_id

    @property
    def tz(self) -> ZoneInfo:
        return zone_or_utc(self.user.timezone)

    @property
    def today(self) -> dt.date:
        return local_date(self.now, self.tz)

    async def send(self, reply: Reply) -> None:
        await send_reply(self.bot, self.chat_id, reply)

    async def ask(
        self,
        kind: str,
        reply_for: Callable[[str], Reply],
        *,
        checkin_answered: bool = False,
        **draft: Any,
    ) -> None:
        """Send a question and remember it as the one whose answer is now expected.

        The choices its buttons offer are remembered too: a forged or mistyped
        button value is refused like a stale one.
        """
        token = secrets.token_hex(4)
        reply = reply_for(token)
        draft[CHOICES] = offered_choices(reply)
        await self.services.db.ask(
            self.chat_id, kind, token, draft, checkin_answered=checkin_answered
        )
        await self.send(reply)

    async def refresh(self) -> None:
        found = await self.services.db.user(self.chat_id)
        if found is not None:
            self.user = found


Step = Callable[[Turn, str], Awaitable[None]]
CHOICES = "_choices"  # in a question's draft: the button values it offered


def offered_choices(reply: Reply) -> list[str]:
    return [
        button.callback.token_and_choice[1]
        for button in reply.buttons
        if button.callback is not None and button.callback.action == "answer"
    ]


async def turn_for(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, create: bool = True
) -> Turn | None:
    """The private-chat runner behind an update, or None.

    `create=False` for a plain question: asking something stores nothing.
    """
    chat, sender = update.effective_chat, update.effective_user
    if chat is None or chat.type != "private" or sender is None or sender.id != chat.id:
        return None
    services = services_of(context.bot_data)
    now = services.now()
    if create:
        user: User | None = await services.db.ensure_user(chat.id, services.default_timezone, now)
    else:
        user = await services.db.user(chat.id)
    if user is None:
        return None
    return Turn(services, context.bot, user, now)


async def plan_turn(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Turn, Episode] | None:
    """The runner and their active plan; with no plan, says how to start one and gives None."""
    turn = await turn_for(update, context)
    if turn is None:
        return None
    episode = await turn.services.db.active_episode(turn.chat_id)
    if episode is None:
        await turn.send(no_plan())
        return None
    return turn, episode


async def on_any_private_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: any contact from a runner who went quiet turns them back on."""
    turn = await turn_for(update, context, create=False)
    if turn is not None and (turn.user.paused == "unanswered" or not turn.user.active):
        await _welcome_back(turn)


async def _welcome_back(turn: Turn) -> None:
    """A runner heard from again (after ignored check-ins, or after blocking the bot)."""
    db, user = turn.services.db, turn.user
    if not user.active:
        await db.mark_active(turn.chat_id)
    episode = await db.active_episode(turn.chat_id)
    if episode is None or episode.red_flag_open or user.paused == "by-user":
        await turn.refresh()
        return
    due = next_checkin(turn.now, user.checkin_time, turn.tz)
    await db.set_paused(turn.chat_id, None, due)
    await turn.refresh()
    await turn.send(resumed_after_silence())
