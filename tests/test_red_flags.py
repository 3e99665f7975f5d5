"""Red-flag rules hold both sides: plain and buried mentions hit, denials do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from bot.red_flags import _CLAUSE_MARK, _normalise_all
from bot.text import normalise, split_sentences

EMERGENCY = [
    "I can't feel it when I wipe",
    # spelt as said: "erecshun" is "erection"
    "since my back pain started I can't get an erecshun",
    # asked as a question, the inability after a "not": still the runner's sign
    "is it normal to not be able to empty my bladder since my back went?",
    "wetting myself on runs since my back went",
    "lost control of my bladder this morning",
    "my groin has gone kind of numb",
    "numb down there and my back is killing me",
    "my foot is slapping the ground when I walk",
    "legs keep giving way on the stairs",
    "sciatica down both legs now",
    "fell off a ladder yesterday and my back is agony",
    "can I still do my long run? also I pooed myself yesterday",
    "toes won't lift and I keep tripping",
    "I've had trouble controlling my bowel movements for two days",
    "my bits have gone numb and my back hurts",
    "since my back flared I can't reach orgasm",
    # the sign went unnoticed: "not realised" is part of it, not a denial
    "My partner noticed a smell and I hadn't even realised I'd messed myself.",
    "my partner's car is fine but mine got written off in a crash on Saturday, back sore since",
]
SOON = [
    "can I still do my long run? also I have a fever",
    "had breast cancer a few years ago and now my back hurts",
    "lost 6 kg without trying and my back aches",
    "pain at night that doesn't ease whatever position I'm in",
    "back getting steadily worse every week",
    "I'm 62, never had back trouble, and now it aches and I can't think why",
    "not sure if I have a fever but my back is sore",
    "I have osteoporosis and knocked my back on a door frame",
    "It's been getting progresivly worse for weeks, is it ok to run?",
    "my back hurts most in bed at night, no matter which way I lie",
]
DENIED = [
    ("no fever, no numbness, just stiff - heat or ice?", "heat-and-ice"),
    ("legs aren't weak and my foot isn't dragging, how do the stages work?", None),
    ("bladder fine, no tingling, when can I run again", "return-to-running"),
    ("never had cancer, no fever, can I take ibuprofen", "nsaids"),
    ("pain down my leg no weakness sciatica?", "leg-pain"),  # "no" before a symptom's name
    ("peeing normally, back just sore and stiff", None),  # "normally" closes a denial
    ("I haven't noticed any numbness, just stiff after my long run", None),
    # an infection last winter is not a recent one
    ("Can I take naproxen? I had a chest infection last winter, my back is sore", "nsaids"),
    # "grumbling" is two letters from "stumbling": a typo fix must not invent a sign
    ("my lower back has been grumbling for ages, what actually helps it long term", None),
    # "leg's" is "leg is": the copula makes the "not" a denial
    (
        "sciatica down my right leg since lifting a pallet. The leg's not weak and I'm walking "
        "normally. Will the leg pain go?",
        "leg-pain",
    ),
]


@pytest.mark.parametrize(
    ("text", "level"),
    [(text, "emergency") for text in EMERGENCY] + [(text, "soon") for text in SOON],
)
def test_warning_signs_get_the_urgent_answer_at_their_level(
    matcher: Matcher, text: str, level: str
) -> None:
    match = matcher.match(text)
    assert (match.kind, match.topic) == ("urgent", "red-flags")
    assert match.red_flag is not None
    assert match.red_flag.level == level


@pytest.mark.parametrize(("text", "topic"), DENIED)
def test_denied_symptoms_are_not_red_flags(matcher: Matcher, text: str, topic: str | None) -> None:
    match = matcher.match(text)
    assert match.kind != "urgent"
    assert match.red_flag is None
    if topic is not None:
        assert match.topic == topic


def test_red_flag_wins_over_a_confident_topic(kb: KnowledgeBase, matcher: Matcher) -> None:
    plain = matcher.match("can I still do my long run sunday")
    assert plain.kind == "answer"
    flagged = matcher.match("can I still do my long run sunday? also I have a fever")
    assert flagged.kind == "urgent"
    # The other question is kept as an alternative, to answer once they've been seen.
    assert plain.topic in {a.topic for a in flagged.alternatives}
    assert kb.red_flags.find("I have a fever") is not None


def test_emergency_outranks_soon_in_one_message(matcher: Matcher) -> None:
    match = matcher.match("I have a fever and I wet myself on my run")
    assert match.red_flag is not None
    assert match.red_flag.level == "emergency"


@settings(max_examples=200, deadline=None)
# The clause marker as a runner might type it: it must not merge or split clauses.
@given(
    st.lists(
        st.text(max_size=40)
        | st.sampled_from([_CLAUSE_MARK, _CLAUSE_MARK.upper(), f"{_CLAUSE_MARK}'s"]),
        max_size=8,
    )
)
def test_clauses_normalised_together_equal_one_by_one(raw: list[str]) -> None:
    assert _normalise_all(raw) == [normalise(clause).split() for clause in raw]


_PIECES = st.sampled_from(
    [
        *[", ", " - ", " but ", " though ", "However", ". ", "!? ", "\n", "can't ", "I'm "],
        *["no fever", "bladder fine", "not numb", "heat or ice?", "e.g. ", "...", "never"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=15) | _PIECES, max_size=12).map("".join))
def test_the_screen_reads_each_sentence_as_normalise_would(kb: KnowledgeBase, text: str) -> None:
    """The matcher reuses the screen's reading of the question: it must be the same text,
    whether the question is the whole message or what is left once denials are dropped."""
    screening = kb.red_flags.screen(text)
    expected = [normalise(sentence) for sentence in split_sentences(screening.question)]
    assert list(screening.sentences) == expected


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("temperture", "temperature"),
        ("errection", "erection"),
        ("numm", "numb"),
        ("wieght", "weight"),
        ("hills", "hills"),  # an English word, even though "chills" is one letter away
        ("steroid", "steroid"),  # an inflection, not a typo: the rules say which they mean
        ("parkrun", "parkrun"),
    ],
)
def test_misspelt_key_words_are_read_as_meant(kb: KnowledgeBase, typed: str, read: str) -> None:
    assert kb.red_flags.speller.correct(typed) == read


def test_a_misspelt_warning_sign_still_gets_the_urgent_answer(matcher: Matcher) -> None:
    match = matcher.match("temperture's been up and down all week and my back is killing me")
    assert match.kind == "urgent"
    assert matcher.match("had prostate cancor 5 years back, now my back hurts").kind == "urgent"
    assert matcher.match("my legs ache after the hills, heat or ice?").kind != "urgent"


# A parent or partner writing about the runner: the warning signs are the patient's.
SOMEONE_ELSES_BACK = [
    "my daughter got hit by a car while out running, says her back hurts. is heat ok?",
    "my husband had a melanoma removed and now he's got back pain, can he run?",
    "mum (71) bumped her back on a bench, she's on fosamax for thin bones",
    "my son's back has been bad and he's been soiling himself, can he keep training?",
    "my girlfriend's back went and now the area between her legs feels numb",
]
# Someone else's history beside the runner's own back is not the runner's warning sign.
BYSTANDERS = [
    "my mate was in a car accident and hurt his back. mine just went after a sneeze, why?",
    "my buddy fell off her bike and hurt her back but mine is just tight from hills",
    "my mum had cancer years ago. heat or ice for my back?",
    "my mate wet himself at the pub lol (he was hammered). anyway does acupuncture work?",
    "grandad's legs are wobbly but he's 90 and his back is fine. im 30, physio for mine?",
    "a friend of mine was in a car crash last week, my own back is just stiff, heat or ice?",
]


@pytest.mark.parametrize("text", SOMEONE_ELSES_BACK)
def test_warning_signs_of_someone_elses_back_get_the_urgent_answer(
    matcher: Matcher, text: str
) -> None:
    assert matcher.match(text).kind == "urgent"


@pytest.mark.parametrize("text", BYSTANDERS)
def test_a_bystanders_history_beside_my_own_back_is_no_red_flag(
    matcher: Matcher, text: str
) -> None:
    match = matcher.match(text)
    assert match.kind != "urgent"
    assert match.red_flag is None


@pytest.mark.parametrize(
    "text",
    [
        "i cant feel my but when i wipe and my back hurts a lot can i still run",  # typed "butt"
        "my back hurt since sunday and now I no feel the pee coming out, is strange no?",
        "urine just dey comot by itself, I no fit hold am. my waist dey pain me",
        "4/10 mate. bowels just emptied themselves on the sofa, no idea how",  # a check-in reply
        "My privates. They've felt a bit numb and fizzy on and off since Monday.",  # two sentences
        "My legs. They've kind of collapsed under me a few times since yesterday.",
        "- back 8/10\n- 💩 accident on the walk home, didn't feel it",  # emoji for a word
    ],
)
def test_warning_signs_in_non_native_and_typed_english(matcher: Matcher, text: str) -> None:
    match = matcher.match(text)
    assert match.kind == "urgent"
    assert match.red_flag is not None
    assert match.red_flag.level == "emergency"


def test_a_climbing_series_of_pain_scores_is_worsening_pain(matcher: Matcher) -> None:
    match = matcher.match("rating my pain each week - 3, 4, 5, 6, now 7. is that normal?")
    assert match.red_flag is not None
    assert match.red_flag.rule.id == "worsening-scores"
    assert matcher.match("did 3, 4, 5 km this week, now 7 next week ok?").kind != "urgent"


@pytest.mark.parametrize(
    ("text", "rule"),
    [  # a sign told through what it leads to, or what someone else noticed
        ("bought some Tena pads on the way home, back is agony", "bladder"),
        ("my mate saw a wet patch on my tights at parkrun, I hadn't felt a thing", "bladder"),
        ("poo just came out with no warning on my jog, back is sore", "bowel"),
        ("toilet paper feels like nothing when I wipe since my back went", "saddle-numbness"),
        ("I need both hands on the handrail to get upstairs now, back's wrecked", "leg-weakness"),
        ("walking like I'm drunk since my back went on Friday", "leg-weakness"),
        (
            "had to punch a new hole in my belt, not trying to lose weight, back aches",
            "weight-loss-unwell",
        ),
        ("I'm 14 and my back hurts, nobody can think of anything I did", "age-no-cause"),
        ("LOST CONTROL OF MY BLATHER AT THE PARK, BACK IN BITS", "bladder"),  # autocorrect
        ("mi back a hurt mi and mi cyaan pass water since yesterday", "bladder"),  # Jamaican
        ("got skittled by a ute on my morning run, back's sore, just rest?", "major-trauma"),
        ("on Xeljanz for my RA and my lower back has started aching, no injury", "infection"),
        ("back pain all week and a temp of ٣٩ since Sunday", "infection"),  # Arabic digits
        ("my injection site from the epidural has gone red and swollen, back worse", "infection"),
    ],
)
def test_warning_signs_told_by_their_consequences(matcher: Matcher, text: str, rule: str) -> None:
    match = matcher.match(text)
    assert match.red_flag is not None
    assert match.red_flag.rule.id == rule


@pytest.mark.parametrize(
    "text",
    [
        "wet patch on my shorts from sweat, it was 30 degrees. back a bit stiff, stretches?",
        "left skid marks on the track braking at the bend lol, back is a bit sore",
    ],
)
def test_look_alikes_of_those_consequences_are_no_red_flag(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).kind != "urgent"


@pytest.mark.parametrize(
    "text",
    [  # written on the runner's behalf: the runner's signs, in the third person
        "my husband, 44, marathoner: back pain for 5 days and now his right foot drags",
        "asking for my daughter (15), sore back all week and today she wet herself in class",
        "Flatmate has a sore back since Sunday and says he can't feel his bum on the loo",
        # a child named by age, and "her legs ... both of them" read as the runner's
        "My 13-year-old swims and runs. Sore back since Monday and now she says both legs "
        "feel weak",
        "my wife can't feel her legs properly and both of them have gone weak since her back went",
        # "not mine" is no sign that the back is the writer's
        "asking for my mum (70). Bad back, and she says her privates have gone numb. Her "
        "words, not mine.",
    ],
)
def test_warning_signs_told_on_the_runners_behalf(matcher: Matcher, text: str) -> None:
    match = matcher.match(text)
    assert match.red_flag is not None
    assert match.red_flag.level == "emergency"


def test_a_bystanders_sign_beside_a_general_back_question_is_no_red_flag(
    matcher: Matcher,
) -> None:
    text = "my mate wet himself at the pub lol (he was hammered). does acupuncture help back pain?"
    assert matcher.match(text).kind != "urgent"
