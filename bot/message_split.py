"""Splitting long replies to fit Telegram's 4,096-character limit.

Telegram counts UTF-16 code units, so an emoji can count twice. Replies are
cut at paragraph boundaries first, then lines, then spaces; our HTML tags
never span a line, so a cut never breaks an entity.
"""

from __future__ import annotations

MAX_MESSAGE = 4096


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if utf16_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while utf16_length(word) > limit:  # one enormous "word": cut by characters
            cut = limit
            while utf16_length(word[:cut]) > limit:
                cut -= 1
            parts.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        parts.append(current)
    return parts


def _pack(pieces: list[str], joiner: str, limit: int, finer: str | None) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if utf16_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
            current = ""
        if utf16_length(piece) <= limit:
            current = piece
        elif finer is not None:
            chunks.extend(_pack(piece.split(finer), finer, limit, None))
        else:
            chunks.extend(_hard_cut(piece, limit))
    if current:
        chunks.append(current)
    return chunks


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """`text` as one or more messages of at most `limit` UTF-16 units each."""
    if utf16_length(text) <= limit:
        return [text]
    return [chunk for chunk in _pack(text.split("\n\n"), "\n\n", limit, "\n") if chunk.strip()]
