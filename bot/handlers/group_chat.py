"""Running clubs' group chats: answers when asked, links into private chats for the rest.

Telegram's privacy mode (on by default) only delivers commands, mentions and
replies to the bot; the same rules are applied here in case the bot is an
admin and sees everything: anything not addressed to it is left alone.
"""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from bot import group_replies as say
from bot.deep_links import club_payload, flow_payload
from bot.services import Services, services_of
from bot.telegram_replies import send_reply
from bot.text import normalise


def addressed_question(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message meant for the bot, without the @mention; else None."""
    text = message.text or ""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    mention = f"@{bot_username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.lower() == mention:
            start, end = entity.offset, entity.offset + entity.length
            return (text[:start] + text[end:]).strip()
    return None


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message: answered only when it mentions the bot or replies to it."""
    message = update.message
    if message is None or message.text is None:
        return
    question = addressed_question(message, context.bot.username, context.bot.id)
    if question is not None:
        await answer_in_group(update, context, question)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question> (or /ask@RunBackBot) in a group; a bare /ask is told how."""
    await answer_in_group(update, context, " ".join(context.args or []))


async def answer_in_group(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> None:
    """Warning signs always get an answer; the same question within minutes gets a pointer;
    an empty one gets how to ask."""
    message, chat = update.message, update.effective_chat
    if message is None or chat is None:
        return
    services = services_of(context.bot_data)
    await remember_club(services, chat.id, chat.title or "")
    match = services.matcher.match(question) if question.strip() else None
    if match is None:
        await send_reply(context.bot, chat.id, say.ask_how(), message.message_id)
        return
    now = services.now()
    key = match.topic or normalise(question)
    if match.kind != "urgent" and services.recent_answers.earlier(chat.id, key, now):
        await send_reply(context.bot, chat.id, say.answered_recently(), message.message_id)
        return
    link = create_deep_linked_url(context.bot.username, club_payload(chat.id))
    sent = await send_reply(
        context.bot, chat.id, say.group_answer(services.kb, match, link), message.message_id
    )
    if sent:
        services.recent_answers.remember(chat.id, key, now, sent[0].message_id)


async def remember_club(services: Services, chat_id: int, title: str) -> None:
    club = await services.db.club(chat_id)
    if club is None or club.title != title:
        await services.db.ensure_club(chat_id, title, services.now())


async def on_personal_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plan, /checkin, /progress... in a group: never here, always a link to the private chat."""
    message = update.message
    if message is None or message.text is None:
        return
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    link = create_deep_linked_url(context.bot.username, flow_payload(command))
    await send_reply(
        context.bot, message.chat_id, say.personal_in_group(command, link), message.message_id
    )


async def answer_button_in_group(
    update: Update, context: ContextTypes.DEFAULT_TYPE, topic_id: str
) -> None:
    """A "did you mean" choice tapped by anyone in the group: answered under the question."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    services = services_of(context.bot_data)
    original = query.message.reply_to_message if isinstance(query.message, Message) else None
    link = create_deep_linked_url(context.bot.username, club_payload(chat.id))
    reply = say.group_topic_answer(services.kb, topic_id, link)
    await send_reply(context.bot, chat.id, reply, original.message_id if original else None)
