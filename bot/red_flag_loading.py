"""Reading `knowledge/red_flags.yaml` into `RedFlags`, with file-and-line problems."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.checked_regex import CheckedPattern
from bot.precheck_cache import PrecheckCache
from bot.red_flags import LEVELS, Level, LevelAdvice, Negation, RedFlags, Rule
from bot.regex_literals import LiteralCheck
from bot.text import normalise
from bot.validation import FieldReader, Problems
from bot.yaml_lines import line_of


def _compile(
    path: Path, raw: Any, line: int, problems: Problems, cache: PrecheckCache
) -> LiteralCheck | None:
    if not isinstance(raw, str) or not raw.strip():
        problems.add(path, line, "red-flag patterns must be non-empty text")
        return None
    source = rf"\b(?:{raw.strip()})\b"
    known = cache.get(source)
    try:
        return LiteralCheck(CheckedPattern(source, known_good=known is not None), known)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        problems.add(path, line, f"invalid pattern: {exc.msg}{where}")
        return None


def _parse_rule(
    path: Path, raw: Any, line: int, problems: Problems, cache: PrecheckCache
) -> Rule | None:
    if not isinstance(raw, dict):
        problems.add(path, line, "each red-flag rule must be a mapping")
        return None
    fields = FieldReader(path, raw, problems, f"red-flag rule '{raw.get('id')}'")
    fields.check_known({"id", "level", "says", "patterns", "scope", "others_cancel", "negatable"})
    others_cancel = raw.get("others_cancel", False)
    if not isinstance(others_cancel, bool):
        problems.add(path, line_of(raw, "others_cancel"), "others_cancel must be true or false")
    negatable = raw.get("negatable", True)
    if not isinstance(negatable, bool):
        problems.add(path, line_of(raw, "negatable"), "negatable must be true or false")
    scope = raw.get("scope", "clause")
    if scope not in {"clause", "message"}:
        problems.add(path, line_of(raw, "scope"), "scope must be 'clause' or 'message'")
    level = raw.get("level")
    if level not in LEVELS:
        problems.add(path, line_of(raw, "level"), f"level must be one of {', '.join(LEVELS)}")
        return None
    raw_patterns = raw.get("patterns")
    if not isinstance(raw_patterns, list) or not raw_patterns:
        problems.add(path, line_of(raw, "patterns"), "a rule needs a non-empty 'patterns' list")
        return None
    compiled = [
        _compile(path, item, line_of(raw_patterns, index), problems, cache)
        for index, item in enumerate(raw_patterns)
    ]
    checks = tuple(check for check in compiled if check is not None)
    return Rule(
        fields.text("id"),
        level,
        fields.text("says"),
        checks,
        whole_message=scope == "message",
        others_cancel=others_cancel is True,
        negatable=negatable is not False,
    )


def _parse_negation(path: Path, raw: Any, problems: Problems) -> Negation:
    if not isinstance(raw, dict):
        problems.add(path, line_of(raw), "'negation' must be a mapping")
        return Negation(0, (), (), ())
    fields = FieldReader(path, raw, problems, "negation")
    fields.check_known({"window", "before", "after", "uncertain", "others", "history"})
    return Negation(
        window=int(fields.number("window", low=1, high=20)),
        before=tuple(normalise(cue) for cue in fields.texts("before")),
        after=tuple(normalise(cue) for cue in fields.texts("after")),
        uncertain=tuple(normalise(cue) for cue in fields.texts("uncertain", required=False)),
        others=frozenset(normalise(w) for w in fields.texts("others", required=False)),
        history=tuple(normalise(cue) for cue in fields.texts("history", required=False)),
    )


def _parse_levels(path: Path, raw: Any, problems: Problems) -> dict[Level, LevelAdvice]:
    levels: dict[Level, LevelAdvice] = {}
    if not isinstance(raw, dict):
        problems.add(path, line_of(raw), "'levels' must map emergency and soon to their advice")
        return levels
    for level in LEVELS:
        advice = raw.get(level)
        if not isinstance(advice, dict):
            problems.add(path, line_of(raw, level), f"level '{level}' needs title, answer, source")
            continue
        fields = FieldReader(path, advice, problems, f"level '{level}'")
        fields.check_known({"title", "answer", "source"})
        levels[level] = LevelAdvice(
            fields.text("title"), fields.text("answer", max_chars=700), fields.text("source")
        )
    return levels


def parse_red_flags(
    path: Path, data: Any, problems: Problems, cache: PrecheckCache | None = None
) -> RedFlags:
    """Validate `red_flags.yaml`; problems are collected, a usable value always returned.

    With a `cache`, patterns that passed before are not parsed again (see
    `precheck_cache.py`), and the file is brought up to date when all is well.
    """
    cache = cache if cache is not None else PrecheckCache(None)
    empty = RedFlags({}, (), Negation(1, (), (), ()))
    if data is None:
        return empty
    if not isinstance(data, dict):
        problems.add(path, line_of(data), "expected a mapping with levels, negation and rules")
        return empty
    fields = FieldReader(path, data, problems, "red flags")
    fields.check_known({"levels", "negation", "rules", "spelling"})
    levels = _parse_levels(path, data.get("levels"), problems)
    negation = _parse_negation(path, data.get("negation"), problems)
    raw_rules = data.get("rules")
    rules: list[Rule] = []
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.add(path, line_of(data, "rules"), "'rules' must be a non-empty list")
    else:
        seen: set[str] = set()
        for index, raw in enumerate(raw_rules):
            rule = _parse_rule(path, raw, line_of(raw_rules, index), problems, cache)
            if rule is None:
                continue
            if rule.id in seen:
                problems.add(path, line_of(raw_rules, index), f"duplicate rule id '{rule.id}'")
            seen.add(rule.id)
            rules.append(rule)
    spelling = tuple(normalise(word) for word in fields.texts("spelling", required=False))
    if not problems.messages:
        cache.save({c.pattern.source: c.options for rule in rules for c in rule.checks})
    return RedFlags(levels, tuple(rules), negation, spelling)
