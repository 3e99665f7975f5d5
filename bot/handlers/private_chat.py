"""Private chat: commands, free-text questions, buttons and non-text messages."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import replies
from bot.callback_data import decode
from bot.deep_links import parse_payload
from bot.handlers import answers, clubs, group_chat, plan
from bot.handlers.flow import turn_for
from bot.handlers.personal import PERSONAL_COMMANDS
from bot.knowledge import KnowledgeBase
from bot.replies import Reply
from bot.services import services_of
from bot.telegram_replies import acknowledge, send_reply


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    chat = update.effective_chat
    if chat is not None:
        await send_reply(context.bot, chat.id, reply)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, disclaimer and the three ways in; a group's deep link opens its flow.

    `/start plan` (from "/plan" typed in a group) starts that flow here;
    `/start club-100...` (from a group's answer) welcomes and offers its stats.
    Unknown or forged payloads get the plain welcome.
    """
    link = parse_payload(context.args[0] if context.args else None)
    if link is not None and link.kind == "flow":
        await PERSONAL_COMMANDS[link.flow](update, context)
        return
    await _send(update, context, replies.welcome_reply())
    if link is not None and link.kind == "club":
        turn = await turn_for(update, context)
        if turn is not None:
            await clubs.offer_club_stats(turn, link.club_id)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question> in the private chat: the same as typing the question."""
    question = " ".join(context.args or [])
    if not question.strip():
        await _send(update, context, replies.ask_prompt_reply())
        return
    await _answer(update, context, question)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot."""
    await _send(update, context, replies.help_reply())


async def on_about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Where the answers come from."""
    await _send(update, context, replies.about_reply())


async def on_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every topic as a button."""
    await _send(update, context, replies.topics_reply(services_of(context.bot_data).kb))


async def on_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A runner's own words: red flags first, then an answer, a 'did you mean' or a fallback."""
    message = update.message
    if message is None or message.text is None:
        return
    if await answers.answered_as_text(update, context):
        return
    await _answer(update, context, message.text)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    services = services_of(context.bot_data)
    match = services.matcher.match(question)
    await _send(update, context, replies.reply_for(services.kb, match))
    if match.kind == "urgent":
        await answers.hold_plan_for_red_flag(update, context, match)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tapped button: answer the callback first, then send what it asked for."""
    query = update.callback_query
    if query is None:
        return
    callback = decode(query.data)
    if callback is not None and callback.action == "answer":
        await answers.on_answer_button(update, context, callback)
        return
    kb = services_of(context.bot_data).kb
    if callback is None or (callback.action == "topic" and callback.value not in kb.topics):
        await acknowledge(query, replies.STALE_BUTTON)
        return
    await acknowledge(query)
    if callback.action == "menu" and callback.value == "plan":
        turn = await turn_for(update, context)
        if turn is not None:
            await plan.start_plan(turn)
        return
    chat = update.effective_chat
    if callback.action == "topic" and chat is not None and chat.type != "private":
        await group_chat.answer_button_in_group(update, context, callback.value)
        return
    if callback.action == "topic":
        reply = replies.answer_reply(kb, kb.topic(callback.value))
    else:
        reply = _menu_reply(callback.value, kb)
    await _send(update, context, reply)


def _menu_reply(item: str, kb: KnowledgeBase) -> Reply:
    if item == "topics":
        return replies.topics_reply(kb)
    if item == "help":
        return replies.help_reply()
    return replies.ask_prompt_reply()


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice, locations, documents: we read text."""
    await _send(update, context, replies.non_text_reply())


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we don't have."""
    await _send(update, context, replies.unknown_command_reply())
