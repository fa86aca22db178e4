"""The scripted user's phrasings: several blunt, short variants for every kind of message.

Each tuple holds interchangeable lines; ``pick`` chooses one with the dialogue's generator.
Placeholders: ``{topic}`` is a disliked fact's value, ``{said}`` an utterance the user already
made, ``{old}`` and ``{new}`` the values of a like before and after a preference shift. Every
placeholder follows a sentence break or a colon, so utterances keep their capitals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OPENINGS: tuple[str, ...] = (
    "hey.",
    "hi.",
    "hey, what's up",
    "hi, bored, thought I'd chat",
    "hello? anyone there?",
    "hey. slow day.",
    "hi. got a few minutes to kill.",
    "yo.",
)

FILLERS: tuple[str, ...] = (
    "mm, not sure.",
    "ok.",
    "I guess.",
    "hm. maybe.",
    "sure.",
    "eh, no idea.",
    "right.",
    "if you say so.",
)

LEADS: tuple[str, ...] = ("", "", "", "yeah. ", "ha. ", "oh. ", "well... ", "hm. ")
"""Openers for a reveal; the empty ones keep some answers plain."""

JOINERS: tuple[str, ...] = (" ", " ", " Also: ", " Oh, and: ")
"""Glue between two disclosed facts' utterances."""

DEFLECTIONS: tuple[str, ...] = (
    "that's a bit personal for now.",
    "not sure I want to get into that yet.",
    "let's not go there just yet.",
    "I'd rather keep that to myself for now.",
    "pass on that one, for now.",
)

DISLIKED_TOPIC: tuple[str, ...] = (
    "ugh, {topic}? no thanks, I can't stand it.",
    "{topic}? not for me, I really dislike it.",
    "please, no {topic}. I hate that stuff.",
    "hard pass on {topic}, honestly.",
    "{topic}... yeah, that's one thing I can't stand.",
)

DISLIKED_TOPIC_AGAIN: tuple[str, ...] = (
    "I told you, I can't stand {topic}.",
    "{topic} again? I already said I hate it.",
    "again with {topic}? I said no.",
    "I said I don't like {topic}. stop bringing it up.",
)

MISREMEMBERED: tuple[str, ...] = (
    "wait, that's not right about {topic}.",
    "{topic}? where did you get that? that's not me.",
    "no no, you've got {topic} backwards.",
    "hm, {topic}? I never said that.",
)
"""When the reply credits the user with the opposite of something true (``{topic}`` is that fact's value)."""

INCOHERENT: tuple[str, ...] = (
    "sorry, you lost me there.",
    "um, what? that didn't make sense.",
    "I couldn't follow that at all.",
    "huh? say that again, in normal words?",
    "that was a jumble. what do you mean?",
)
"""When the reader finds a sentence of the reply incoherent (word salad, scrambled order)."""

REPEATED_QUESTION: tuple[str, ...] = (
    "I already told you: {said}",
    "you asked that already. {said}",
    "again? {said}",
    "like I said: {said}",
    "were you listening? {said}",
)

FLATTERY: tuple[str, ...] = (
    "no need to butter me up.",
    "ok, easy on the compliments.",
    "you can skip the flattery.",
    "that's a bit much, honestly.",
    "laying it on thick, aren't you?",
)

TOO_LONG: tuple[str, ...] = (
    "that's an essay... can you keep it short?",
    "way too long, I'm not reading all that.",
    "tl;dr. shorter please.",
    "I didn't ask for a lecture.",
    "wow, wall of text. keep it brief.",
)

COPYING: tuple[str, ...] = (
    "you're just repeating me.",
    "that's literally what I said.",
    "why are you echoing me?",
    "yes, I know, I just said that.",
)

PROFILE_REQUEST: tuple[str, ...] = (
    "I'm not going to hand you my life story.",
    "lol no, I'm not listing everything about myself.",
    "that's not how this works. ask me something normal.",
    "nope, not filling out a questionnaire.",
    "you don't get my whole file just by asking.",
)

GOODBYE: tuple[str, ...] = (
    "ok, I'm done here. bye.",
    "this isn't working for me. later.",
    "I'm going to go. bye.",
    "yeah, no. I'm out.",
    "let's stop here. take care.",
)

SHIFT_ANNOUNCEMENTS: tuple[str, ...] = (
    "oh, and honestly, I've gone off {old} lately. I'm into {new} these days.",
    "also, I've lost interest in {old}. I'm into {new} now.",
    "thing is, I'm over {old} now. I've been really into {new} lately.",
    "side note: I've gone off {old}. these days I'm all about {new}.",
)
"""How the user says that one of its likes changed: the old value retracted, the new one stated."""


def pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    """One of ``options``, chosen uniformly with ``rng`` (a single option draws nothing from ``rng``)."""
    if len(options) == 1:
        return options[0]
    # ``rng.random()`` costs a third of ``rng.integers`` and this runs several times per turn.
    return options[int(rng.random() * len(options))]
