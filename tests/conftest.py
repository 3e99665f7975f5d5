"""Shared fixtures: the real knowledge base and matcher (loaded once per session), a
copy of the knowledge directory to break, and a running bot on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from bot.matcher import Matcher
from bot.precheck_cache import CACHE_DIR_ENV
from tests.episode_driver import Clock, Harness

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in London


def pytest_configure(config: pytest.Config) -> None:
    """The red-flag pre-check cache in a directory of the test run's own, never the
    user's (child processes, such as the CLI's, inherit it)."""
    os.environ[CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="runback-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop(CACHE_DIR_ENV, ""), ignore_errors=True)


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
