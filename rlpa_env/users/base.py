"""The ``UserSimulator`` protocol and the dialogue state the environment shares with it.

The environment owns a ``DialogueState`` per episode and starts it with
``user.opening(profile, rng)``, a cold greeting that reveals nothing. Each agent turn it calls
``user.respond(state, reply)``; the simulator may update ``state.rapport`` and its own
``state.memory``, and returns a ``UserTurn``. The environment then appends the user's text to
``state.messages``, the turn's ``revealed_fact_ids`` to ``state.revealed_fact_ids`` and advances
``state.turn``. All randomness comes from ``state.rng`` (the environment's ``np_random``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args, runtime_checkable

import numpy as np

from rlpa_env.parsing import last_user_message
from rlpa_env.profiles.types import Profile
from rlpa_env.reading import ReplyReading, read_reply

Reaction = Literal[
    "opening",
    "reveal",
    "filler",
    "incoherent",
    "disliked_topic",
    "misremembered",
    "repeated_question",
    "flattery",
    "too_long",
    "copying",
    "profile_request",
    "format_error",
    "goodbye",
]
"""Why the user said what it said (``info["user_reaction"]``): a complaint (``incoherent``,
``disliked_topic``, ``misremembered``, ``repeated_question``, ``flattery``, ``too_long``, ``copying``,
``profile_request``), a disclosure
(``reveal``), small talk (``filler``), leaving (``goodbye``), or ``opening`` / ``format_error``."""
REACTIONS: frozenset[str] = frozenset(get_args(Reaction))


@dataclass(frozen=True)
class UserTurn:
    """One message from the simulated user.

    Attributes:
        text: What the user says.
        revealed_fact_ids: Facts disclosed for the first time in this message (at most the budget).
        reaction: The main reason for the message (see ``Reaction``).
        done: True when the user ends the chat.
    """

    text: str
    revealed_fact_ids: tuple[str, ...] = ()
    reaction: Reaction = "filler"
    done: bool = False

    def __post_init__(self) -> None:
        if self.reaction not in REACTIONS:
            raise ValueError(f"unknown reaction {self.reaction!r}; expected one of {sorted(REACTIONS)}")


@dataclass
class DialogueState:
    """Everything about one episode that the user simulator may read or update.

    ``messages`` is the public transcript (``{"role": "user" | "assistant", "content": str}``).
    ``memory`` is free for the simulator's own bookkeeping (topics asked, complaints made, ...);
    it must hold only deep-copyable values so ``RLPAEnv.get_state`` can snapshot it. ``reading`` is
    the env's ``ReplyReading`` of the reply being answered, set while ``respond`` runs (the judges
    got the same record), else ``None``; a simulator reads it through ``reading_of``.
    """

    profile: Profile
    rng: np.random.Generator
    messages: list[dict[str, str]] = field(default_factory=list)
    revealed_fact_ids: list[str] = field(default_factory=list)
    rapport: float = 0.0
    turn: int = 0
    memory: dict[str, Any] = field(default_factory=dict)
    reading: ReplyReading | None = field(default=None, repr=False, compare=False)

    @property
    def last_user_message(self) -> str:
        """The latest user message, or ``""`` before the opening."""
        return last_user_message(self.messages)

    def reading_of(self, reply: str) -> ReplyReading:
        """``reading`` when it reads ``reply``; without one, ``read_reply`` of ``reply`` in this state.

        Raises:
            ValueError: ``reading`` reads another reply (a simulator was handed a stale state).
        """
        if self.reading is None:
            return read_reply(reply, self.profile, self.messages, self.revealed_fact_ids)
        if self.reading.reply != reply:
            raise ValueError("DialogueState.reading reads another reply than the one being answered")
        return self.reading


@runtime_checkable
class UserSimulator(Protocol):
    """A simulated user holding a hidden profile (DESIGN.md section 5)."""

    def opening(self, profile: Profile, rng: np.random.Generator) -> str:
        """The user's first message: cold and brief, revealing no fact."""
        ...

    def respond(self, state: DialogueState, reply: str) -> UserTurn:
        """React to the agent's ``reply`` (the raw turn text when the turn did not parse)."""
        ...
