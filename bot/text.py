"""Text normalisation shared by the matcher and the red-flag rules.

Runners type on phones: capitals, accents, emoji, "sooo", "cant", zero-width
characters pasted from elsewhere. Everything downstream sees one plain form:
lower-case ASCII-ish words separated by single spaces.
"""

from __future__ import annotations

import re
import unicodedata

# Contractions, with and without the apostrophe ("cant", "dont" are how people type).
_CONTRACTIONS: dict[str, str] = {
    "can't": "can not",
    "cant": "can not",
    "cnt": "can not",
    "cannot": "can not",
    "won't": "will not",
    "wont": "will not",
    "don't": "do not",
    "dont": "do not",
    "doesn't": "does not",
    "doesnt": "does not",
    "didn't": "did not",
    "didnt": "did not",
    "isn't": "is not",
    "isnt": "is not",
    "aren't": "are not",
    "arent": "are not",
    "wasn't": "was not",
    "wasnt": "was not",
    "weren't": "were not",
    "haven't": "have not",
    "havent": "have not",
    "hasn't": "has not",
    "hasnt": "has not",
    "hadn't": "had not",
    "shouldn't": "should not",
    "shouldnt": "should not",
    "wouldn't": "would not",
    "wouldnt": "would not",
    "couldn't": "could not",
    "couldnt": "could not",
    "ain't": "is not",
    "i'm": "i am",
    "im": "i am",
    "i've": "i have",
    "ive": "i have",
    "i'll": "i will",
    "i'd": "i would",
    "it's": "it is",
    "that's": "that is",
    "what's": "what is",
    "there's": "there is",
    "you're": "you are",
    "they're": "they are",
    "we're": "we are",
    "let's": "let us",
}

_APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}
)
# The few emoji that stand for a word runners ask about ("🔥 or 🧊?"); every other
# emoji becomes a space.
_EMOJI_WORDS = str.maketrans(
    {
        "🔥": " heat ", "♨": " heat ", "🧊": " ice ", "❄": " ice ", "🥶": " cold ",
        "🛌": " bed ", "🛏": " bed ", "🚶": " walk ", "💊": " pills ",
        "🧘": " yoga ", "💆": " massage ", "🩻": " x ray ", "🩺": " doctor ",
        "🏥": " hospital ", "🪑": " chair ", "🏋": " gym ",
        "💩": " poo ", "🚽": " toilet ", "🦵": " leg ", "🤒": " fever ", "💉": " injection ",
        "📉": " dropping ", "🌙": " night ",
    }
)  # fmt: skip
_WORD_WITH_APOSTROPHE = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_REPEATS = re.compile(r"([^\W\d_])\1\1+")
# The same two on lower-cased ASCII, where a letter is [a-z] and a word character [a-z0-9].
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)?")
_ASCII_REPEATS = re.compile(r"([a-z])\1\1+")
# How questions open. Yes/no ones ("is numbness down there normal?") ask rather
# than state; the others also mark a sentence that asks something.
YES_NO_OPENERS = frozenset({"is", "are", "does", "do", "can", "could", "should", "would", "will"})
QUESTION_OPENERS = YES_NO_OPENERS | {
    "what", "how", "any", "when", "which", "why", "am", "whats", "hows", "wondering",
}  # fmt: skip
# "my but" is a typed "my butt" ("i cant feel my but when i wipe"), not a new sentence.
# Written to start with one character class (punctuation or a space, then what follows
# it): Python's re then jumps from candidate to candidate instead of trying every
# position. The same splits as `[.!?;\n]+|\s+(?<!\b[Mm]y\s)(?:but|also|...)\s+`.
_SENTENCE_BREAK = re.compile(
    r"[.!?;\n\s](?:(?<=[.!?;\n])[.!?;\n]*"
    r"|(?<=\s)\s*(?<!\b[Mm]y\s)(?:but|also|and also|plus|btw|anyway)\s+)"
)


# "the leg's not weak" is "the leg is not weak" (a possessive is hardly ever followed by "not").
_IS_NOT = re.compile(r"(?<!\blet)'s not\b")
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")  # the digits of other scripts: "٣", "३"


def _ascii_digit(found: re.Match[str]) -> str:
    return str(unicodedata.decimal(found.group()))


def _strip_marks(text: str) -> str:
    """Drop accents, control and invisible format characters (zero-width, RTL marks)."""
    if text.isascii():  # the common case, without a per-character loop
        return text if text.isprintable() else _ASCII_CONTROLS.sub(" ", text)
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn" or category == "Cf":
            continue  # combining accents; zero-width joiners and direction marks
        kept.append(" " if category.startswith("C") or category.startswith("Z") else char)
    return "".join(kept)


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces; contractions expanded.

    Letters of any script are kept (they simply match nothing in an English
    knowledge base); emoji (but the few in _EMOJI_WORDS) and punctuation become
    spaces; a letter typed three or more times in a row is kept twice ("sooo" ->
    "soo", "feeeel" -> "feel"). Digits of every script are ASCII ("٣" -> "3"), so
    a pattern's \\d only ever meets 0-9.
    """
    if not text.isascii():
        text = text.translate(_EMOJI_WORDS)
    cased = _strip_marks(text).casefold().translate(_APOSTROPHES)
    if not cased.isascii():
        cased = _OTHER_DIGITS.sub(_ascii_digit, cased)
    if "'s not" in cased:
        cased = _IS_NOT.sub(" is not", cased)
    words = _words(cased)
    contractions = _CONTRACTIONS
    return " ".join(
        [contractions.get(word, word) if "'" not in word else _expand(word) for word in words]
    )


def _words(cased: str) -> list[str]:
    """Words of lower-cased text, a letter typed 3+ times kept twice ("sooo" -> "soo").

    ASCII text, nearly every message, takes simpler patterns that match the same.
    """
    if cased.isascii():
        if _ASCII_REPEATS.search(cased):  # rare: a search is cheaper than a substitution
            cased = _ASCII_REPEATS.sub(r"\1\1", cased)
        return _ASCII_WORD.findall(cased)
    return _WORD_WITH_APOSTROPHE.findall(_REPEATS.sub(r"\1\1", cased))


def _expand(word: str) -> str:
    """ "can't" -> "can not", "runner's" -> "runner", "o'clock" -> "oclock"."""
    expansion = _CONTRACTIONS.get(word)
    if expansion is not None:
        return expansion
    if "'" not in word:
        return word
    stem, _, suffix = word.partition("'")
    return stem if suffix in {"s", "d", "ll", "ve", "re", "m", "t"} else stem + suffix


def split_sentences(text: str) -> list[str]:
    """Raw text cut into sentence-like pieces (for long messages and negation scope)."""
    return [piece for piece in _SENTENCE_BREAK.split(text) if piece.strip()]
