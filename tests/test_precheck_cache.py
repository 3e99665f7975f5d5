"""The red-flag pre-checks remembered between runs: the same screen, never a stale one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.quality import LABELLED, load_examples
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.matcher import Matcher
from bot.precheck_cache import PrecheckCache, _checksum
from tests.knowledge_edits import edit, line_of


def _hits(kb: KnowledgeBase, texts: list[str]) -> list[str | None]:
    hits = [kb.red_flags.find(text) for text in texts]
    return [None if hit is None else f"{hit.rule.id}: {hit.phrase}" for hit in hits]


def _options(kb: KnowledgeBase) -> dict[str, object]:
    return {c.pattern.source: c.options for rule in kb.red_flags.rules for c in rule.checks}


def test_a_later_start_screens_exactly_as_the_first(tmp_path: Path) -> None:
    texts = [example.text for example in load_examples(LABELLED)]
    stale = tmp_path / "prechecks-0123456789abcdef.json"  # an earlier version's file
    stale.write_text("{}", encoding="utf-8")
    first = load_knowledge(cache=PrecheckCache(tmp_path))
    cached = list(tmp_path.glob("prechecks-*.json"))
    assert len(cached) == 1
    assert not stale.exists()
    later = load_knowledge(cache=PrecheckCache(tmp_path))
    without = load_knowledge(cache=PrecheckCache(None))
    assert _options(later) == _options(first) == _options(without)
    assert _hits(later, texts) == _hits(without, texts)
    assert sum(hit is not None for hit in _hits(later, texts)) > 50
    assert Matcher(later).match("can I take tylenol").topic == "acetaminophen"


def test_an_edited_pattern_is_checked_again(kb_copy: Path, tmp_path: Path) -> None:
    rules = kb_copy / "red_flags.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "wet myself|wet meself" in text
    load_knowledge(kb_copy, cache=PrecheckCache(tmp_path))
    message = "since Tuesday I puddled without noticing, twice"
    assert load_knowledge(kb_copy, cache=PrecheckCache(tmp_path)).red_flags.find(message) is None
    # A new pattern takes effect at once...
    edit(rules, "wet myself|wet meself", "wet myself|puddled|wet meself")
    edited = load_knowledge(kb_copy, cache=PrecheckCache(tmp_path))
    hit = edited.red_flags.find(message)
    assert hit is not None
    assert hit.level == "emergency"
    # ...and a broken one is refused with its line, whatever the cache held before.
    edit(rules, "|puddled|", "|pud(dled|")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb_copy, cache=PrecheckCache(tmp_path))
    problems = caught.value.problems
    where = line_of(rules, "|pud(dled|")
    assert any(p.startswith(f"{rules}:{where}: invalid pattern") for p in problems), problems


def _damage(text: str, how: str) -> str:
    """The cache file's text, damaged in one of several ways."""
    if how == "a literal changed, still valid JSON":  # the dangerous kind
        assert '" numb "' in text
        return text.replace('" numb "', '" nunb "')
    if how == "well-formed, with its checksum, but not pre-checks":
        patterns = {"\\bpain\\b": [[["pain"], 7]]}
        return json.dumps({"checksum": _checksum(patterns), "patterns": patterns})
    return {"empty": "", "not JSON": "{not json", "a list": "[1, 2, 3]"}[how]


@pytest.mark.parametrize(
    "how",
    [
        "empty",
        "not JSON",
        "a list",
        "a literal changed, still valid JSON",
        "well-formed, with its checksum, but not pre-checks",
    ],
)
def test_a_damaged_cache_file_costs_only_time(tmp_path: Path, how: str) -> None:
    reference = load_knowledge(cache=PrecheckCache(None))
    load_knowledge(cache=PrecheckCache(tmp_path))
    (cached,) = tmp_path.glob("prechecks-*.json")
    cached.write_text(_damage(cached.read_text(encoding="utf-8"), how), encoding="utf-8")
    kb = load_knowledge(cache=PrecheckCache(tmp_path))
    assert _options(kb) == _options(reference)
    assert kb.red_flags.find("my bum has gone numb and my back hurts") is not None
    rewritten = json.loads(cached.read_text(encoding="utf-8"))
    assert len(rewritten["patterns"]) == len(_options(reference))


def test_a_cache_directory_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    kb = load_knowledge(cache=PrecheckCache(blocker / "runback"))
    assert kb.red_flags.find("I can't feel it when I wipe") is not None
    assert blocker.read_text(encoding="utf-8").startswith("a file")
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-directory"]
