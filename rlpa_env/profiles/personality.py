"""Personality paragraphs -> the user's style: ``StylePreferences`` and the catalog's style facts.

ALOE pairs every persona with a personality paragraph ("She is warm and endlessly curious ... She
enjoys long, detailed conversations"). ``style_from_personality(text)`` reads it with cue phrases:

- **Verbosity.** Brief cues (short, terse, to the point, wasting words, impatient, loses patience,
  gets bored easily, lecture, ...) against detailed cues (long, chatty, talkative, detailed,
  reasoning, thorough, curious, follow-up questions, ...). A detailed cue inside a
  sentence that complains ("loses patience with long explanations") counts as brief. More brief than
  detailed cues gives ``"brief"`` (the scripted user then complains above 60 words), the reverse
  ``"detailed"``, otherwise ``"balanced"``.
- **Tone.** Formal cues (formal, polite, reserved, courteous, proper, ...), warm cues (warm, kind,
  empathetic, caring, gentle, patient, ...) and casual cues (laid-back, easygoing, humour, witty, jokes,
  sarcastic, spontaneous, ...); the most cued tone wins, ties in the order formal, warm, casual;
  no cue keeps the default ``"casual"``.
- A cue right after "rarely", "never", "not", "no" or "hardly" is ignored ("rarely jokes").
- **Style fact.** One, as in generated profiles: a brief or detailed verbosity adds the catalog fact
  ``short replies`` or ``detailed replies``; otherwise a cued tone adds ``formal tone``, ``warm tone``
  or ``casual tone`` (the tone is in ``StylePreferences`` either way). The
  scripted user already honours these: it complains about over-long replies above the verbosity's
  word limit and then reveals a short-replies fact. Humour and patience have no rule of their own in
  the scripted user; they are read into tone and verbosity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rlpa_env.profiles.catalog import catalog_fact
from rlpa_env.profiles.persona_text import sentences
from rlpa_env.profiles.types import Fact, StylePreferences, Tone, Verbosity

_NEGATORS = r"(?<!rarely )(?<!never )(?<!not )(?<!no )(?<!hardly )"
_COMPLAINING = re.compile(r"\b(?:hates?|dislikes?|loses? patience|lose patience|bored|impatient|can't stand|avoids?)\b")


def _cue_pattern(words: str) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(w) for w in words.split("|")), key=len, reverse=True))
    return re.compile(rf"{_NEGATORS}\b(?:{alternatives})\b")


_BRIEF = _cue_pattern(
    "terse|brief|concise|to the point|get to the point|gets to the point|wasting words|waste words|few words"
    "|short|shorter|short sentences|short messages|short answers|impatient|loses patience|lose patience"
    "|gets bored easily|get bored easily|bored easily|lecture|lectures|no-nonsense|blunt|straight talking|busy"
    "|quiet|reserved"
)
_DETAILED = _cue_pattern(
    "chatty|talkative|long|longer|long conversations|detailed|detail|thorough|reasoning|in-depth|curious"
    "|follow-up questions|loves to talk|likes to talk|explanations|deep conversations|long chats|storyteller"
    "|loves a long chat"
)
_TONES: tuple[tuple[Tone, re.Pattern[str]], ...] = (
    ("formal", _cue_pattern("formal|polite|reserved|courteous|proper|professional|old-fashioned|precise|serious")),
    ("warm", _cue_pattern("warm|kind|empathetic|caring|gentle|patient|compassionate|affectionate|sweet|friendly")),
    (
        "casual",
        _cue_pattern(
            "laid-back|laid back|easygoing|easy-going|relaxed|casual|humour|humor|witty|quick-witted|jokes|joking"
            "|sarcastic|playful|spontaneous|cheeky|informal|banter"
        ),
    ),
)
_VERBOSITY_FACTS: dict[str, str] = {"brief": "short replies", "detailed": "detailed replies"}
_TONE_FACTS: dict[str, str] = {"formal": "formal tone", "warm": "warm tone", "casual": "casual tone"}


@dataclass(frozen=True)
class PersonalityStyle:
    """What a personality paragraph says about how to talk to the user.

    Attributes:
        style: The ``StylePreferences`` the scripted user and the judge read.
        facts: The catalog style fact it adds to the profile (none when nothing was cued).
        cues: The cue phrases found, as ``"verbosity:brief:terse"``-style strings, in text order.
    """

    style: StylePreferences
    facts: tuple[Fact, ...]
    cues: tuple[str, ...]


@lru_cache(maxsize=1024)
def style_from_personality(text: str) -> PersonalityStyle:
    """Read ``text`` into verbosity, tone and style facts (see the module docstring)."""
    brief = detailed = 0
    tone_counts = dict.fromkeys(("formal", "warm", "casual"), 0)
    cues: list[str] = []
    for sentence in sentences(text):
        lower = sentence.lower()
        complaining = _COMPLAINING.search(lower) is not None
        for match in _BRIEF.finditer(lower):
            brief += 1
            cues.append(f"verbosity:brief:{match[0]}")
        for match in _DETAILED.finditer(lower):
            if complaining:
                brief += 1
                cues.append(f"verbosity:brief:{match[0]} (complained about)")
            else:
                detailed += 1
                cues.append(f"verbosity:detailed:{match[0]}")
        for tone, pattern in _TONES:
            for match in pattern.finditer(lower):
                tone_counts[tone] += 1
                cues.append(f"tone:{tone}:{match[0]}")
    verbosity: Verbosity = "brief" if brief > detailed else "detailed" if detailed > brief else "balanced"
    best_tone = max(tone_counts, key=lambda name: tone_counts[name])  # dict order breaks ties
    tone: Tone = best_tone if tone_counts[best_tone] else "casual"  # type: ignore[assignment]
    facts = []
    if verbosity in _VERBOSITY_FACTS:
        facts.append(catalog_fact("style", "style", _VERBOSITY_FACTS[verbosity]))
    elif tone_counts[best_tone]:
        facts.append(catalog_fact("style", "style", _TONE_FACTS[tone]))
    return PersonalityStyle(StylePreferences(verbosity=verbosity, tone=tone), tuple(facts), tuple(cues))
