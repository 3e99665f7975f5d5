"""Club tips load, rotate without repeats, read as safe HTML, and broken files name their line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge
from bot.replies import DISCLAIMER
from bot.tips import MAX_TIP_CHARS, Tip, next_tip, tip_text
from tests.knowledge_edits import assert_refused_at, edit, problems_of

DOSE = re.compile(r"\d\s*(mg|milligrams?)\b", re.IGNORECASE)


def test_real_tips_load_with_unique_ids_and_no_doses(kb: KnowledgeBase) -> None:
    tips = load_knowledge().tips
    assert tips == kb.tips
    assert len(tips) >= 20
    ids = [tip.id for tip in tips]
    assert len(set(ids)) == len(ids)
    for tip in tips:
        assert 0 < len(tip.text) <= MAX_TIP_CHARS, tip.id
        assert tip.source, tip.id
        assert not DOSE.search(tip.text), tip.id


def test_rotation_visits_every_tip_once_then_starts_again(kb: KnowledgeBase) -> None:
    used: list[str] = []
    for _ in kb.tips:
        tip = next_tip(kb.tips, used)
        assert tip.id not in used
        used.append(tip.id)
    assert used == [tip.id for tip in kb.tips]
    assert next_tip(kb.tips, used) == kb.tips[0]
    # Ids of tips since removed from the file do not stop the rotation.
    assert next_tip(kb.tips, {"retired-tip", kb.tips[0].id}) == kb.tips[1]


def test_next_tip_needs_tips() -> None:
    with pytest.raises(ValueError, match="no tips"):
        next_tip((), set())


def test_tip_text_is_escaped_html_with_source_and_disclaimer() -> None:
    tip = Tip("pace", "Easy <b>pace</b> & flat ground.", "Dr. A & B <site>")
    assert tip_text(tip) == (
        "<b>Club tip</b>\nEasy &lt;b&gt;pace&lt;/b&gt; &amp; flat ground.\n\n"
        f"<i>Source: Dr. A &amp; B &lt;site&gt;</i>\n{DISCLAIMER}"
    )


# Broken tips files: every mistake names tips.yaml and the line to fix.


LONG_TEXT = "x" * (MAX_TIP_CHARS + 1)

# (old text, new text, the line to expect (found by this text after the edit), reason)
BROKEN = [
    (
        "  - id: it-usually-passes\n",
        "  - id: keep-moving\n",
        "  - id: keep-moving\n    text: >-\n      Most",
        "duplicate tip id 'keep-moving' (first on line ",
    ),
    (
        "  - id: walk-first\n    text: >-\n",
        f"  - id: walk-first\n    text: {LONG_TEXT}\n    old: >-\n",
        f"text: {LONG_TEXT}",
        f"tip 'walk-first': 'text' is {MAX_TIP_CHARS + 1} characters; the limit is 280",
    ),
    (
        "    source: NICE and NHS red-flag pathways (RunBack clinical notes)\n\n  - id: heat",
        "\n  - id: heat",
        "  - id: emergency-signs",
        "tip 'emergency-signs': missing required field 'source'",
    ),
    (
        "  - id: pain-scale\n",
        "  - id: pain-scale\n    tags: [pain]\n",
        "tags: [pain]",
        "tip 'pain-scale': unknown field 'tags'",
    ),
    ("  - id: walk-first\n", "  - id: Walk_First\n", "id: Walk_First", "lower-case-with-dashes"),
    ("  - id: walk-first\n", "  - walk-first\n  - id: x\n", "  - walk-first", "must be a mapping"),
    ("tips:\n", "tips: daily\nold:\n", "tips: daily", "'tips' must be a list of tips"),
    ("tips:\n", "tip:\n", "tip:\n  - id: keep-moving", "unknown field 'tip'"),
]


@pytest.mark.parametrize(("old", "new", "where", "reason"), BROKEN)
def test_broken_tips_are_refused_with_file_and_line(
    kb_copy: Path, old: str, new: str, where: str, reason: str
) -> None:
    path = kb_copy / "tips.yaml"
    assert_refused_at(path, old, new, where, reason)


def test_duplicate_id_names_the_first_line(kb_copy: Path) -> None:
    path = kb_copy / "tips.yaml"
    edit(path, "  - id: it-usually-passes\n", "  - id: keep-moving\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    first, second = (n for n, line in enumerate(lines, 1) if line == "  - id: keep-moving")
    assert f"{path}:{second}: duplicate tip id 'keep-moving' (first on line {first})" in (
        problems_of(kb_copy)
    )


@pytest.mark.parametrize("content", ["", "# nothing but a comment\n"])
def test_empty_tips_file_is_refused_at_line_one(kb_copy: Path, content: str) -> None:
    path = kb_copy / "tips.yaml"
    path.write_text(content, encoding="utf-8")
    assert f"{path}:1: expected a mapping with a 'tips' list" in problems_of(kb_copy)


def test_too_few_tips_is_refused(kb_copy: Path) -> None:
    path = kb_copy / "tips.yaml"
    tips = "".join(f"  - {{id: tip-{n}, text: Walk first., source: de las Alas}}\n" for n in "abc")
    path.write_text(f"# three only\ntips:\n{tips}", encoding="utf-8")
    assert f"{path}:2: 'tips' needs at least 7 tips, found 3" in problems_of(kb_copy)


def test_missing_tips_file_is_reported(kb_copy: Path) -> None:
    (kb_copy / "tips.yaml").unlink()
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"{kb_copy / 'tips.yaml'}:1: cannot read file") for p in problems)


def test_every_tip_mistake_is_reported_at_once(kb_copy: Path) -> None:
    path = kb_copy / "tips.yaml"
    edit(path, "  - id: walk-first\n", "  - id: walk-first\n    tags: [walk]\n")
    edit(path, "  - id: hard-fall\n", "  - id: keep-moving\n")
    problems = "\n".join(problems_of(kb_copy))
    assert "unknown field 'tags'" in problems
    assert "duplicate tip id 'keep-moving'" in problems
