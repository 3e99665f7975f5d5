"""The personal commands: private-chat only, and what a group's deep link can open."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers import account, checkin, history, plan

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

PERSONAL_COMMANDS: dict[str, Handler] = {
    "plan": plan.on_plan,
    "checkin": checkin.on_checkin,
    "progress": history.on_progress,
    "export": history.on_export,
    "settings": account.on_settings,
    "pause": account.on_pause,
    "resume": account.on_resume,
    "stop": account.on_stop,
    "forget": account.on_forget,
}
