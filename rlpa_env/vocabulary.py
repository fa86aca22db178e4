"""Word lists shared by the reply analysis, the profile scorers and the scripted agents.

One place for the vocabularies that decide what a word *means* to the rewards, so a scorer, the
judge and an agent never disagree about them:

- ``HOLLOW_WORDS`` / ``is_hollow(word)``: chat words that say nothing about a topic ("cool", "nice",
  "sure", "mentioned"), in any inflection.
- ``NEGATORS``: plain negation words; ``is_negative(text)`` is ``rlpa_env.text.polarity`` plus them.
- ``fold_unicode(text)``: NFKC, zero-width and other invisible characters removed, and look-alike
  letters (Cyrillic, Greek, fullwidth) folded to Latin, so hidden-Unicode spellings read like
  their plain forms.
"""

from __future__ import annotations

import re
import unicodedata

from rlpa_env.text import polarity, stem, tokens


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


HOLLOW_WORDS = _word_set(
    """mm mmm hm hmm sure guess maybe dunno idk fine cool nice great awesome wow amazing right alright
    thanks thank lol haha ha anyway whatever nah nope sorry good sounds sound interesting totally
    definitely absolutely indeed true agree glad morning evening afternoon sup yo howdy greetings idea say says
    mention mentioned mentions said noted note hear heard tell telling told share sharing lovely
    eh meh uh um umm ugh huh hey"""
)
"""Chat words that say nothing about a topic: they neither acknowledge nor inform."""

HOLLOW_KEYS = frozenset(stem(word) for word in HOLLOW_WORDS)


def is_hollow(word: str) -> bool:
    """True for a hollow chat word in any inflection ("guess", "guesses", "mentioned")."""
    return word in HOLLOW_WORDS or stem(word) in HOLLOW_KEYS


NEGATORS = _word_set("not no never nor neither isn't doesn't don't didn't aren't wasn't won't can't cannot")
"""Plain negation words. Hedges, questions and other non-definite statements are read by the cue
grammar of ``rlpa_env.assertion``."""


def is_negative(text: str) -> bool:
    """True when ``text`` states a dislike or a negation (``polarity`` < 0 or a plain negator)."""
    return polarity(text) < 0 or not NEGATORS.isdisjoint(tokens(text))


_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_LOOKALIKE_PAIRS: tuple[tuple[str, str], ...] = (
    ("\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u04bb\u0501", "aeopcyxijshd"),  # Cyrillic
    ("\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0406", "ABEKMHOPCTXI"),
    ("\u03b1\u03bf\u03c1\u03b9\u03ba\u03bd\u03c5\u03c7", "aopiknux"),  # Greek
    ("\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7", "ABEZHIKMNOPTYX"),
)
_LOOKALIKES = str.maketrans({a: b for source, target in _LOOKALIKE_PAIRS for a, b in zip(source, target, strict=True)})


def fold_unicode(text: str) -> str:
    """``text`` with NFKC applied, invisible characters removed and look-alike letters made Latin."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_LOOKALIKES)
