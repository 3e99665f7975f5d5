"""Splitting long replies to fit Telegram's 4,096-character limit.

Telegram counts UTF-16 code units, so an emoji can count twice. Replies are
cut at paragraph boundaries first, then lines, then spaces; our HTML tags
never span a line, so a cut never breaks an entity.
"""

from __future__ import annotations

MAX_MESSAGE = 4096


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_SEPARATORS = ("\n\n", "\n", " ")  # paragraphs, then lines, then words


def _chop(text: str, limit: int) -> list[str]:
    """Last resort for one enormous word: cut by characters."""
    parts: list[str] = []
    while utf16_length(text) > limit:
        cut = limit
        while utf16_length(text[:cut]) > limit:
            cut -= 1
        parts.append(text[:cut])
        text = text[cut:]
    return [*parts, text] if text else parts


def _pack(text: str, limit: int, level: int = 0) -> list[str]:
    """Greedily join pieces split at `_SEPARATORS[level]`; split oversized ones finer."""
    if level == len(_SEPARATORS):
        return _chop(text, limit)
    separator = _SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if utf16_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
            current = ""
        if utf16_length(piece) <= limit:
            current = piece
        else:
            chunks.extend(_pack(piece, limit, level + 1))
    if current:
        chunks.append(current)
    return chunks


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """`text` as one or more messages of at most `limit` UTF-16 units each."""
    if utf16_length(text) <= limit:
        return [text]
    return [chunk for chunk in _pack(text, limit) if chunk.strip()]
