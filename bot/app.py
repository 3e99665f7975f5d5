"""Building the `Application`: one ordered list of handlers, start-up work in post_init."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.handlers import private_chat
from bot.handlers.errors import on_error
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from bot.services import Services, install

PRIVATE_COMMANDS = [
    BotCommand("start", "Welcome and what RunBack does"),
    BotCommand("topics", "Everything RunBack can answer"),
    BotCommand("help", "How to use RunBack"),
    BotCommand("about", "Where the answers come from"),
]
GROUP_COMMANDS = [
    BotCommand("help", "How to use RunBack"),
    BotCommand("about", "Where the answers come from"),
]

# Edited messages are ignored everywhere: answering an edit would repeat or
# contradict an answer already given. Only new messages are handled.
_NEW = filters.UpdateType.MESSAGE
_PRIVATE = filters.ChatType.PRIVATE & _NEW


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    await application.bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())


def register_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in order: commands before free text, text before the non-text catch-all."""
    application.add_handler(CommandHandler("start", private_chat.on_start, filters=_PRIVATE))
    application.add_handler(CommandHandler("help", private_chat.on_help, filters=_NEW))
    application.add_handler(CommandHandler("about", private_chat.on_about, filters=_NEW))
    application.add_handler(CommandHandler("topics", private_chat.on_topics, filters=_PRIVATE))
    application.add_handler(CallbackQueryHandler(private_chat.on_button))
    application.add_handler(
        MessageHandler(_PRIVATE & filters.TEXT & ~filters.COMMAND, private_chat.on_question)
    )
    application.add_handler(
        MessageHandler(_PRIVATE & filters.COMMAND, private_chat.on_unknown_command)
    )
    # Anything else in a private chat (photo, sticker, voice, location, document...).
    application.add_handler(MessageHandler(_PRIVATE & ~filters.TEXT, private_chat.on_non_text))
    application.add_error_handler(on_error)


def build_application(
    token: str,
    kb: KnowledgeBase,
    *,
    base_url: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    matcher: Matcher | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot, with Telegram's network replaceable by `request` (tests, playground)."""
    builder = (
        ApplicationBuilder().token(token).rate_limiter(AIORateLimiter()).post_init(_post_init)
    )
    if base_url is not None:
        builder = builder.base_url(base_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application = builder.build()
    install(application.bot_data, Services(kb=kb, matcher=matcher or Matcher(kb)))
    register_handlers(application)
    return application


async def start_up(application: Application) -> None:  # type: ignore[type-arg]
    """initialize() plus post_init, as run_polling does (playground, tests, polling)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
