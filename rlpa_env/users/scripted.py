"""``ScriptedUser``: a rule-based simulated user with varied, blunt phrasings (the default user).

It reads every agent reply through the env's ``ReplyReading`` (``rlpa_env.reading``: the same record the
rule judge reads) and follows these rules:

1. **Opening.** A cold, brief greeting that reveals nothing.
2. **Complaints.** It names what went wrong, in this priority: a reply the reader found
   incoherent (``ReplyReading.coherent`` is false: "sorry, you lost me there"), a disliked topic
   raised positively (always said, naming the topic), a reply that credits it with the opposite of
   something true (``contradicted_fact_ids``: "wait, that's not right about seafood"), a request
   for its whole profile, copying its last message, a question about something it already said, an
   over-long reply or markdown lecture, empty flattery. The incoherence complaint, the
   disliked-topic complaint and the profile refusal are each said when they apply; otherwise only
   the first complaint is voiced. Every detected problem costs ``complaint_penalty`` rapport.
3. **What blocks an answer.** After an incoherent reply, a disliked topic, a contradiction, a
   profile request, copying or a repeated question the user answers nothing else that turn. After
   a long reply or flattery it grumbles and still answers. Saying "I can't stand seafood" discloses
   that dislike, so a disliked-topic complaint reports the dislike fact as revealed the first time;
   no other fact is revealed in a turn that asks for the profile.
4. **Reveals.** Only facts the reply made relevant are disclosed, never one already revealed, at
   most ``reveal_budget(profile) = ceil(reveal_fraction * len(profile.facts))`` per turn, in this
   order: the length-preference style fact after an over-long reply, then facts asked about, then
   facts merely mentioned (profile order within each group). A question about how it likes answers
   asks its style facts. It speaks the facts' first-person utterances, never their profile text.
5. **Intimacy.** Intimacy-0 facts are always shareable; intimacy 1 needs rapport of at least
   ``personal_rapport`` and intimacy 2 at least ``intimate_rapport`` (judged after this turn's
   rapport change). A gated fact that was asked about gets a deflection; one only mentioned is
   silently kept back.
6. **Rapport.** Starts at ``state.rapport`` (0.0 by default). A question that asks about a fact not
   yet revealed, with at most two questions in the reply, adds ``question_gain``; a reply that picks
   up a content word of the user's last message adds ``acknowledgement_gain``.
7. **Filler.** A reply that makes nothing relevant and draws no complaint gets a short,
   non-committal line.
8. **Goodbye.** When rapport is at or below ``goodbye_rapport`` after at least ``goodbye_streak``
   complaint turns in a row, the user says its complaint, leaves (``done=True``) and reveals only a
   newly voiced dislike.

In the preference-shift scenario the env ends the user's message of the shift turn with one of
``templates.SHIFT_ANNOUNCEMENTS`` ("I've gone off jazz lately. I'm into soul music these days."),
which discloses the new like.

Bookkeeping lives in ``state.memory`` (plain lists, dicts and ints): ``complaints`` (reaction ->
count), ``bad_streak``, ``asked_fact_ids`` and ``deflected_fact_ids``. All choices of phrasing use
``state.rng``, so a seed fixes the transcript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from rlpa_env.profiles.catalog import specific_keywords
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.reading import ReplyReading
from rlpa_env.reply_analysis import ReplySignals
from rlpa_env.text import stem, tokens
from rlpa_env.users import templates
from rlpa_env.users.base import DialogueState, UserTurn

COMPLAINT_ORDER: tuple[str, ...] = (
    "incoherent",
    "disliked_topic",
    "misremembered",
    "profile_request",
    "copying",
    "repeated_question",
    "too_long",
    "flattery",
)
"""Complaint reactions, most important first."""

BLOCKING_COMPLAINTS: frozenset[str] = frozenset(
    {"incoherent", "disliked_topic", "misremembered", "profile_request", "copying", "repeated_question"}
)
"""Complaints after which the user answers nothing else in that turn."""

_ALWAYS_VOICED = ("incoherent", "disliked_topic", "profile_request")
_COMPLAINT_LINES: dict[str, tuple[str, ...]] = {
    "incoherent": templates.INCOHERENT,
    "profile_request": templates.PROFILE_REQUEST,
    "copying": templates.COPYING,
    "too_long": templates.TOO_LONG,
    "flattery": templates.FLATTERY,
}
_BREVITY_WORDS = ("short", "brief", "concise", "quick", "moderate", "length", "verbose", "wordy", "essay")
_BREVITY_KEYS = frozenset(stem(w) for w in _BREVITY_WORDS)


@lru_cache(maxsize=1024)
def _length_style_ids(profile: Profile) -> tuple[str, ...]:
    """Style facts asking for short or moderate answers (revealed when a reply runs long).

    A preference for detailed answers is left out: saying it right after "too long" would
    contradict the complaint. Catalog style facts share generic keywords such as "length", so only
    the value, the text and the specific keywords decide.
    """
    found = []
    for fact in profile.facts:
        words = tokens(" ".join((fact.value, fact.text, *specific_keywords(fact))))
        if fact.kind == "style" and _BREVITY_KEYS.intersection(stem(w) for w in words):
            found.append(fact.id)
    return tuple(found)


def _complaints(reading: ReplyReading) -> list[str]:
    signals = reading.signals
    detected = {
        "incoherent": not reading.coherent,
        "disliked_topic": bool(signals.disliked_fact_ids),
        "misremembered": bool(signals.contradicted_fact_ids),
        "profile_request": signals.asks_for_profile,
        "copying": signals.copies_user,
        "repeated_question": bool(signals.repeated_fact_ids),
        "too_long": signals.too_long,
        "flattery": signals.flattery,
    }
    return [name for name in COMPLAINT_ORDER if detected[name]]


def state_signals(state: DialogueState, reply: str) -> ReplySignals:
    """The rule signals of ``reply`` in the user's view: those of the env's reading (``state.reading_of``)."""
    return state.reading_of(reply).signals


@dataclass(frozen=True)
class ScriptedUser:
    """A rule-based ``UserSimulator``; the module docstring states its rules.

    Args:
        reveal_fraction: Share of the profile's facts the user may disclose in one turn (rounded up).
        personal_rapport: Rapport needed before intimacy-1 facts are shared.
        intimate_rapport: Rapport needed before intimacy-2 facts are shared.
        question_gain: Rapport added by a question about a fact not yet revealed.
        acknowledgement_gain: Rapport added by a reply that picks up the user's last message.
        complaint_penalty: Rapport removed per detected problem.
        goodbye_rapport: The user leaves at or below this rapport ...
        goodbye_streak: ... after this many complaint turns in a row.
    """

    reveal_fraction: float = 0.15
    personal_rapport: float = 1.0
    intimate_rapport: float = 2.0
    question_gain: float = 0.5
    acknowledgement_gain: float = 0.5
    complaint_penalty: float = 1.0
    goodbye_rapport: float = -3.0
    goodbye_streak: int = 2

    def __post_init__(self) -> None:
        if not 0.0 < self.reveal_fraction <= 1.0:
            raise ValueError(f"reveal_fraction must be in (0, 1], got {self.reveal_fraction!r}")
        if self.intimate_rapport < self.personal_rapport:
            raise ValueError(
                f"intimate_rapport ({self.intimate_rapport}) must not be below "
                f"personal_rapport ({self.personal_rapport})"
            )
        if min(self.question_gain, self.acknowledgement_gain, self.complaint_penalty) < 0:
            raise ValueError("question_gain, acknowledgement_gain and complaint_penalty must be non-negative")
        if self.goodbye_streak < 1:
            raise ValueError(f"goodbye_streak must be at least 1, got {self.goodbye_streak!r}")

    def reveal_budget(self, profile: Profile) -> int:
        """The most facts disclosed in one message: ``ceil(reveal_fraction * len(profile.facts))``."""
        # The epsilon keeps float noise (0.15 * 20 = 3.0000000000000004) from adding a fact.
        return max(1, math.ceil(self.reveal_fraction * len(profile.facts) - 1e-9))

    def opening(self, profile: Profile, rng: np.random.Generator) -> str:
        """A cold, brief greeting that reveals nothing about ``profile``."""
        return templates.pick(rng, templates.OPENINGS)

    def respond(self, state: DialogueState, reply: str) -> UserTurn:
        """React to ``reply`` following the module's rules; updates ``state.rapport`` and ``state.memory``."""
        if not isinstance(reply, str):
            raise TypeError(f"reply must be a str, got {type(reply).__name__}")
        reading = state.reading_of(reply)
        signals = reading.signals
        profile = state.profile
        revealed = set(state.revealed_fact_ids)
        memory = state.memory
        rng = state.rng

        complaints = _complaints(reading)
        fresh_asked = [i for i in signals.asked_fact_ids if i not in revealed]
        self._record(memory, complaints, fresh_asked)
        state.rapport += self._rapport_change(signals, fresh_asked, complaints)

        voiced = [c for c in complaints if c in _ALWAYS_VOICED] or complaints[:1]
        parts = [self._complaint_text(name, signals, profile, revealed, rng) for name in voiced]
        disclosed = [i for i in signals.disliked_fact_ids[:1] if i not in revealed]

        if memory["bad_streak"] >= self.goodbye_streak and state.rapport <= self.goodbye_rapport:
            parts.append(templates.pick(rng, templates.GOODBYE))
            return UserTurn(" ".join(parts), tuple(disclosed), "goodbye", done=True)

        if not BLOCKING_COMPLAINTS.intersection(complaints):
            shared, deflected = self._choose_reveals(signals, profile, revealed, state.rapport)
            memory["deflected_fact_ids"].extend(i for i in deflected if i not in memory["deflected_fact_ids"])
            if shared:
                lead = "" if parts else templates.pick(rng, templates.LEADS)
                parts.append(lead + self._speak(shared, rng))
                disclosed.extend(fact.id for fact in shared)
            if deflected:
                parts.append(templates.pick(rng, templates.DEFLECTIONS))

        if complaints:
            reaction = complaints[0]
        elif disclosed:
            reaction = "reveal"
        else:
            reaction = "filler"
        if not parts:
            parts.append(templates.pick(rng, templates.FILLERS))
        return UserTurn(" ".join(parts), tuple(disclosed), reaction)

    def _record(self, memory: dict[str, Any], complaints: list[str], fresh_asked: list[str]) -> None:
        counts = memory.setdefault("complaints", {})
        for name in complaints:
            counts[name] = counts.get(name, 0) + 1
        memory["bad_streak"] = memory.get("bad_streak", 0) + 1 if complaints else 0
        asked = memory.setdefault("asked_fact_ids", [])
        asked.extend(i for i in fresh_asked if i not in asked)
        memory.setdefault("deflected_fact_ids", [])

    def _rapport_change(self, signals: ReplySignals, fresh_asked: list[str], complaints: list[str]) -> float:
        change = -self.complaint_penalty * len(complaints)
        if fresh_asked and signals.question_count <= 2:
            change += self.question_gain
        if signals.acknowledges_user:
            change += self.acknowledgement_gain
        return change

    def _shareable(self, fact: Fact, rapport: float) -> bool:
        if fact.intimacy >= 2:
            return rapport >= self.intimate_rapport
        return fact.intimacy == 0 or rapport >= self.personal_rapport

    def _choose_reveals(
        self, signals: ReplySignals, profile: Profile, revealed: set[str], rapport: float
    ) -> tuple[list[Fact], list[str]]:
        """The facts to disclose (within budget, in rule order) and the asked ones held back."""
        candidates = dict.fromkeys(signals.asked_fact_ids + signals.mentioned_fact_ids)
        if signals.too_long:
            candidates = dict.fromkeys(_length_style_ids(profile)) | candidates
        asked = set(signals.asked_fact_ids)
        budget = self.reveal_budget(profile)
        shared: list[Fact] = []
        deflected: list[str] = []
        for fact_id in candidates:
            if fact_id in revealed or len(shared) >= budget:
                continue
            fact = profile.fact(fact_id)
            if self._shareable(fact, rapport):
                shared.append(fact)
            elif fact_id in asked:
                deflected.append(fact_id)
        return shared, deflected

    def _speak(self, facts: list[Fact], rng: np.random.Generator) -> str:
        """The facts' utterances joined; a later fact avoids the opening words of an earlier one's,
        since like/dislike utterances of one category share sentence frames."""
        said = [templates.pick(rng, facts[0].utterances)]
        text = said[0]
        for fact in facts[1:]:
            fresh = [u for u in fact.utterances if all(u.split()[:2] != s.split()[:2] for s in said)]
            said.append(templates.pick(rng, fresh or fact.utterances))
            text += templates.pick(rng, templates.JOINERS) + said[-1]
        return text

    def _complaint_text(
        self, name: str, signals: ReplySignals, profile: Profile, revealed: set[str], rng: np.random.Generator
    ) -> str:
        if name == "disliked_topic":
            fact_id = signals.disliked_fact_ids[0]
            options = templates.DISLIKED_TOPIC_AGAIN if fact_id in revealed else templates.DISLIKED_TOPIC
            return templates.pick(rng, options).format(topic=profile.fact(fact_id).value)
        if name == "misremembered":
            fact_id = signals.contradicted_fact_ids[0]
            return templates.pick(rng, templates.MISREMEMBERED).format(topic=profile.fact(fact_id).value)
        if name == "repeated_question":
            said = templates.pick(rng, profile.fact(signals.repeated_fact_ids[0]).utterances)
            return templates.pick(rng, templates.REPEATED_QUESTION).format(said=said)
        return templates.pick(rng, _COMPLAINT_LINES[name])
