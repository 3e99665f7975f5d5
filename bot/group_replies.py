"""What the bot says in a running club's group chat (pure).

Group replies are short, carry their source, and never contain anyone's
health data: anything personal is a link into the private chat.
"""

from __future__ import annotations

from dataclasses import replace

from bot.knowledge import KnowledgeBase
from bot.matcher import Match
from bot.records import ClubStats
from bot.replies import DISCLAIMER, Button, Reply, clarify_reply, escape, reply_for, urgent_reply

TRACK_PRIVATELY = "Track your recovery privately"
MIN_MEMBERS_FOR_STATS = 5
_NO_RELATED = ()


def _with_link(reply: Reply, label: str, url: str) -> Reply:
    return replace(reply, buttons=(*reply.buttons, Button.link(label, url)), row_width=1)


def group_answer(kb: KnowledgeBase, match: Match, private_url: str) -> Reply:
    """A club member's question answered in the open, with the way into a private chat."""
    if match.kind == "urgent":
        urgent = urgent_reply(kb, match)
        return _with_link(
            replace(urgent, buttons=_NO_RELATED), "Talk to RunBack privately", private_url
        )
    if match.kind in {"answer", "smalltalk"} and match.topic is not None:
        return group_topic_answer(kb, match.topic, private_url)
    if match.kind == "clarify":
        return _with_link(clarify_reply(kb, match), TRACK_PRIVATELY, private_url)
    return _with_link(reply_for(kb, match), TRACK_PRIVATELY, private_url)


def group_topic_answer(kb: KnowledgeBase, topic_id: str, private_url: str) -> Reply:
    """A topic's answer for a group: short, sourced, no related buttons, the private link."""
    topic = kb.topic(topic_id)
    parts = [f"<b>{escape(topic.title)}</b>", escape(topic.answer)]
    if topic.kind != "smalltalk":
        parts.append(f"<i>Source: {escape(topic.source)}</i>\n{DISCLAIMER}")
    return _with_link(Reply("\n\n".join(parts)), TRACK_PRIVATELY, private_url)


def answered_recently() -> Reply:
    return Reply("I answered that a few minutes ago - see my reply just above.")


def ask_how() -> Reply:
    return Reply(
        "Ask me like this: <b>/ask can I run with a sore back?</b> - or mention me, or reply "
        "to one of my messages."
    )


def personal_in_group(command: str, private_url: str) -> Reply:
    return Reply(
        f"/{escape(command)} is personal, so let's do it in a private chat: nothing about "
        "your back is ever shown in this group.",
        (Button.link("Continue privately", private_url),),
    )


def admins_only() -> Reply:
    return Reply("Sorry, only the group's admins can change club settings.")


def clubtips_how() -> Reply:
    return Reply(
        "Daily club tips: <b>/clubtips on 07:30 Europe/London</b> (a time and a time zone) "
        "or <b>/clubtips off</b>."
    )


def clubtips_on(at: str, zone: str) -> Reply:
    return Reply(
        f"Done: a back-care tip every day at {escape(at)} ({escape(zone)}). "
        "Send /clubtips off to stop them."
    )


def clubtips_off() -> Reply:
    return Reply("Done: no more daily tips. /clubtips on 07:30 Europe/London turns them back on.")


def club_stats(stats: ClubStats) -> Reply:
    if stats.members < MIN_MEMBERS_FOR_STATS:
        return Reply(
            f"Club stats appear once at least {MIN_MEMBERS_FOR_STATS} members have chosen to "
            "be counted (they do it in a private chat with me). Not enough yet."
        )
    return Reply(
        f"<b>Club stats</b> (anonymous, {stats.members} members who chose to be counted)\n"
        f"With an active recovery plan: {stats.active_plans}\n"
        f"Back to running: {stats.back_to_running}"
    )
