"""Is a message about the runner's own back at all? (pure, from the lexicon's word lists)"""

from __future__ import annotations

from dataclasses import dataclass

from bot.lexicon import Lexicon

_OWNER_VERBS = frozenset(
    {
        "has",
        "had",
        "have",
        "hurt",
        "hurts",
        "put",
        "threw",
        "tweaked",
        "pulled",
        "injured",
        "gets",
        "got",
        "getting",
        "keeps",
        "slipped",
        "suffers",
        "suffering",
        "struggles",
        "struggling",
        "complains",
        "is",
        "on",
    }
)
_BACK_WORDS = frozenset({"back", "pain", "sciatica", "disc", "spasms", "spine"})
_THEIR_BACK = ("his back", "her back", "its back")
_FIRST_PERSON = frozenset({"i", "me", "myself"})
_OWNER_WINDOW = 6


@dataclass(frozen=True)
class Scope:
    about_the_back: bool  # names the back or a back condition (not "back to back")
    about_pain: bool  # names the back, pain or an injury at all
    outside: bool  # another body part or complaint, or someone else's back


def _phrases(words: list[str]) -> set[str]:
    """Every run of one to three words, to look up multi-word lexicon phrases."""
    return {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words))}


def _without_idioms(words: list[str], idioms: frozenset[str]) -> list[str]:
    """Words with the "back" of idioms like "back to back" or "get back to" blanked out.

    Only "back" goes: in "the back of my heel" the heel still counts.
    """
    text = f" {' '.join(words)} "
    for idiom in idioms:
        if f" {idiom} " in text:
            text = text.replace(f" {idiom} ", f" {idiom.replace('back', '_')} ")
    return text.split()


def _someone_elses(words: list[str], lexicon: Lexicon) -> bool:
    """ "my mum has had back pain for years", "my dog hurt his back": not the runner's."""
    for index, word in enumerate(words):
        if word not in lexicon.other_subjects:
            continue
        window = words[index + 1 : index + 1 + _OWNER_WINDOW]
        if "i" in window:
            continue  # "my wife says I ..." is still the runner talking about themself
        if _OWNER_VERBS & set(window) and _BACK_WORDS & set(window):
            return True
    if _FIRST_PERSON & set(words):
        return False  # "my aunt swears by it for her back ... should I try it?"
    text = f" {' '.join(words)} "
    return any(f" {phrase} " in text for phrase in _THEIR_BACK)


def assess_scope(words: list[str], lexicon: Lexicon) -> Scope:
    """What the message is about, from its normalised, spelling-fixed words."""
    phrases = _phrases(_without_idioms(words, lexicon.back_idioms))
    about_the_back = bool(phrases & lexicon.back_context)
    about_pain = about_the_back or bool(phrases & lexicon.pain_context)
    if phrases & lexicon.surface_complaints:
        outside = True  # "sunburnt my back": the skin, not back pain
    elif about_the_back:
        outside = _someone_elses(words, lexicon)
    else:
        outside = bool(phrases & (lexicon.other_body_parts | lexicon.other_complaints))
    return Scope(about_the_back, about_pain, outside)
