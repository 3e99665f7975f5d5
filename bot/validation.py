"""Collecting precise, file-and-line problems while reading hand-edited YAML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.yaml_lines import line_of

ID_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` holds one 'file:line: reason' per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Problems:
    """Accumulates every mistake in a file so an admin can fix them in one pass."""

    messages: list[str] = field(default_factory=list)

    def add(self, path: Path, line: int, reason: str) -> None:
        self.messages.append(f"{path}:{line}: {reason}")

    def raise_if_any(self) -> None:
        if self.messages:
            raise KnowledgeError(self.messages)


@dataclass
class FieldReader:
    """Typed access to one YAML mapping, reporting wrong or missing fields with their line."""

    path: Path
    mapping: dict[str, Any]
    problems: Problems
    what: str

    def _report(self, key: str, reason: str) -> None:
        self.problems.add(self.path, line_of(self.mapping, key), f"{self.what}: {reason}")

    def check_known(self, allowed: set[str]) -> None:
        for key in self.mapping:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self._report(str(key), f"unknown field '{key}' (expected one of: {expected})")

    def text(self, key: str, *, required: bool = True, max_chars: int | None = None) -> str:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self._report(key, f"missing required field '{key}'")
            return ""
        if not isinstance(value, str) or not value.strip():
            self._report(key, f"'{key}' must be non-empty text")
            return ""
        if max_chars is not None and len(value.strip()) > max_chars:
            self._report(
                key, f"'{key}' is {len(value.strip())} characters; the limit is {max_chars}"
            )
        return value.strip()

    def texts(self, key: str, *, required: bool = True, min_items: int = 0) -> list[str]:
        value = self.mapping.get(key)
        if value is None:
            if required:
                self._report(key, f"missing required field '{key}'")
            return []
        if not isinstance(value, list):
            self._report(key, f"'{key}' must be a list of texts")
            return []
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problems.add(
                    self.path, line_of(value, index), f"{self.what}: '{key}' items must be text"
                )
            else:
                items.append(item.strip())
        if len(value) < min_items:
            self._report(key, f"'{key}' needs at least {min_items} items, found {len(value)}")
        return items

    def flag(self, key: str) -> bool:
        """An optional true/false field (absent: false)."""
        value = self.mapping.get(key, False)
        if not isinstance(value, bool):
            self._report(key, f"'{key}' must be true or false")
            return False
        return value

    def number(self, key: str, *, low: float, high: float) -> float:
        value = self.mapping.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._report(key, f"'{key}' must be a number between {low} and {high}")
            return low
        if not low <= value <= high:
            self._report(key, f"'{key}' is {value}; it must be between {low} and {high}")
        return float(value)

    def date(self, key: str) -> dt.date | None:
        value = self.mapping.get(key)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if value is None:
            self._report(key, f"missing required field '{key}'")
        else:
            self._report(key, f"'{key}' must be a date like 2026-11-25")
        return None


def read_entry(
    path: Path, raw: Any, line: int, problems: Problems, kind: str, allowed: set[str]
) -> tuple[FieldReader, str] | None:
    """One entry of a list (a topic, a stage, a tip): a mapping of known fields with a
    lower-case-with-dashes `id`. Its reader and id, or None if it is not a mapping."""
    if not isinstance(raw, dict):
        expected = ", ".join(sorted(allowed))
        problems.add(path, line, f"each {kind} must be a mapping ({expected})")
        return None
    raw_id = raw.get("id")
    fields = FieldReader(
        path, raw, problems, f"{kind} '{raw_id}'" if isinstance(raw_id, str) else kind
    )
    fields.check_known(allowed)
    entry_id = fields.text("id")
    if entry_id and not ID_SHAPE.match(entry_id):
        problems.add(path, line_of(raw, "id"), f"{fields.what}: id must be lower-case-with-dashes")
    return fields, entry_id
