"""Daily club tips: one repeating job posts each club's tip at its local time.

Durable like the check-ins: the schedule is in the database and a tip is
claimed (with today's date) before it is posted, so a restart never posts two
in one day, and tips rotate without repeats until every one has been used.
"""

from __future__ import annotations

import datetime as dt

from telegram import Bot
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.episodes import schedule_step
from bot.records import Club
from bot.schedule import zone_or_utc
from bot.services import Services, services_of
from bot.telegram_replies import deliver
from bot.tips import next_tip, tip_text

JOB_NAME = "club-tips:due"
BATCH_SIZE = 200


async def send_due_tips(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job's callback."""
    await run_due_tips(services_of(context.bot_data), context.bot)


async def run_due_tips(services: Services, bot: Bot) -> int:
    """Post every tip due now; the number posted."""
    now = services.now()
    posted = 0
    for club in await services.db.due_tips(now, BATCH_SIZE):
        posted += await _post_tip(services, bot, club, now)
    return posted


async def _post_tip(services: Services, bot: Bot, club: Club, now: dt.datetime) -> int:
    if club.next_tip is None or club.tips_time is None or not services.kb.tips:
        return 0
    step = schedule_step(
        club.next_tip, club.last_tip_date, 0, now, club.tips_time, zone_or_utc(club.tips_timezone)
    )
    db = services.db
    if step.action == "skip":
        await db.claim_tip(club.chat_id, None, step.local_date, step.next_due, new_round=False)
        return 0
    used = await db.tips_sent(club.chat_id)
    tip = next_tip(services.kb.tips, used)
    await db.claim_tip(
        club.chat_id, tip.id, step.local_date, step.next_due, new_round=tip.id in used
    )
    delivery = await deliver(
        bot.send_message(club.chat_id, tip_text(tip), parse_mode=ParseMode.HTML)
    )
    if delivery.outcome == "gone":
        await db.drop_club(club.chat_id)  # removed from the group: nothing more is posted
    elif delivery.outcome == "moved" and delivery.new_chat_id is not None:
        await db.move_club(club.chat_id, delivery.new_chat_id)
        await db.release_tip(delivery.new_chat_id, tip.id, club.last_tip_date, now)
    elif delivery.outcome == "retry":
        await db.release_tip(club.chat_id, tip.id, club.last_tip_date, now + delivery.retry_in)
    return int(delivery.outcome == "sent")
