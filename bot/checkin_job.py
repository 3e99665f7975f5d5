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
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.episodes import schedule_step
from bot.services import Services, services_of
from bot.storage import Claim, User
from bot.telegram_replies import send_reply

JOB_NAME = "checkins:due"
BATCH_SIZE = 1_000
RETRY_AFTER_NETWORK_ERROR = dt.timedelta(minutes=5)
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")
logger = logging.getLogger(__name__)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def plan_batch(
    users: Sequence[User], now: dt.datetime
) -> tuple[list[Claim], list[tuple[int, dt.datetime]]]:
    """Which due users get a prompt (or the pause notice), and which only move on."""
    claims: list[Claim] = []
    skipped: list[tuple[int, dt.datetime]] = []
    for user in users:
        if user.next_due is None:
            continue
        tz = _zone(user.timezone)
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
                token=secrets.token_hex(4),
                pause=step.action == "pause",
            )
        )
    return claims, skipped


async def send_due_checkins(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job's callback."""
    await run_due_checkins(services_of(context.bot_data), context.bot)


async def run_due_checkins(services: Services, bot: Bot, batch_size: int = BATCH_SIZE) -> int:
    """Send every prompt due now, batch by batch; the number delivered."""
    now = services.now()
    delivered = 0
    while True:
        users = await services.db.due_users(now, batch_size)
        claims, skipped = plan_batch(users, now)
        await services.db.claim(claims, skipped)
        results = await asyncio.gather(*(_deliver(services, bot, claim, now) for claim in claims))
        delivered += sum(results)
        if len(users) < batch_size:
            return delivered


def _retry_after(error: RetryAfter) -> dt.timedelta:
    """Telegram's wait (a timedelta with PTB_TIMEDELTA on, see bot/__init__.py)."""
    wait = error.retry_after
    return wait if isinstance(wait, dt.timedelta) else dt.timedelta(seconds=float(wait))


async def _deliver(services: Services, bot: Bot, claim: Claim, now: dt.datetime) -> bool:
    reply = (
        say.paused_for_silence() if claim.pause else say.pain_question(claim.token, morning=True)
    )
    try:
        await send_reply(bot, claim.chat_id, reply)
    except Forbidden:
        await services.db.mark_inactive(claim.chat_id)  # blocked, kicked or deactivated
        return False
    except RetryAfter as exc:
        await services.db.release(claim, now + _retry_after(exc))
        return False
    except BadRequest as exc:
        if any(gone in exc.message.lower() for gone in _GONE):
            await services.db.mark_inactive(claim.chat_id)
        else:
            logger.warning("check-in prompt refused: %s", exc.message)
        return False
    except NetworkError:
        await services.db.release(claim, now + RETRY_AFTER_NETWORK_ERROR)  # TimedOut included
        return False
    return True
