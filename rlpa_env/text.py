"""Shared text normalisation: lower-casing, tokenising, a light stemmer and a stop-word list.

The simulated user, the rule judge and the lexical scorer all read text through these functions,
so "Hiking", "hikes" and "hiked" look the same to every one of them. Everything here is pure and
cached where it is hot.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves also really quite pretty lot lots much
    many thing things kind sort bit get got gets like likes liked love loves loved enjoy enjoys
    enjoyed person user someone people he's she's they're i'm i've i'd you're it's that's there's
    what's don't doesn't isn't wasn't can't won't yeah yes ok okay well oh hi hello hey""".split()  # noqa: SIM905
)
"""Words that carry no topic. Sentiment verbs (like, love, enjoy) are here on purpose: polarity is
read separately by ``polarity``, and they must not make two unrelated traits look alike."""

_NEGATIVE = re.compile(
    r"\b(?:dislikes?|disliked|hates?|hated|hating|can't stand|cannot stand|detests?|avoids?|avoiding"
    r"|not (?:a )?fan|not into|isn't into|doesn't (?:like|enjoy|eat|care)|don't (?:like|enjoy|eat|care)"
    r"|never|no longer|allergic|annoy(?:s|ed|ing)?|bores?|bored by|tired of|sick of|averse)\b"
)

_SUFFIXES = ("ingly", "ities", "ation", "ings", "ness", "ment", "ies", "ing", "ers", "est", "ed", "er", "es", "ly", "s")


def normalize(text: str) -> str:
    """Lower-case, strip accents and unify apostrophes and whitespace."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.lower().replace("\u2019", "'").split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A small suffix-stripping stemmer that maps inflections together.

    ``hike``/``hikes``/``hiking`` -> ``hik``, ``run``/``running`` -> ``run``, ``cities`` -> ``city``.
    """
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if len(word) <= 4:
        if len(word) == 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
    else:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The words of ``text`` after ``normalize``, in order."""
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=65536)
def content_stems(text: str) -> frozenset[str]:
    """The stems of the non-stop-words of ``text``: what it is about."""
    return frozenset(stem(word) for word in tokens(text) if word not in STOPWORDS)


def polarity(text: str) -> int:
    """-1 when ``text`` states a dislike or negation ("hates jazz", "not a fan of"), else +1."""
    return -1 if _NEGATIVE.search(normalize(text)) else 1
