"""``LLMUser``: the simulated user played by a chat model, with the scripted user's rules enforced in code.

Each turn:

1. **Seed.** ``state.rng.integers(2**31)`` is drawn first, so the model's seed follows from the
   episode seed and the turn, and a ``CachedBackend`` replays an episode exactly. Retry ``k`` uses
   that seed plus ``k``.
2. **Decisions in code.** A ``ScriptedUser`` with the same ``reveal_fraction`` reads the reply
   through the env's ``ReplyReading`` (``rlpa_env.reading``) and decides everything that matters:
   the reaction (complaint, reveal, filler, goodbye), which facts are disclosed (only relevant ones, at most
   ``ceil(reveal_fraction * n)``, intimate ones only after rapport), the rapport change and
   ``state.memory``. On a profile request nothing at all is disclosed, whatever else the reply did.
3. **Wording by the model.** The system prompt holds the whole profile as first-person notes with
   intimacy marks and the style (``rlpa_env.prompts``); an imported profile adds its original persona
   text (``Profile.persona``) so the wording can follow it. The transcript follows with the roles
   swapped: the agent's replies are the ``user`` role for the user model. A last system message
   says what to do in this message: what to complain about and exactly which notes to share. It
   comes last so everything before it is a stable prefix that a server's prefix cache reuses.
4. **Post-processing.** Role prefixes (``User:``, ``Me:``) are stripped, text after a line where the
   model starts writing the other side is cut, the message is capped at ``max_words`` (at a
   sentence end when one is near), and every sentence that names a fact (its value, an alias or a
   whole utterance) the user has not shared and may not share now is removed. A disclosed fact the
   text does not name gets one of its utterances appended, so ``revealed_fact_ids`` are exactly the
   decided ones, never more.
5. **Fallbacks.** Empty text after ``max_retries`` retries becomes the scripted user's own message.
6. **Ending.** ``done`` when the scripted rules say rapport collapsed, or when rapport is negative
   and the model ends with ``prompts.GOODBYE_MARKER`` (the marker is only offered then).

``opening`` asks the model for a cold greeting with no profile in the prompt at all, and removes
any sentence that happens to name a fact.

``rlpa_env.backends.config.llm_env_kwargs`` builds the ``gymnasium.make`` kwargs that put the user and
both LLM judges on one backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from rlpa_env import prompts
from rlpa_env.backends.base import ChatBackend
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.text import content_stems
from rlpa_env.users import templates
from rlpa_env.users.base import DialogueState, UserTurn
from rlpa_env.users.scripted import ScriptedUser, state_signals

HISTORY_MESSAGES = 24
"""How many of the latest transcript messages the user model sees: a whole 10-turn chat, so the prompt
prefix stays the same from turn to turn (a server's prefix cache reuses it); longer chats slide."""
_SEED_SPACE = 2**31
_ROLE = r"(?:user|assistant|me|you|person|human|ai|bot|system|human user|the user)"
_LEADING_ROLE = re.compile(rf"^\s*(?:\*\*)?{_ROLE}(?:\*\*)?\s*:\s*", re.IGNORECASE)
_LATER_ROLE = re.compile(rf"\n\s*(?:\*\*)?{_ROLE}(?:\*\*)?\s*:", re.IGNORECASE)
_SPECIAL_TOKEN = re.compile(r"<\|[^|>]*\|>|</?s>")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_QUOTES = "\"'\u201c\u201d"


class LLMUser:
    """A ``UserSimulator`` whose messages a chat model writes; the module docstring states the rules.

    Args:
        backend: A ``ChatBackend``, a backend setting (``"embedded"``, a registered name, a local path; see
            ``rlpa_env.backends.config``), or ``None`` for the embedded local model.
        max_tokens: Token limit for one user message.
        temperature: Sampling temperature of the user model.
        reveal_fraction: Share of the profile's facts disclosed in one turn at most (rounded up).
        max_retries: Extra attempts when the model returns no usable text.
        max_words: Longest user message, in words, before utterances of disclosed facts are appended.
    """

    def __init__(
        self,
        backend: str | ChatBackend | None = "transformers",
        *,
        max_tokens: int = 96,
        temperature: float = 0.7,
        reveal_fraction: float = 0.15,
        max_retries: int = 2,
        max_words: int = 50,
    ) -> None:
        if max_tokens < 1 or max_words < 1:
            raise ValueError(f"max_tokens and max_words must be at least 1, got {max_tokens} and {max_words}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        from rlpa_env.backends.config import EMBEDDED, resolve_backend

        self.backend: ChatBackend = resolve_backend(EMBEDDED if backend is None else backend)
        self.rules = ScriptedUser(reveal_fraction=reveal_fraction)
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.max_retries = max_retries
        self.max_words = max_words

    def reveal_budget(self, profile: Profile) -> int:
        """The most facts disclosed in one message: ``ceil(reveal_fraction * len(profile.facts))``."""
        return self.rules.reveal_budget(profile)

    def opening(self, profile: Profile, rng: np.random.Generator) -> str:
        """A cold greeting written by the model from the style alone; it names no fact."""
        seed = int(rng.integers(_SEED_SPACE))
        messages = [
            {"role": "system", "content": prompts.USER_OPENING_SYSTEM.format(style=_style_text(profile))},
            {"role": "user", "content": prompts.USER_OPENING_REQUEST},
        ]
        text = self._generate(messages, seed, forbidden=profile.facts)
        return text or templates.OPENINGS[seed % len(templates.OPENINGS)]

    def respond(self, state: DialogueState, reply: str) -> UserTurn:
        """React to ``reply``: the scripted rules decide, the model words it (see the module docstring)."""
        if not isinstance(reply, str):
            raise TypeError(f"reply must be a str, got {type(reply).__name__}")
        seed = int(state.rng.integers(_SEED_SPACE))
        signals = state_signals(state, reply)
        decided = self.rules.respond(state, reply)
        disclosed = () if signals.asks_for_profile else decided.revealed_fact_ids
        shared = state.profile.subset(disclosed)
        may_leave = state.rapport < 0 and not decided.done

        reaction = "profile_request" if signals.asks_for_profile else decided.reaction
        remarks = [prompts.REACTION_DIRECTIVES[reaction]] if reaction in prompts.REACTION_DIRECTIVES else []
        if signals.addresses_grader:
            remarks.append(prompts.REACTION_DIRECTIVES["grader_address"])
        if shared:
            remarks.append(prompts.SHARE_DIRECTIVE.format(facts=" ".join(f.utterances[0] for f in shared)))
        else:
            remarks.append(prompts.NOTHING_TO_SHARE)
        if may_leave:
            remarks.append(prompts.GOODBYE_OFFER)
        system = prompts.USER_SYSTEM.format(
            notes=_notes(state.profile), style=_style_text(state.profile), max_words=self.max_words
        )
        messages = [
            {"role": "system", "content": system},
            *_swapped_transcript(state.messages),
            {"role": "user", "content": reply},
            {"role": "system", "content": prompts.USER_DIRECTIVE.format(directive=" ".join(remarks))},
        ]
        known = set(state.revealed_fact_ids) | set(disclosed)
        forbidden = tuple(f for f in state.profile.facts if f.id not in known)
        text = self._generate(messages, seed, forbidden)

        leaves = may_leave and prompts.GOODBYE_MARKER.lower() in text.lower()
        text = _remove_marker(text).strip()
        if not text:
            text = self._fallback_text(decided, disclosed, seed)
        text = _with_utterances(text, shared, seed)
        if leaves:
            return UserTurn(text, tuple(disclosed), "goodbye", done=True)
        return UserTurn(text, tuple(disclosed), reaction, done=decided.done)

    def _generate(self, messages: list[dict[str, str]], seed: int, forbidden: Sequence[Fact]) -> str:
        """The model's cleaned text, retried with the next seeds while it comes back empty; ``""`` if it never does."""
        for attempt in range(self.max_retries + 1):
            raw = self.backend.complete(
                messages, max_tokens=self.max_tokens, temperature=self.temperature, seed=(seed + attempt) % _SEED_SPACE
            )
            text = clean_user_text(raw, self.max_words, forbidden)
            if text:
                return text
        return ""

    def _fallback_text(self, decided: UserTurn, disclosed: tuple[str, ...], seed: int) -> str:
        if disclosed == decided.revealed_fact_ids:
            return decided.text
        # Disclosure was withheld on a profile request; the scripted text may name the withheld fact.
        return templates.PROFILE_REQUEST[seed % len(templates.PROFILE_REQUEST)]


def clean_user_text(raw: str, max_words: int, forbidden: Sequence[Fact] = ()) -> str:
    """Strip role prefixes and special tokens, cut where the model writes the other side, drop
    sentences naming a ``forbidden`` fact, and cap the result at ``max_words`` words."""
    text = _SPECIAL_TOKEN.sub("", raw)
    later = _LATER_ROLE.search(text)
    if later:
        text = text[: later.start()]
    while (prefix := _LEADING_ROLE.match(text)) is not None:
        text = text[prefix.end() :]
    text = " ".join(text.split()).strip(_QUOTES + " ")
    if forbidden:
        text = " ".join(s.strip() for s in _SENTENCE.findall(text) if s.strip() and not _names_any(s, forbidden))
    return _cap_words(text, max_words)


def _names_any(sentence: str, facts: Iterable[Fact]) -> bool:
    stems = content_stems(sentence)
    return any(any(term <= stems for term in _fact_terms(fact)) for fact in facts)


@lru_cache(maxsize=8192)
def _fact_terms(fact: Fact) -> tuple[frozenset[str], ...]:
    """The stem sets that name ``fact``: its value, each alias and each utterance (empty sets are dropped)."""
    return tuple(terms for name in (fact.value, *fact.aliases, *fact.utterances) if (terms := content_stems(name)))


def _cap_words(text: str, max_words: int) -> str:
    words = text.split()
    if len(words) <= max_words:
        return text
    kept = " ".join(words[:max_words])
    end = max(kept.rfind(mark) for mark in ".!?")
    # Cut at a sentence end when it keeps at least half the allowed words; otherwise cut mid-sentence.
    return kept[: end + 1] if end >= len(kept) // 2 else kept + "..."


def _with_utterances(text: str, shared: Sequence[Fact], seed: int) -> str:
    """Append an utterance for each shared fact the text does not name, so the disclosure really happens."""
    missing = [fact for fact in shared if not _names_any(text, (fact,))]
    extra = [fact.utterances[seed % len(fact.utterances)] for fact in missing]
    return " ".join([text, *extra]).strip()


def _remove_marker(text: str) -> str:
    return re.sub(re.escape(prompts.GOODBYE_MARKER), "", text, flags=re.IGNORECASE)


@lru_cache(maxsize=1024)
def _notes(profile: Profile) -> str:
    notes = "\n".join(f"- {prompts.INTIMACY_MARKS[f.intimacy]} {f.utterances[0]}" for f in profile.facts)
    if profile.persona:
        notes += "\n\n" + prompts.PERSONA_NOTE.format(persona=profile.persona)
    return notes


def _style_text(profile: Profile) -> str:
    return f"{prompts.VERBOSITY_HINTS[profile.style.verbosity]} {prompts.TONE_HINTS[profile.style.tone]}"


def _swapped_transcript(messages: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The latest messages with roles swapped; starts with a ``user`` message as chat templates expect."""
    swap = {"user": "assistant", "assistant": "user"}
    recent = [{"role": swap[m["role"]], "content": m["content"]} for m in messages[-HISTORY_MESSAGES:]]
    if recent and recent[0]["role"] == "assistant":
        recent.insert(0, {"role": "user", "content": prompts.CHAT_START})
    return recent
