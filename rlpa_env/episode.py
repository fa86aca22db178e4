"""The vocabulary of a played episode: the ``Agent`` protocol, ``TurnRecord``/``Episode`` and ``run_episode``.

An agent is anything with ``reset(seed)`` and ``act(observation, info) -> str``; a ``BatchAgent``
also has ``act_batch(observations, infos)``. ``run_episode``
plays one episode of an ``RLPAEnv`` (or any env with the same step contract) and returns an
immutable ``Episode`` holding every turn's action, user reply, rewards and diagnostics. These
records belong to the environment (evaluation, metrics and reports read them); the ``agents``
package re-exports them.

``AGENTS`` names the built-in agents by import-path strings (``"agents.baselines:HeuristicAgent"``),
the way Gymnasium registers environment entry points: nothing in ``rlpa_env`` imports the ``agents``
package; a name is imported only when an agent is built from it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

import gymnasium as gym

from rlpa_env.registry import Registry


@runtime_checkable
class Agent(Protocol):
    """A policy that writes one turn (``<profile>`` block then ``<response>`` block) at a time."""

    def reset(self, seed: int | None = None) -> None:
        """Forget the previous episode; ``seed`` seeds any randomness the agent uses."""
        ...

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Return the next turn given the latest user message and the env's ``info``."""
        ...


@runtime_checkable
class BatchAgent(Agent, Protocol):
    """An ``Agent`` that can also write one turn for each of several episodes in a single call."""

    def act_batch(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """One turn per observation (with its ``info``), in order."""
        ...


@dataclass(frozen=True)
class TurnRecord:
    """One step: what the agent wrote, how the user answered, and how the turn scored.

    The score fields copy the step's ``TurnOutcome`` (``info["outcome"]``); ``alignment`` is its
    1..5 alignment grade.
    """

    turn: int
    action: str
    user_message: str
    reward: float
    reward_profile: float
    reward_response: float
    profile_f1: float
    profile_f1_revealed: float
    format_ok: bool
    format_error: str | None
    response_criteria: dict[str, bool]
    wall_time_s: float
    agent_tokens: int | None = None
    alignment: int = 1


@dataclass(frozen=True)
class Episode:
    """A finished episode: the seed, the profile id, the opening message and every turn.

    ``failure`` is ``None`` unless the agent broke the episode (see ``run_episode``'s ``catch``).
    """

    seed: int | None
    profile_id: str
    opening: str
    turns: tuple[TurnRecord, ...]
    terminated: bool
    truncated: bool
    stop_reason: str | None
    messages: tuple[dict[str, str], ...] = field(default_factory=tuple)
    failure: str | None = None

    @property
    def total_reward(self) -> float:
        """The undiscounted return."""
        return sum(turn.reward for turn in self.turns)

    @property
    def final_profile_f1(self) -> float:
        """Profile F1 after the last turn (0.0 for an episode with no turns)."""
        return self.turns[-1].profile_f1 if self.turns else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole episode."""
        data = asdict(self)
        data["total_reward"] = self.total_reward
        return data


AGENT_FAILURE = "agent_failure"
"""``Episode.stop_reason`` of an episode that ended because the agent failed (see ``run_episode``)."""


def run_episode(
    env: gym.Env,
    agent: Agent,
    seed: int | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    catch: tuple[type[Exception], ...] = (),
) -> Episode:
    """Play one episode of ``env`` with ``agent`` from ``env.reset(seed=seed, options=options)``.

    ``wall_time_s`` of each turn covers the agent's ``act`` and the env's ``step``. When the agent
    exposes ``last_token_count`` (an int or ``None``), it is recorded as ``agent_tokens``. An
    exception of a type in ``catch`` raised by the agent ends the episode early: the turns played so
    far are kept, ``failure`` holds the message and ``stop_reason`` is ``"agent_failure"``; any other
    exception propagates.
    """
    observation, info = env.reset(seed=seed, options=dict(options) if options else None)
    # The profile's id is privileged (never in public info); the harness reads it from the env.
    opening, profile_id = observation, str(getattr(env.unwrapped, "profile_id", None) or "")
    turns: list[TurnRecord] = []
    terminated = truncated = False
    failure: str | None = None
    try:
        agent.reset(seed)
        while not (terminated or truncated):
            started = time.perf_counter()
            action = agent.act(observation, info)
            observation, reward, terminated, truncated, info = env.step(action)
            turns.append(
                TurnRecord(
                    turn=info["turn"],
                    action=action,
                    user_message=observation,
                    reward=float(reward),
                    reward_profile=info["reward_profile"],
                    reward_response=info["reward_response"],
                    profile_f1=info["profile_f1"],
                    profile_f1_revealed=info["profile_f1_revealed"],
                    format_ok=info["format_ok"],
                    format_error=info["format_error"],
                    response_criteria=dict(info["response_criteria"]),
                    wall_time_s=time.perf_counter() - started,
                    agent_tokens=getattr(agent, "last_token_count", None),
                    alignment=int(info.get("alignment", 1)),
                )
            )
    except catch as error:
        failure = str(error) or type(error).__name__
    return Episode(
        seed=seed,
        profile_id=profile_id,
        opening=opening,
        turns=tuple(turns),
        terminated=terminated,
        truncated=truncated,
        stop_reason=AGENT_FAILURE if failure else info.get("stop_reason"),
        messages=tuple(dict(m) for m in info["messages"]),
        failure=failure,
    )


AGENTS: Registry[Agent] = Registry("agent")
"""Built-in agents by name: ``"random"``, ``"heuristic"``, ``"oracle"`` (needs ``privileged_info=True``),
and ``"transformers"`` / ``"openai"`` (need the ``llm`` extra)."""
AGENTS.register("random", "agents.baselines:RandomAgent")
AGENTS.register("heuristic", "agents.baselines:HeuristicAgent")
AGENTS.register("oracle", "agents.baselines:OracleAgent")
AGENTS.register("transformers", "agents.hf:TransformersAgent")
AGENTS.register("openai", "agents.openai_chat:OpenAIChatAgent")
