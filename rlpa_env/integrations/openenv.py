"""RLPA as an OpenEnv environment: ``RLPAEnvironment`` (server side) and ``RLPAEnvClient`` (typed client).

Needs the ``serve`` extra (``openenv-core``). ``rlpa-env serve`` (``rlpa_env.integrations.serve``) puts
``RLPAEnvironment`` behind OpenEnv's own ``create_app``, which owns the sessions: every WebSocket
connection (``/ws``, what ``EnvClient`` and ``GenericEnvClient`` speak) gets its own
``RLPAEnvironment`` and so its own ``gymnasium.make(env_id, **env_kwargs)`` episode, up to
``max_concurrent_envs`` at once; a further connection is refused with OpenEnv's ``CAPACITY_REACHED``
error. OpenEnv's HTTP ``/reset`` and ``/step`` build a fresh environment per request (stateless), so
a multi-turn episode needs a WebSocket session.

The protocol:

- Action ``RLPAAction``: one string field, ``turn``: exactly the text ``RLPAEnv.step`` takes (a
  ``<profile>`` block and a ``<response>`` block). Any other field, or a non-string ``turn``, is
  refused by OpenEnv's validation before the environment sees it.
- Observation ``RLPAObservation``: ``message`` (the user's latest message, what ``env.step`` and
  ``env.reset`` return), the public info fields (``turn``, ``scenario``, ``messages``,
  ``format_ok``, ``format_error``; ``rlpa_env.env.PUBLIC_INFO_KEYS``) and ``truncated``; OpenEnv's
  step result carries ``reward`` (the turn's reward; ``None`` after a reset) and ``done``
  (terminated or truncated).
- ``reset(seed=..., options=...)`` is ``env.reset(seed=seed, options=options)``: the same seed gives
  exactly the in-process episode, so every member of a GRPO group can see the same user.
- ``state`` (``RLPAState``): the episode id, the env id, the seed, the turn and whether it is done.

The full trainer ``info`` (the reward per criterion, profile precision/recall/F1, the alignment
grade, the user's reaction) is sent, as ``trainer_info``, only when the server is started with
``trainer_info=True`` (``rlpa-env serve --trainer-info``). It is off by default for the reason the
env keeps it out of ``public_info``: an agent that reads the scores of each turn can group-test its
guesses (state a fact, watch the profile F1 move) instead of inferring the profile from the dialogue.
Turn it on for a trainer that logs those scores, never for an agent under evaluation.

A failure inside one session (a turn that breaks the backend, a step before reset) is answered to
that session as an OpenEnv error naming the cause; the other sessions do not share its environment
and keep running.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
from openenv.core import EnvClient
from openenv.core.client_types import StepResult
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, EnvironmentMetadata, Observation, State
from pydantic import Field

import rlpa_env
from rlpa_env.env import public_info

DEFAULT_ENV_ID = "RLPA-v0"
RESET_KWARGS = frozenset({"seed", "episode_id", "options"})


class RLPAAction(Action):
    """One agent turn: the text ``RLPAEnv.step`` takes."""

    turn: str = Field(..., description="the agent's turn: a <profile> block, then a <response> block")


class RLPAObservation(Observation):
    """The user's latest message and the public view of the episode (see the module docstring)."""

    message: str = Field(default="", description="the user's latest message")
    turn: int = Field(default=0, description="agent turns played so far")
    scenario: str = Field(default="", description="the episode's scenario name")
    messages: list[dict[str, str]] = Field(default_factory=list, description="the transcript so far")
    format_ok: bool | None = Field(default=None, description="whether the last turn parsed (None after reset)")
    format_error: str | None = Field(default=None, description="why the last turn did not parse")
    truncated: bool = Field(default=False, description="the episode ended at the turn limit")
    trainer_info: dict[str, Any] | None = Field(
        default=None, description="the env's full info dict; only on a server started with trainer_info"
    )


class RLPAState(State):
    """Where a session's episode stands."""

    env_id: str = Field(default=DEFAULT_ENV_ID, description="the gymnasium id the session's env was made from")
    seed: int | None = Field(default=None, description="the seed of the last reset")
    turn: int = Field(default=0, description="agent turns played in the episode")
    done: bool = Field(default=False, description="whether the episode has ended")


def _json_safe(value: Any) -> Any:
    """``value`` with numpy scalars and arrays turned into Python values, tuples into lists."""
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return value


class RLPAEnvironment(Environment[RLPAAction, RLPAObservation, RLPAState]):
    """One session's RLPA episode: ``gymnasium.make(env_id, **env_kwargs)``, built at the first reset.

    Args:
        env_id: a registered id (``rlpa-env envs`` lists them).
        env_kwargs: keyword arguments for ``gymnasium.make``, over the id's own.
        trainer_info: send the env's full ``info`` as ``trainer_info`` (see the module docstring).
    """

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(
        self, env_id: str = DEFAULT_ENV_ID, env_kwargs: Mapping[str, Any] | None = None, trainer_info: bool = False
    ) -> None:
        super().__init__()
        self.env_id = env_id
        self.env_kwargs = dict(env_kwargs or {})
        self.trainer_info = trainer_info
        self._env: gym.Env[str, str] | None = None
        self._state = RLPAState(env_id=env_id)

    def reset(
        self,
        seed: int | None = None,
        episode_id: str | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> RLPAObservation:
        """Start an episode: ``env.reset(seed=seed, options=options)``; return the user's opening."""
        if kwargs:
            raise ValueError(f"unknown reset arguments {sorted(kwargs)}; expected {sorted(RESET_KWARGS)}")
        if self._env is None:
            self._env = gym.make(self.env_id, **self.env_kwargs)
        message, info = self._env.reset(seed=seed, options=options)
        self._state = RLPAState(episode_id=episode_id or str(uuid.uuid4()), env_id=self.env_id, seed=seed)
        return self._observation(message, info, reward=None, done=False, truncated=False)

    def step(self, action: RLPAAction, timeout_s: float | None = None, **kwargs: Any) -> RLPAObservation:
        """Play ``action.turn``: ``env.step(action.turn)``; return the user's answer, the reward and ``done``."""
        if self._env is None:
            raise RuntimeError(
                "no episode in this session: send a reset first (OpenEnv's HTTP /step is stateless; play an "
                "episode over a WebSocket session, e.g. GenericEnvClient(base_url).sync())"
            )
        try:
            message, reward, terminated, truncated, info = self._env.step(action.turn)
        except Exception as error:
            raise RuntimeError(f"the RLPA step failed with {type(error).__name__}: {error}") from error
        self._state.step_count += 1
        self._state.turn = int(info["turn"])
        self._state.done = terminated or truncated
        return self._observation(message, info, reward=reward, done=terminated or truncated, truncated=truncated)

    @property
    def state(self) -> RLPAState:
        """The session's episode id, env id, seed, turn and whether the episode is done."""
        return self._state

    def get_metadata(self) -> EnvironmentMetadata:
        """Name, description and version, for OpenEnv's ``/metadata`` and web page."""
        return EnvironmentMetadata(
            name=f"rlpa-env {self.env_id}",
            description=(
                "Personalised dialogue: each turn is a <profile> block (what you inferred about the user) and "
                "a <response> block (your reply); the simulated user answers."
            ),
            version=rlpa_env.__version__,
        )

    def close(self) -> None:
        """Close the session's gymnasium env, if one was made."""
        if self._env is not None:
            self._env.close()
            self._env = None

    def _observation(
        self, message: str, info: Mapping[str, Any], *, reward: float | None, done: bool, truncated: bool
    ) -> RLPAObservation:
        return RLPAObservation(
            message=message,
            **public_info(info),
            truncated=truncated,
            trainer_info=_json_safe(info) if self.trainer_info else None,
            reward=reward,
            done=done,
        )


class InlineRLPAEnvironment(RLPAEnvironment):
    """``RLPAEnvironment`` stepped on the server's event loop rather than in its session's thread.

    OpenEnv runs a sync ``step`` in a thread per session; for the CPU-only envs (scripted user, rule
    rewards: well under a millisecond a turn) the thread hand-offs and the GIL contention between
    sessions cost more than the step, and 8 threads are slower in all than 1. Overriding the async
    methods makes OpenEnv await them directly. Never use it with model-backed roles: their blocking
    calls would stall every session on the server.
    """

    async def reset_async(
        self,
        seed: int | None = None,
        episode_id: str | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> RLPAObservation:
        """``reset``, run on the event loop."""
        return self.reset(seed=seed, episode_id=episode_id, options=options, **kwargs)

    async def step_async(self, action: RLPAAction, timeout_s: float | None = None, **kwargs: Any) -> RLPAObservation:
        """``step``, run on the event loop."""
        return self.step(action, timeout_s=timeout_s, **kwargs)


class RLPAEnvClient(EnvClient[RLPAAction, RLPAObservation, RLPAState]):
    """A typed client of ``rlpa-env serve``: ``RLPAEnvClient(base_url).sync()`` for blocking calls.

    ``reset(seed=..., options=...)`` and ``step(RLPAAction(turn=...))`` return OpenEnv
    ``StepResult``\\ s whose ``observation`` is an ``RLPAObservation``; ``state()`` an ``RLPAState``.
    """

    def _step_payload(self, action: RLPAAction) -> dict[str, Any]:
        return {"turn": action.turn}

    def _parse_result(self, payload: dict[str, Any]) -> StepResult[RLPAObservation]:
        reward, done = payload.get("reward"), bool(payload.get("done", False))
        observation = RLPAObservation(**payload.get("observation", {}), reward=reward, done=done)
        return StepResult(observation=observation, reward=reward, done=done)

    def _parse_state(self, payload: dict[str, Any]) -> RLPAState:
        return RLPAState(**payload)
