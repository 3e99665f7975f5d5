"""Shared fixtures: the real knowledge base and matcher (loaded once per session), a
copy of the knowledge directory to break, and a running bot on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from bot.matcher import Matcher
from tests.episode_driver import Clock, Harness

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in London


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the real knowledge directory, to break on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


@pytest.fixture
async def bot(kb: KnowledgeBase, matcher: Matcher, tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot in London on a fresh SQLite file, its clock stopped at START."""
    harness = Harness(kb, matcher, tmp_path / "runback.sqlite3", Clock(START), "Europe/London")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
