"""Scripted baseline agents: ``RandomAgent``, ``HeuristicAgent`` and ``OracleAgent``.

They bracket what a learned policy should reach and need no model:

- ``RandomAgent`` writes well-formed but uninformed turns: a handful of traits of some other user
  and a generic reply.
- ``HeuristicAgent`` listens: every first-person statement the user makes becomes a profile line in
  the third person, and it asks a natural follow-up about a topic it has not explored yet, skipping
  topics the user complained about.
- ``OracleAgent`` reads the hidden profile from ``info["privileged"]`` (build the env with
  ``privileged_info=True``) and writes it out in full: an upper bound for tests and tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rlpa_env.parsing import format_turn
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.text import STOPWORDS, content_stems, polarity, tokens
from rlpa_env.vocabulary import HOLLOW_WORDS


@dataclass(frozen=True)
class Topic:
    """A conversation topic the scripted agents know how to open: words that name it, a remark, a question."""

    name: str
    words: tuple[str, ...]
    remarks: tuple[str, ...]
    questions: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (  # small talk first: personal topics go better once rapport has grown
    Topic(
        "hobbies",
        ("hobby", "hobbies", "free time", "weekend"),
        ("Free time is precious these days.", "Weekends are a good chance to recharge."),
        ("What do you like to do in your free time?", "Any hobbies that fill your weekends?"),
    ),
    Topic(
        "music",
        ("music", "song", "songs", "listen"),
        ("Music can change the mood of a whole day.", "A good playlist makes chores fly by."),
        ("What kind of music do you listen to?", "Any songs or genres you keep coming back to?"),
    ),
    Topic(
        "food",
        ("food", "eat", "cooking", "diet", "meals"),
        ("Food is one of my favourite things to talk about.", "Cooking at home can be really relaxing."),
        ("What kind of food do you enjoy eating?", "Do you follow any particular diet?"),
    ),
    Topic(
        "films",
        ("movie", "movies", "film", "films", "show", "shows"),
        ("Movie nights are a great way to unwind.", "There are so many good shows around lately."),
        ("What kind of movies or shows do you watch?", "Seen any films you liked recently?"),
    ),
    Topic(
        "reading",
        ("book", "books", "read", "reading"),
        ("A good book can be hard to put down.", "Reading before bed is a nice habit."),
        ("Do you read much? Any books you like?", "What kind of books do you enjoy reading?"),
    ),
    Topic(
        "sport",
        ("sport", "sports", "team", "play"),
        ("Sports can be fun to play or just to watch.", "Staying active with a sport keeps things social."),
        ("Do you play or follow any sports?", "Is there a sport you enjoy playing or watching?"),
    ),
    Topic(
        "travel",
        ("travel", "trip", "vacation", "holiday"),
        ("Trips are a great way to reset.", "Travel always gives people stories to tell."),
        ("Do you like to travel? Any favourite trips?", "Where would you go on your next vacation?"),
    ),
    Topic(
        "work",
        ("work", "job", "career", "occupation"),
        ("Work shapes so much of the week.", "Jobs say a lot about how people spend their days."),
        ("What do you do for work?", "What kind of job keeps you busy?"),
    ),
    Topic(
        "pets",
        ("pet", "pets", "animal", "animals"),
        ("Animals can make a home feel livelier.", "Pets are often the best company."),
        ("Do you have any pets?", "Are there any animals at home with you?"),
    ),
    Topic(
        "home",
        ("live", "city", "town", "area", "where"),
        ("Where people live shapes their routines a lot.", "Every town has its own character."),
        ("Where do you live?", "What is the area like where you live?"),
    ),
    Topic(
        "fitness",
        ("fitness", "health", "exercise", "goal", "goals"),
        ("Health goals are easier with a plan.", "Small routines make a big difference for fitness."),
        ("Are you working toward any fitness or health goals?", "How do you like to stay healthy?"),
    ),
    Topic(
        "work habits",
        ("workday", "routine", "schedule", "productive"),
        ("Everyone has their own rhythm for getting things done.", "Routines can make busy days easier."),
        ("How do you like to organise your workday?", "What does a productive day look like for you?"),
    ),
    Topic(
        "family",
        ("family", "kids", "children", "partner", "married"),
        ("Family life can be busy and lovely at once.", "Home life shapes a lot of our days."),
        ("Do you have family around you?", "Who do you share your home with?"),
    ),
)

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_META_WORDS = frozenset(
    "you you're your told already asked repeating butter essay short personal question chat talk bye goodbye".split()  # noqa: SIM905
)
_LEADING_FILLER = re.compile(r"^(?:(?:actually|honestly|well|oh|yeah|so|and|but|also)[,:.\s]+)+", re.IGNORECASE)
_MODALS = frozenset({"can", "could", "would", "should", "will", "might", "must", "may"})
_SUBJECT_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"^(?:i'm|i am)\b", "is"),
        (r"^(?:i've|i have)(?: got)?\b", "has"),
        (r"^(?:i'd|i would)\b", "would"),
        (r"^(?:i can't|i cannot)\b", "can't"),
        (r"^(?:i don't|i do not)\b", "doesn't"),
        (r"^(?:i'll|i will)\b", "will"),
        (r"^i was\b", "was"),
        (r"^my\b", "their"),
    )
)
_PLAIN_VERB = re.compile(r"^i (\w+)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i'm|i've|i'd|i|me|my|mine|myself)\b", re.IGNORECASE)
_PRONOUNS = {"i'm": "they're", "i've": "they've", "i'd": "they'd", "i": "they", "me": "them", "my": "their"}
_PRONOUNS |= {"mine": "theirs", "myself": "themselves"}


def _third_person_verb(match: re.Match[str]) -> str:
    verb = match[1]
    if verb.endswith("ed") or verb.lower() in _MODALS:
        return verb
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def third_person(sentence: str) -> str | None:
    """Rewrite a statement about the speaker as a profile line, else ``None``.

    "I'm a nurse." -> "is a nurse"; "Reading poetry puts me to sleep." -> "Reading poetry puts them
    to sleep". A sentence with no first-person word, or no content word, gives ``None``.
    """
    text = _LEADING_FILLER.sub("", sentence.strip().rstrip(".!?").strip())
    for pattern, replacement in _SUBJECT_REWRITES:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
            break
    else:
        if _PLAIN_VERB.match(text):
            text = _PLAIN_VERB.sub(_third_person_verb, text, count=1)
        elif not _FIRST_PERSON.search(text):
            return None
    text = _FIRST_PERSON.sub(lambda match: _PRONOUNS[match[0].lower()], text)
    return text if content_stems(text) else None


def extract_traits(message: str) -> list[str]:
    """Profile lines for every first-person statement of ``message`` that is about the user, not the chat."""
    traits = []
    for sentence in _SENTENCE.split(message):
        if sentence.rstrip().endswith("?") or _META_WORDS & set(tokens(sentence)):
            continue
        trait = third_person(sentence)
        if trait is not None:
            traits.append(trait)
    return traits


def _topic_of(text: str) -> Topic | None:
    words = set(tokens(text))
    return next((topic for topic in TOPICS if words & set(topic.words)), None)


def _salient_word(text: str) -> str | None:
    """The most specific word of ``text`` to pick up: its longest content word, preferring nouns."""
    words = [w for w in tokens(text) if w not in STOPWORDS and w not in HOLLOW_WORDS and len(w) > 3 and not w.isdigit()]
    return max(words, key=lambda w: (not w.endswith(("ed", "ing", "ly")), len(w))) if words else None


def _acknowledgement(message: str, rng: np.random.Generator) -> str:
    """A short opener that picks up what the user just said without dwelling on what they dislike."""
    traits = extract_traits(message)
    word = _salient_word(traits[0]) if traits else None
    if polarity(message) < 0 and not traits:
        complaint = _salient_word(message)
        return f"Sorry, I will never bring up {complaint} again." if complaint else "Sorry, I will drop that."
    if word is None:
        mentioned = _salient_word(message)
        return f"You mentioned {mentioned}, got it." if mentioned else str(rng.choice(["Fair enough.", "No worries."]))
    if polarity(traits[0]) < 0:
        return f"Noted, I will never suggest {word}."
    return str(rng.choice([f"Nice, {word} sounds lovely.", f"Oh, {word}, that sounds great."]))


def compose_reply(last_message: str, topic: Topic | None, rng: np.random.Generator) -> str:
    """An acknowledgement of ``last_message``, a remark on ``topic`` and one question about it."""
    parts = [_acknowledgement(last_message, rng)]
    if topic is None:
        parts.append("What else has been on your mind lately?")
    else:
        parts += [str(rng.choice(topic.remarks)), str(rng.choice(topic.questions))]
    return " ".join(parts)


class RandomAgent:
    """Well-formed but uninformed turns: 3 to 6 traits of a random other user and a generic reply."""

    REPLIES: ClassVar[tuple[str, ...]] = (
        "That sounds interesting. What else is going on with you?",
        "I see. Tell me more about your day.",
        "Nice! Anything fun planned for the week?",
        "Okay. What would you like to talk about?",
        "Interesting, I had not thought of that.",
    )

    def __init__(self, bank: ProfileBank | None = None) -> None:
        self._pool = tuple(f.text for p in (bank or ProfileBank.default()).split("train")[:200] for f in p.facts)
        self._rng = np.random.default_rng()

    def reset(self, seed: int | None = None) -> None:
        """Reseed the agent's generator."""
        self._rng = np.random.default_rng(seed)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Random traits and a random generic reply, in the turn format."""
        count = int(self._rng.integers(3, 7))
        traits = [str(t) for t in self._rng.choice(self._pool, size=count, replace=False)]
        return format_turn(traits, str(self._rng.choice(self.REPLIES)))


class HeuristicAgent:
    """Tracks what the user said as profile lines and asks about topics it has not explored yet."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Forget the user; reseed the choice of phrasings."""
        self._rng = np.random.default_rng(seed)
        self._traits: list[str] = []
        self._explored: set[str] = set()

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Add the user's new statements to the profile, then ask about a fresh topic."""
        for trait in extract_traits(observation):
            if trait not in self._traits:
                self._traits.append(trait)
        complained = _topic_of(observation) if polarity(observation) < 0 else None
        if complained is not None:
            self._explored.add(complained.name)
        topic = next((t for t in TOPICS if t.name not in self._explored), None)
        if topic is not None:
            self._explored.add(topic.name)
        return format_turn(self._traits, compose_reply(observation, topic, self._rng))


class OracleAgent:
    """Writes the true hidden profile every turn; needs ``privileged_info=True`` on the env."""

    needs_privileged_info: ClassVar[bool] = True

    def __init__(self) -> None:
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Reseed the choice of phrasings and forget which topics were asked."""
        self._rng = np.random.default_rng(seed)
        self._asked: set[str] = set()

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The true facts as traits and a question about a liked or neutral topic not yet asked."""
        try:
            facts: Sequence[Mapping[str, Any]] = info["privileged"]["profile"]["facts"]
        except KeyError:
            raise KeyError("OracleAgent needs info['privileged']; create the env with privileged_info=True") from None
        disliked = " ".join(f["text"] for f in facts if f["kind"] == "dislike")
        candidates = [
            topic
            for topic in TOPICS
            if topic.name not in self._asked
            and not set(topic.words) & set(tokens(disliked))
            and any(set(topic.words) & set(f["keywords"]) for f in facts)
        ]
        topic = candidates[0] if candidates else None
        if topic is not None:
            self._asked.add(topic.name)
        return format_turn([f["text"] for f in facts], compose_reply(observation, topic, self._rng))
