"""``RLPAInteraction``: the env as a verl ``BaseInteraction``, verl's hook for a simulated user in multi-turn rollouts.

verl 0.4.1 to 0.7.1 ship ``verl.interactions.base.BaseInteraction`` (0.4.0 predates it; 0.8.0 to 0.9.1
do not have it). Their multi-turn rollouts (the SGLang rollout and, from 0.6, the ``tool_agent`` agent
loop) drive an interaction like this:

1. the dataset row holds the chat prompt and ``extra_info.interaction_kwargs`` (``name`` picks the
   interaction; the rest is passed on);
2. ``start_interaction(request_id, **interaction_kwargs)`` once per rollout;
3. after every assistant message, ``generate_response(request_id, messages, **interaction_kwargs)``
   returns ``(should_terminate_sequence, user_message, turn_score, extra)``; the user message is
   appended and generation continues until ``should_terminate_sequence``.

Here a session is one ``RLPAEnv`` episode: ``start_interaction`` resets a fresh env with the row's
``seed`` (and reset ``options``), the last assistant message is stepped as the agent's turn, the
simulated user's reply is the response, the turn's reward is the score and the episode's end ends the
sequence. The prompt must open with this episode's first user message, so rows come from
``dataset_row(seed)``, which renders the opening with the same env settings; a conversation whose first
user message is not the episode's opening is an error (a dataset built with other env settings).

No verl release calls ``calculate_score`` or ``finalize_interaction``, so a session frees its env when
its episode ends and the last turn's ``extra["episode_return"]`` carries the return. A rollout that verl
cuts short (``max_assistant_turns``, ``response_length``) leaves its session open until
``finalize_interaction``: set ``max_assistant_turns`` and ``max_user_turns`` to at least the env's
``max_turns``.

Config keys (verl's interaction YAML, ``config:``): ``name`` (default ``"rlpa"``; verl's registry
sets it), ``env_id`` (default ``RLPA-v0``) and ``env_kwargs`` (a dict passed to ``gymnasium.make``).

The class derives from ``BaseInteraction`` when ``verl.interactions.base`` imports (verl 0.4.1-0.7.1
with its dependencies, ray among them) and from ``object`` otherwise, so the package does not depend
on verl; its methods keep the base class's signatures either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from rlpa_env import prompts

try:
    from verl.interactions.base import BaseInteraction as _Base
except ImportError:  # verl is optional; the methods below are its whole interface
    _Base = object

TURN_EXTRA_KEYS = ("turn", "format_ok", "profile_f1", "reward_response", "stop_reason")


class RLPAInteraction(_Base):  # type: ignore[misc, valid-type]
    """One RLPA episode per verl interaction session (see the module docstring)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self.name: str = self.config.get("name", "rlpa")
        self.env_id: str = self.config.get("env_id", "RLPA-v0")
        self.env_kwargs: dict[str, Any] = dict(self.config.get("env_kwargs", {}))
        self._sessions: dict[str, dict[str, Any]] = {}

    def dataset_row(
        self, seed: int, *, options: Mapping[str, Any] | None = None, system_prompt: str = prompts.AGENT_SYSTEM
    ) -> dict[str, Any]:
        """A row of verl's RL dataset for the episode ``reset(seed=seed, options=options)``.

        ``prompt`` is the system prompt and the episode's opening; ``extra_info.interaction_kwargs`` makes
        verl start this interaction on that episode; ``agent_name`` selects verl's multi-turn agent loop.
        """
        env = gym.make(self.env_id, **self.env_kwargs)
        try:
            opening, _ = env.reset(seed=seed, options=dict(options) if options else None)
        finally:
            env.close()
        interaction_kwargs: dict[str, Any] = {"name": self.name, "seed": seed}
        if options:
            interaction_kwargs["options"] = dict(options)
        return {
            "data_source": self.name,
            "agent_name": "tool_agent",
            "prompt": [{"role": "system", "content": system_prompt}, {"role": "user", "content": opening}],
            "extra_info": {"interaction_kwargs": interaction_kwargs},
        }

    async def start_interaction(
        self,
        instance_id: str | None = None,
        seed: int | None = None,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> str:
        """Open a session: reset a fresh env with ``seed`` and ``options``; return the session id.

        Other keyword arguments (verl passes the row's ``name``) are ignored.
        """
        instance_id = instance_id or str(uuid.uuid4())
        if instance_id in self._sessions:
            raise ValueError(f"interaction {instance_id!r} is already open; finalize it or use a new id")
        env = gym.make(self.env_id, **self.env_kwargs)
        opening, _ = env.reset(seed=seed, options=dict(options) if options else None)
        self._sessions[instance_id] = {"env": env, "opening": opening, "rewards": []}
        return instance_id

    def opening(self, instance_id: str) -> str:
        """The user's opening message of an open session's episode."""
        return self._session(instance_id)["opening"]

    async def generate_response(
        self, instance_id: str, messages: list[dict[str, Any]], **kwargs: Any
    ) -> tuple[bool, str, float, dict[str, Any]]:
        """Step the last assistant message; return (episode ended, the user's reply, turn reward, turn info).

        The info holds the turn's ``turn``, ``format_ok``, ``profile_f1``, ``reward_response``,
        ``stop_reason`` and the ``episode_return`` so far. When the episode ends the session is closed.
        """
        session = self._session(instance_id)
        first_user = next((m.get("content") for m in messages if m.get("role") == "user"), None)
        if first_user != session["opening"]:
            raise ValueError(
                f"the conversation of interaction {instance_id!r} does not open with its episode's first user "
                "message; build the dataset with dataset_row(seed) and the same env_id and env_kwargs"
            )
        turn = next((m.get("content") for m in reversed(messages) if m.get("role") == "assistant"), None)
        if not isinstance(turn, str):
            raise ValueError("generate_response needs the conversation to contain an assistant message with text")
        observation, reward, terminated, truncated, info = session["env"].step(turn)
        session["rewards"].append(float(reward))
        extra = {key: info[key] for key in TURN_EXTRA_KEYS}
        extra["episode_return"] = float(sum(session["rewards"]))
        done = bool(terminated or truncated)
        if done:
            self._close(instance_id)
        return done, observation, float(reward), extra

    async def calculate_score(self, instance_id: str | None = None, **kwargs: Any) -> float:
        """The return so far of an open session (a finished one reported it as ``episode_return``)."""
        return float(sum(self._session(instance_id)["rewards"]))

    async def finalize_interaction(self, instance_id: str | None = None, **kwargs: Any) -> None:
        """Close the session and free its env; closing an unknown or finished session does nothing."""
        self._close(instance_id)

    def _close(self, instance_id: str | None) -> None:
        session = self._sessions.pop(instance_id or "", None)
        if session is not None:
            session["env"].close()

    def _session(self, instance_id: str | None) -> dict[str, Any]:
        try:
            return self._sessions[instance_id or ""]
        except KeyError:
            raise KeyError(
                f"no open interaction {instance_id!r}; call start_interaction first (a session closes when its "
                "episode ends)"
            ) from None
