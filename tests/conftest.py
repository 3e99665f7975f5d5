"""Shared fixtures: the real knowledge base and matcher, loaded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from bot.matcher import Matcher


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
