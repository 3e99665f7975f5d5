"""Building the `Application`: one ordered list of handlers, start-up work in post_init."""

from __future__ import annotations

from pathlib import Path

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.constants import FloodLimit
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.checkin_job import JOB_NAME, send_due_checkins
from bot.club_tips_job import JOB_NAME as TIPS_JOB_NAME
from bot.club_tips_job import send_due_tips
from bot.handlers import club, clubs, flow, group_chat, private_chat
from bot.handlers.errors import on_error
from bot.handlers.personal import PERSONAL_COMMANDS
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from bot.services import Clock, Services, install, services_of, system_clock
from bot.update_order import ChatOrderedUpdateProcessor

PRIVATE_COMMANDS = [
    BotCommand("start", "Welcome and what RunBack does"),
    BotCommand("plan", "Start a recovery plan"),
    BotCommand("checkin", "Report how your back is today"),
    BotCommand("progress", "Your pain and stages as a chart"),
    BotCommand("settings", "Check-in time, time zone, usual running"),
    BotCommand("pause", "Pause the daily check-ins"),
    BotCommand("resume", "Turn the check-ins back on"),
    BotCommand("stop", "End your plan: back to normal"),
    BotCommand("export", "Download everything stored about you"),
    BotCommand("forget", "Delete everything stored about you"),
    BotCommand("clubs", "Clubs whose anonymous stats count you"),
    BotCommand("topics", "Everything RunBack can answer"),
    BotCommand("help", "How to use RunBack"),
    BotCommand("about", "Where the answers come from"),
]
GROUP_COMMANDS = [
    BotCommand("ask", "Ask RunBack about back pain and running"),
    BotCommand("clubtips", "Admins: a daily back-care tip (on 07:30 Europe/London | off)"),
    BotCommand("clubstats", "Admins: anonymous stats of members who opted in"),
    BotCommand("help", "How to use RunBack"),
    BotCommand("about", "Where the answers come from"),
]

# Edited messages are ignored everywhere: answering an edit would repeat or
# contradict an answer already given. Only new messages are handled.
_NEW = filters.UpdateType.MESSAGE
_PRIVATE = filters.ChatType.PRIVATE & _NEW
_GROUP = filters.ChatType.GROUPS & _NEW


CHECKIN_INTERVAL_SECONDS = 60.0
# Updates handled at once: each mostly waits on Telegram or SQLite, so one at a
# time would cap a busy club at a few a second. One chat's updates still go one
# after another (`update_order.py`). PTB's connection pool (256) is
# larger, as it must be. No ConversationHandler is used (PTB warns against both).
CONCURRENT_UPDATES = 64


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    services = services_of(application.bot_data)
    await services.open_database()
    services.matcher.match("hello")  # its one-off set-up now, not on a runner's first message
    if not services.leader:
        return
    await application.bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    jobs = application.job_queue
    if jobs is None:
        return
    # The schedules live in the database; these jobs only poll them. A late run
    # still sends what is due, so APScheduler must not skip it as a misfire.
    for name, callback in ((JOB_NAME, send_due_checkins), (TIPS_JOB_NAME, send_due_tips)):
        if not jobs.get_jobs_by_name(name):
            jobs.run_repeating(
                callback,
                interval=services.checkin_interval,
                first=1.0,
                name=name,
                job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    await services_of(application.bot_data).close_database()


def register_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in order: commands before free text, text before the non-text catch-all."""
    # Group -1 runs first for every update: a runner who went quiet (ignored
    # check-ins, or blocked the bot) is back as soon as they write anything.
    application.add_handler(
        MessageHandler(_PRIVATE, flow.on_any_private_update, block=True), group=-1
    )
    application.add_handler(CallbackQueryHandler(flow.on_any_private_update), group=-1)
    application.add_handler(CommandHandler("start", private_chat.on_start, filters=_PRIVATE))
    application.add_handler(CommandHandler("help", private_chat.on_help, filters=_NEW))
    application.add_handler(CommandHandler("about", private_chat.on_about, filters=_NEW))
    application.add_handler(CommandHandler("topics", private_chat.on_topics, filters=_PRIVATE))
    application.add_handler(CommandHandler("ask", private_chat.on_ask, filters=_PRIVATE))
    application.add_handler(CommandHandler("clubs", clubs.on_clubs, filters=_PRIVATE))
    for command, callback in PERSONAL_COMMANDS.items():
        application.add_handler(CommandHandler(command, callback, filters=_PRIVATE))
    # Groups: personal commands only ever answer with a link into the private chat.
    application.add_handler(
        CommandHandler(list(PERSONAL_COMMANDS), group_chat.on_personal_command, filters=_GROUP)
    )
    application.add_handler(CommandHandler("ask", group_chat.on_ask, filters=_GROUP))
    application.add_handler(CommandHandler("clubtips", club.on_clubtips, filters=_GROUP))
    application.add_handler(CommandHandler("clubstats", club.on_clubstats, filters=_GROUP))
    application.add_handler(CallbackQueryHandler(private_chat.on_button))
    application.add_handler(
        MessageHandler(_PRIVATE & filters.TEXT & ~filters.COMMAND, private_chat.on_question)
    )
    application.add_handler(
        MessageHandler(_GROUP & filters.TEXT & ~filters.COMMAND, group_chat.on_group_text)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, club.on_migration))
    application.add_handler(
        MessageHandler(_PRIVATE & filters.COMMAND, private_chat.on_unknown_command)
    )
    # Anything else in a private chat (photo, sticker, voice, location, document...).
    application.add_handler(MessageHandler(_PRIVATE & ~filters.TEXT, private_chat.on_non_text))
    # Blocked by a runner, or added to / removed from a club's group.
    application.add_handler(
        ChatMemberHandler(club.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_error_handler(on_error)


def build_application(
    token: str,
    kb: KnowledgeBase,
    *,
    base_url: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    matcher: Matcher | None = None,
    database_path: Path = Path(":memory:"),
    default_timezone: str = "UTC",
    clock: Clock = system_clock,
    checkin_interval: float = CHECKIN_INTERVAL_SECONDS,
    rate_limit: bool = True,
    concurrent_updates: int = CONCURRENT_UPDATES,
    workers: int = 1,
    leader: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot, with Telegram's network replaceable by `request` (tests, playground).

    `workers` > 1: this is one of that many processes sharing the bot, so it
    keeps to its share of Telegram's overall sending limit; only the `leader`
    sets the commands and runs the scheduled jobs.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(ChatOrderedUpdateProcessor(concurrent_updates))
    )
    if rate_limit:
        # Telegram's overall limit is for the whole bot: each worker keeps to its share.
        limiter = AIORateLimiter(overall_max_rate=FloodLimit.MESSAGES_PER_SECOND / workers)
        # PTB types the builder by its rate limiter's argument type; the builder is
        # still the same one, so mypy's complaint about the reassignment is moot.
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    if base_url is not None:
        builder = builder.base_url(base_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application = builder.build()
    services = Services(
        kb=kb,
        matcher=matcher or Matcher(kb),
        database_path=database_path,
        default_timezone=default_timezone,
        clock=clock,
        checkin_interval=checkin_interval,
        leader=leader,
    )
    install(application.bot_data, services)
    register_handlers(application)
    return application


async def start_up(application: Application) -> None:  # type: ignore[type-arg]
    """initialize() plus post_init, as run_polling does (playground, tests, polling)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)


async def shut_down(application: Application) -> None:  # type: ignore[type-arg]
    """shutdown() plus post_shutdown, as run_polling does."""
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
