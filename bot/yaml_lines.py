"""YAML loading that remembers where every mapping and list item came from.

Admins edit the knowledge base by hand, so every validation error must name
the file and the line. PyYAML's safe loader forgets positions once it builds
Python objects; this loader keeps them on the containers it builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[Any, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int
    item_lines: list[int]


@dataclass(frozen=True)
class YamlProblem(Exception):
    """A file that is not valid YAML, with the line where the parser gave up."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


# libyaml's parser is several times faster than PyYAML's pure-Python one; the
# constructor (and with it the line bookkeeping below) is the same either way.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        # Keys stay as YAML typed them; validation reports non-string keys itself.
        key_lines: dict[str, int] = {}
        for key_node, _ in node.value:
            key = str(self.construct_object(key_node, deep=True))
            if key in key_lines:
                # PyYAML keeps the last of two equal keys silently; an edit would vanish.
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key '{key}' (first on line {key_lines[key]})",
                    problem_mark=key_node.start_mark,
                )
            key_lines[key] = key_node.start_mark.line + 1
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = key_lines
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        items = LineList(super().construct_sequence(node, deep=True))
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, raising `YamlProblem` with a line number on any error."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(path, 1, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise YamlProblem(path, 1, f"cannot read file ({exc.strerror})") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlProblem(path, line, f"invalid YAML: {reason}") from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(path, 1, f"invalid YAML: {exc}") from exc


def line_of(container: Any, key: str | int | None = None) -> int:
    """Best-known line of a container, or of one of its keys/items."""
    if isinstance(container, LineDict):
        if isinstance(key, str) and key in container.key_lines:
            return container.key_lines[key]
        return container.line
    if isinstance(container, LineList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return 1
