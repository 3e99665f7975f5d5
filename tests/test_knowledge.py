"""The knowledge base loads, covers the spec, and every kind of mistake is refused precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import MAX_ANSWER_CHARS, REQUIRED_TOPIC_IDS, KnowledgeBase
from tests.knowledge_edits import assert_refused_at, edit, line_of, problems_of

DOSE = re.compile(r"\b\d+\s?(mg|milligrams?|tablets?|pills?|times a day)\b", re.IGNORECASE)


def test_every_spec_topic_exists_with_its_fields(kb: KnowledgeBase) -> None:
    assert set(REQUIRED_TOPIC_IDS) <= set(kb.topics)
    for topic in kb.topics.values():
        assert len(topic.questions) >= 6, topic.id
        assert 0 < len(topic.answer) <= MAX_ANSWER_CHARS, topic.id
        assert topic.source, topic.id
        assert set(topic.related) <= set(kb.topics), topic.id
    assert kb.topic("red-flags").kind == "urgent"
    assert {kb.topic("greeting").kind, kb.topic("thanks").kind} == {"smalltalk"}


def test_no_answer_gives_a_dose(kb: KnowledgeBase) -> None:
    texts = [t.answer for t in kb.topics.values()] + [
        a.answer for a in kb.red_flags.levels.values()
    ]
    assert [text for text in texts if DOSE.search(text)] == []


def test_yaml_syntax_error_names_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "topics" / "medicines.yaml"
    edit(path, "  related: [acetaminophen, acute-relief, opioids]", "  related: [acetaminophen")
    line = line_of(path, "  related: [acetaminophen")
    problems = problems_of(kb_copy)
    # The file's topics are then missing too; the syntax error comes first.
    assert re.match(
        rf"^{re.escape(str(path))}:{line + 2}: invalid YAML: while parsing", problems[0]
    )


def test_duplicate_key_is_an_error_not_a_silent_overwrite(kb_copy: Path) -> None:
    path = kb_copy / "topics" / "medicines.yaml"
    edit(path, "  kind: answer\n", "  kind: answer\n  kind: urgent\n")
    line = line_of(path, "  kind: urgent")
    problems = problems_of(kb_copy)
    assert problems[0] == (
        f"{path}:{line}: invalid YAML: duplicate key 'kind' (first on line {line - 1})"
    )


def test_missing_field_wrong_type_and_long_answer_are_each_reported(kb_copy: Path) -> None:
    path = kb_copy / "topics" / "medicines.yaml"
    edit(path, "  title: Ibuprofen and NSAIDs\n", "")
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  keywords:"), text.index("  answer:")
    path.write_text(text[:start] + "  keywords: tylenol\n" + text[end:], encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  answer:"), text.index("  source:")
    long_answer = "  answer: " + "x" * (MAX_ANSWER_CHARS + 1) + "\n"
    path.write_text(text[:start] + long_answer + text[end:], encoding="utf-8")
    problems = "\n".join(problems_of(kb_copy))
    assert f"{path}:1: topic 'nsaids': missing required field 'title'" in problems
    assert "'keywords' must be a list of texts" in problems
    assert "is 701 characters; the limit is 700" in problems


def test_duplicate_and_missing_ids_and_bad_related(kb_copy: Path) -> None:
    path = kb_copy / "topics" / "medicines.yaml"
    edit(path, "- id: acetaminophen", "- id: nsaids")
    edit(path, "related: [acetaminophen, acute-relief, opioids]", "related: [no-such-topic]")
    problems = "\n".join(problems_of(kb_copy))
    assert re.search(
        rf"{re.escape(str(path))}:\d+: duplicate topic id 'nsaids' \(first at", problems
    )
    assert "missing topic 'acetaminophen' (required by spec/topics.md)" in problems
    line = line_of(path, "related: [no-such-topic]")
    assert f"{path}:{line}: topic 'nsaids': related id 'no-such-topic' does not exist" in problems


def test_too_few_questions_and_unknown_field(kb_copy: Path) -> None:
    path = kb_copy / "topics" / "chat.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  questions:")
    end = text.index("  keywords:", start)
    path.write_text(text[:start] + "  questions: [hi]\n  anwser: typo\n" + text[end:], "utf-8")
    problems = "\n".join(problems_of(kb_copy))
    assert "'questions' needs at least 6 items, found 1" in problems
    assert "unknown field 'anwser'" in problems


def test_bad_red_flag_pattern_names_its_line(kb_copy: Path) -> None:
    path = kb_copy / "red_flags.yaml"
    edit(path, "      - 'incontinen\\w*'", "      - 'incontinen(\\w*'")
    line = line_of(path, "incontinen(")
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"{path}:{line}: invalid pattern: missing )") for p in problems)


def test_variable_width_look_behind_names_its_line(kb_copy: Path) -> None:
    # Python's parser accepts it; only compiling the pattern would fail, at the first
    # message that needs it. The load must catch it.
    path = kb_copy / "red_flags.yaml"
    edit(path, "      - 'incontinen\\w*'", "      - '(?<!not |never )incontinen\\w*'")
    line = line_of(path, "(?<!not |never )incontinen")
    problems = problems_of(kb_copy)
    expected = f"{path}:{line}: invalid pattern: look-behind requires fixed-width pattern"
    assert expected in problems


def test_yaml_booleans_are_caught_not_silently_dropped(kb_copy: Path) -> None:
    # YAML 1.1 reads an unquoted `no` as false: a classic way to lose a stopword.
    path = kb_copy / "lexicon.yaml"
    edit(path, 'not, "no", nor,', "not, no, nor,")
    assert any("'stopwords' items must be text" in p for p in problems_of(kb_copy))


@pytest.mark.parametrize(
    ("file", "flag", "comment"),
    [
        ("running.yaml", "needs_pain_words", '  # "is it ok'),
        ("treatments.yaml", "needs_help_words", '  # "is my back pain'),
    ],
)
def test_a_topic_flag_must_be_true_or_false(
    kb_copy: Path, file: str, flag: str, comment: str
) -> None:
    assert_refused_at(
        kb_copy / "topics" / file,
        f"  {flag}: true{comment}",
        f"  {flag}: sometimes{comment}",
        f"{flag}: sometimes",
        f"'{flag}' must be true or false",
    )


def test_a_named_treatment_must_be_a_concept(kb_copy: Path) -> None:
    assert_refused_at(
        kb_copy / "lexicon.yaml",
        "named_treatments: [massage,",
        "named_treatments: [masage,",
        "named_treatments: [masage,",
        "named_treatments: no concept 'masage'",
    )


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("    negatable: false", "    negatable: sometimes", "negatable must be true or false"),
        ("spelling: [bladder,", "spelling: [42,", "'spelling' items must be text"),
    ],
)
def test_a_bad_red_flag_setting_names_its_line(
    kb_copy: Path, old: str, new: str, reason: str
) -> None:
    assert_refused_at(kb_copy / "red_flags.yaml", old, new, new.strip(), reason)
