"""A third-party agent module, as an outside team would write one, for the evaluation tests.

It imports only the public turn formatter. ``CuriousAgent`` (a class), ``curious_agent`` (an
instance) and ``curious_reply`` (a plain function) all play the same deterministic policy; the
other classes each break in one way on their second turn, so the harness's guard can be tested.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from rlpa_env.parsing import format_turn

QUESTIONS = (
    "What do you enjoy doing on weekends?",
    "What kind of work keeps you busy?",
    "Do you have any pets at home?",
    "What music have you been listening to lately?",
    "What do you like to cook?",
)


def curious_reply(observation: str, info: Mapping[str, Any]) -> str:
    """Note the user's last message as a trait and ask the next question in turn."""
    question = QUESTIONS[info["turn"] % len(QUESTIONS)]
    trait = observation.strip().rstrip(".!?")[:80] or "prefers short replies"
    return format_turn([trait], f"Thanks for sharing that. {question}")


class CuriousAgent:
    """The ``curious_reply`` policy as an agent class."""

    name = "curious"

    def reset(self, seed: int | None = None) -> None:
        """Nothing to forget."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """See ``curious_reply``."""
        return curious_reply(observation, info)


curious_agent = CuriousAgent()


class _BreaksOnSecondTurn(CuriousAgent, ABC):
    """Plays like ``CuriousAgent`` on turn 1 and returns ``misbehave()`` from turn 2 on."""

    def act(self, observation: str, info: Mapping[str, Any]) -> Any:
        """Turn 1 is well formed; later turns misbehave."""
        if info["turn"] >= 1:
            return self.misbehave()
        return super().act(observation, info)

    @abstractmethod
    def misbehave(self) -> Any:
        """How the subclass breaks."""


class RaisingAgent(_BreaksOnSecondTurn):
    """Raises on its second turn."""

    def misbehave(self) -> Any:
        raise RuntimeError("model server went away")


class NonStringAgent(_BreaksOnSecondTurn):
    """Returns a number on its second turn."""

    def misbehave(self) -> Any:
        return 42


class HugeTextAgent(_BreaksOnSecondTurn):
    """Returns one megabyte of text on its second turn."""

    def misbehave(self) -> Any:
        return "a" * 1_000_000


class HangingAgent(_BreaksOnSecondTurn):
    """Blocks on its second turn until ``release`` is set (the test sets it when done)."""

    release = threading.Event()

    def misbehave(self) -> Any:
        self.release.wait(60)
        return "too late"


class NeedsArguments:
    """An agent class that cannot be built without arguments."""

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path

    def reset(self, seed: int | None = None) -> None:
        """Nothing to forget."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Never called in the tests."""
        return curious_reply(observation, info)


NOT_AN_AGENT = 7
