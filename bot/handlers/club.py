"""Club admin commands (/clubtips, /clubstats) and the bot's own membership of groups."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Chat, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import group_replies as say
from bot.club_commands import ClubTipsProblem, parse_clubtips
from bot.handlers.group_chat import remember_club
from bot.replies import Reply, escape
from bot.schedule import next_checkin
from bot.services import services_of
from bot.telegram_replies import send_reply

_ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
_GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}
RUNNING_FROM_STAGE = "walk-run"  # "back to running": this stage of the ladder or later


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Telegram says so (getChatMember, cached briefly); anonymous admins post as the group."""
    message, chat = update.message, update.effective_chat
    if message is None or chat is None:
        return False
    if message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin of this very group
    user = message.from_user
    if user is None:
        return False
    services = services_of(context.bot_data)
    now = services.now()
    known = services.admins.get(chat.id, user.id, now)
    if known is None:
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError:
            return False  # can't tell: the safe answer is no
        known = member.status in _ADMINS
        services.admins.put(chat.id, user.id, known, now)
    return known


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    message = update.message
    if message is not None:
        await send_reply(context.bot, message.chat_id, reply, message.message_id)


async def _admins_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Chat | None:
    """The group, if an admin sent the command; anyone else gets a polite refusal."""
    chat = update.effective_chat
    if chat is None:
        return None
    if not await _is_admin(update, context):
        await _reply(update, context, say.admins_only())
        return None
    return chat


async def on_clubtips(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/clubtips on 07:30 Europe/London | off (admins only)."""
    chat = await _admins_chat(update, context)
    if chat is None:
        return
    request = parse_clubtips(list(context.args or []))
    if isinstance(request, ClubTipsProblem):
        await _reply(update, context, Reply(escape(request.message)))
        return
    services = services_of(context.bot_data)
    await remember_club(services, chat.id, chat.title or "")
    if not request.on or request.at is None or request.timezone is None:
        await services.db.set_club_tips(chat.id, None, None, None)
        await _reply(update, context, say.clubtips_off())
        return
    first = next_checkin(services.now(), request.at, ZoneInfo(request.timezone))
    await services.db.set_club_tips(chat.id, request.at, request.timezone, first)
    await _reply(update, context, say.clubtips_on(request.at.strftime("%H:%M"), request.timezone))


async def on_clubstats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/clubstats (admins only): anonymous counts, only with enough members counted."""
    chat = await _admins_chat(update, context)
    if chat is None:
        return
    services = services_of(context.bot_data)
    running_from = services.kb.ladder.index_of(RUNNING_FROM_STAGE)
    stats = await services.db.club_stats(chat.id, running_from)
    await _reply(update, context, say.club_stats(stats))


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot's own membership changed.

    Private chat: the runner blocked the bot (Telegram says so before any send
    fails), so no more check-ins. Group: added (remember the club) or removed
    (forget its settings, post nothing more).
    """
    change = update.my_chat_member
    if change is None:
        return
    services = services_of(context.bot_data)
    chat, gone = change.chat, change.new_chat_member.status in _GONE
    if chat.type == "private":
        if gone and await services.db.user(chat.id) is not None:
            await services.db.mark_inactive(chat.id)
    elif chat.type not in ("group", "supergroup"):
        return  # a channel is not a club: nothing to remember
    elif gone:
        await services.db.drop_club(chat.id)
    else:
        await remember_club(services, chat.id, chat.title or "")


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its settings move to the new chat id."""
    message = update.message
    if message is None:
        return
    services = services_of(context.bot_data)
    if message.migrate_to_chat_id is not None:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    await services.db.move_club(old, new)
    services.recent_answers.move(old, new)
