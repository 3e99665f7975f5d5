"""Daily club tips from `knowledge/tips.yaml`: reading them, rotating them, and their text.

A running club's group chat gets one tip a day, in file order, with no repeat
until every tip has been sent. The caller keeps the ids already sent; this
module only decides which tip comes next and how it reads.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.validation import FieldReader, Problems, read_entry
from bot.yaml_lines import line_of

MIN_TIPS = 7  # a week without a repeat
MAX_TIP_CHARS = 280
_TIP_FIELDS = {"id", "text", "source"}


@dataclass(frozen=True)
class Tip:
    id: str
    text: str
    source: str


def _parse_tip(path: Path, raw: Any, line: int, problems: Problems) -> Tip | None:
    before = len(problems.messages)
    entry = read_entry(path, raw, line, problems, "tip", _TIP_FIELDS)
    if entry is None:
        return None
    fields, tip_id = entry
    tip = Tip(
        id=tip_id,
        text=fields.text("text", max_chars=MAX_TIP_CHARS),
        source=fields.text("source"),
    )
    return tip if len(problems.messages) == before else None


def parse_tips(path: Path, raw: Any, problems: Problems) -> tuple[Tip, ...]:
    """Validate `tips.yaml`; the valid tips in file order, every problem reported."""
    if not isinstance(raw, dict):
        problems.add(path, line_of(raw), "expected a mapping with a 'tips' list")
        return ()
    FieldReader(path, raw, problems, "tips file").check_known({"tips"})
    items = raw.get("tips")
    if not isinstance(items, list):
        problems.add(path, line_of(raw, "tips"), "'tips' must be a list of tips")
        return ()
    if len(items) < MIN_TIPS:
        where = line_of(raw, "tips")
        problems.add(path, where, f"'tips' needs at least {MIN_TIPS} tips, found {len(items)}")
    tips: list[Tip] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(items):
        line = line_of(items, index)
        tip = _parse_tip(path, item, line, problems)
        if tip is None:
            continue
        if tip.id in first_line:
            problems.add(
                path, line, f"duplicate tip id '{tip.id}' (first on line {first_line[tip.id]})"
            )
            continue
        first_line[tip.id] = line
        tips.append(tip)
    return tuple(tips)


def next_tip(tips: Sequence[Tip], used: Collection[str]) -> Tip:
    """The first tip not sent yet; once all have been sent, the first again (a new round)."""
    if not tips:
        raise ValueError("no tips to choose from")
    for tip in tips:
        if tip.id not in used:
            return tip
    return tips[0]


def tip_text(tip: Tip) -> str:
    """The tip as Telegram HTML, with its source and the disclaimer."""
    # Imported here: bot.replies imports bot.knowledge, which imports this module.
    from bot.replies import DISCLAIMER, escape

    return (
        f"<b>Club tip</b>\n{escape(tip.text)}\n\n<i>Source: {escape(tip.source)}</i>\n{DISCLAIMER}"
    )
