"""``RLPAInteraction``: the env as a verl ``BaseInteraction``, verl's hook for a simulated user in multi-turn rollouts.

verl's multi-turn rollout calls an interaction after each assistant message: ``start_interaction``
opens a session, ``generate_response(instance_id, messages)`` returns ``(should_terminate,
user_message, turn_score, extra)``, ``calculate_score`` and ``finalize_interaction`` close it. Here a
session is one ``RLPAEnv`` episode: the last assistant message is stepped as the agent's turn, the
simulated user's reply is the response, the turn's reward is the score, and the episode's end ends
the sequence. ``start_interaction(instance_id, seed=...)`` returns the instance id; the episode's
opening message is ``opening(instance_id)`` (put it in the dataset's first user message).

Config keys (verl's interaction YAML): ``name`` (default ``"rlpa"``), ``env_id`` (default
``RLPA-v0``) and ``env_kwargs`` (a dict passed to ``gymnasium.make``).

The class derives from ``verl.interactions.base.BaseInteraction`` when verl is installed (verl 0.4
to 0.7 ship it) and from ``object`` otherwise, so the package does not depend on verl.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)

try:
    from verl.interactions.base import BaseInteraction as _Base
except ImportError:  # verl is optional; the methods below are its whole interface
    _Base = object


class RLPAInteraction(_Base):  # type: ignore[misc, valid-type]
    """One RLPA episode per verl interaction session (see the module docstring)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self.name: str = self.config.get("name", "rlpa")
        self.env_id: str = self.config.get("env_id", "RLPA-v0")
        self.env_kwargs: dict[str, Any] = dict(self.config.get("env_kwargs", {}))
        self._sessions: dict[str, dict[str, Any]] = {}

    async def start_interaction(self, instance_id: str | None = None, seed: int | None = None, **kwargs: Any) -> str:
        """Open a session: reset a fresh env with ``seed``; return the session id."""
        instance_id = instance_id or str(uuid.uuid4())
        env = gym.make(self.env_id, **self.env_kwargs)
        opening, _ = env.reset(seed=seed)
        self._sessions[instance_id] = {"env": env, "opening": opening, "rewards": [], "done": False}
        return instance_id

    def opening(self, instance_id: str) -> str:
        """The user's opening message of the session's episode."""
        return self._session(instance_id)["opening"]

    async def generate_response(
        self, instance_id: str, messages: list[dict[str, Any]], **kwargs: Any
    ) -> tuple[bool, str, float, dict[str, Any]]:
        """Step the last assistant message; return (episode ended, the user's reply, turn reward, turn info)."""
        session = self._session(instance_id)
        if session["done"]:
            raise RuntimeError(f"interaction {instance_id!r} has ended; start a new one")
        turn = next((m.get("content") for m in reversed(messages) if m.get("role") == "assistant"), None)
        if not isinstance(turn, str):
            raise ValueError("generate_response needs the conversation to contain an assistant message with text")
        observation, reward, terminated, truncated, info = session["env"].step(turn)
        session["rewards"].append(float(reward))
        session["done"] = terminated or truncated
        extra = {key: info[key] for key in ("turn", "format_ok", "profile_f1", "reward_response", "stop_reason")}
        return session["done"], observation, float(reward), extra

    async def calculate_score(self, instance_id: str | None = None, **kwargs: Any) -> float:
        """The session's return so far (0 for an unknown or empty session)."""
        session = self._sessions.get(instance_id or "")
        return float(sum(session["rewards"])) if session else 0.0

    async def finalize_interaction(self, instance_id: str | None = None, **kwargs: Any) -> None:
        """Close the session and free its env."""
        session = self._sessions.pop(instance_id or "", None)
        if session is not None:
            session["env"].close()

    def _session(self, instance_id: str) -> dict[str, Any]:
        try:
            return self._sessions[instance_id]
        except KeyError:
            raise KeyError(f"no interaction {instance_id!r}; call start_interaction first") from None
