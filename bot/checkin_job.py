"""The morning check-ins: one repeating job sends whatever the database says is due.

Each batch is claimed (taken off the schedule) in one transaction before any
prompt is sent, so a crash or restart can never send a second prompt for the
same local day. The price: prompts claimed but not yet sent when the process
dies are lost for that day (at most one batch).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass

from telegram import Bot
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.episodes import schedule_step
from bot.handlers.flow import CHOICES, offered_choices
from bot.records import Claim, User
from bot.schedule import zone_or_utc
from bot.services import Services, services_of
from bot.telegram_replies import PreparedKeyboard, deliver, keyboard, send_reply

JOB_NAME = "checkins:due"
BATCH_SIZE = 1_000
logger = logging.getLogger(__name__)


def plan_batch(
    users: Sequence[User], now: dt.datetime
) -> tuple[list[Claim], list[tuple[int, dt.datetime]]]:
    """Which due users get a prompt (or the pause notice), and which only move on.

    A batch shares one question token: the token only has to tell a runner's
    current question from their older ones, and one keyboard serves the batch.
    """
    token = secrets.token_hex(4)
    claims: list[Claim] = []
    skipped: list[tuple[int, dt.datetime]] = []
    for user in users:
        if user.next_due is None:
            continue
        tz = zone_or_utc(user.timezone)
        step = schedule_step(
            user.next_due, user.last_prompt_date, user.unanswered, now, user.checkin_time, tz
        )
        if step.action == "skip":
            skipped.append((user.chat_id, step.next_due))
            continue
        claims.append(
            Claim(
                chat_id=user.chat_id,
                local_date=step.local_date,
                previous_prompt_date=user.last_prompt_date,
                next_due=step.next_due,
                token=token,
                pause=step.action == "pause",
            )
        )
    return claims, skipped


@dataclass(frozen=True)
class BatchReport:
    """One batch of the fan-out: its size and where the time went (milliseconds)."""

    users: int
    select_ms: float
    claim_ms: float
    send_ms: float
    delivered: int


async def send_due_checkins(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job's callback."""
    batches = await run_due_checkins(services_of(context.bot_data), context.bot)
    delivered = sum(batch.delivered for batch in batches)
    if delivered:
        logger.info("sent %d check-in prompts in %d batches", delivered, len(batches))


async def run_due_checkins(
    services: Services, bot: Bot, batch_size: int = BATCH_SIZE
) -> list[BatchReport]:
    """Send every prompt due now, batch by batch."""
    now = services.now()
    reports: list[BatchReport] = []
    while True:
        started = time.perf_counter()
        users = await services.db.due_users(now, batch_size)
        selected = time.perf_counter()
        claims, skipped = plan_batch(users, now)
        prompt = _Prompt.for_token(claims[0].token if claims else "")
        await services.db.claim(claims, skipped, {CHOICES: prompt.choices})
        claimed = time.perf_counter()
        results = await asyncio.gather(
            *(_deliver(services, bot, claim, prompt, now) for claim in claims)
        )
        sent = time.perf_counter()
        reports.append(
            BatchReport(
                len(users),
                (selected - started) * 1000,
                (claimed - selected) * 1000,
                (sent - claimed) * 1000,
                sum(results),
            )
        )
        if len(users) < batch_size:
            return reports


@dataclass(frozen=True)
class _Prompt:
    """The morning question, its keyboard built once per batch (PTB objects are costly)."""

    html: str
    markup: PreparedKeyboard | None
    choices: list[str]

    @classmethod
    def for_token(cls, token: str) -> _Prompt:
        reply = say.pain_question(token, morning=True)
        markup = keyboard(reply)
        prepared = PreparedKeyboard(markup) if markup else None
        return cls(reply.html, prepared, offered_choices(reply))


async def _deliver(
    services: Services, bot: Bot, claim: Claim, prompt: _Prompt, now: dt.datetime
) -> bool:
    sending: Awaitable[object]
    if claim.pause:
        sending = send_reply(bot, claim.chat_id, say.paused_for_silence())
    else:
        sending = bot.send_message(
            claim.chat_id, prompt.html, parse_mode=ParseMode.HTML, reply_markup=prompt.markup
        )
    delivery = await deliver(sending)
    if delivery.outcome == "gone":
        await services.db.mark_inactive(claim.chat_id)
    elif delivery.outcome == "retry":
        await services.db.release(claim, now + delivery.retry_in)
    return delivery.outcome == "sent"
