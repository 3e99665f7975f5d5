"""Breaking a copy of the knowledge base on purpose, and reading what load_knowledge says."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge


def problems_of(directory: Path) -> list[str]:
    """Every "file:line: reason" that loading `directory` reports (it must fail)."""
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return caught.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def assert_refused_at(path: Path, old: str, new: str, where: str, reason: str) -> None:
    """Edit `path`; loading must report `reason` on the line where `where` now stands."""
    edit(path, old, new)
    text = path.read_text(encoding="utf-8")
    expected_line = text[: text.index(where)].count("\n") + 1
    # A topic file lives in the knowledge base's topics/ folder.
    directory = path.parent.parent if path.parent.name == "topics" else path.parent
    problems = [p for p in problems_of(directory) if p.startswith(f"{path}:")]
    assert any(p.startswith(f"{path}:{expected_line}: ") and reason in p for p in problems), (
        expected_line,
        problems,
    )
