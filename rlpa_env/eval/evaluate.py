"""``evaluate``: benchmark an agent over seeded episodes and return a ``Report``.

Episode i is reset with seed ``seed + i`` (both the env and the agent), so the same agent, env and
seed give the same episodes. The agent runs behind an ``AgentGuard``: when it raises, returns a
non-string or an absurdly long string, or (with ``turn_timeout_s``) does not answer in time, that
episode ends there, keeps the turns it played, and its summary records the reason in ``failure``;
the run goes on with the next episode. A server error (``BackendError``) of a model-backed role ends
its episode the same way. Other errors of the env itself are not caught: they are bugs.

``num_envs`` episodes are in flight at once (worker processes for scripted roles, one
``act_batch`` call per turn for agents that have it, threads for agents and roles on model servers;
see ``rlpa_env.eval.runner``). Each episode still uses its own seed and RNG streams, so the report
is the same for every ``num_envs``.

Agents see the *public view* of ``info`` (``rlpa_env.env.public_info``: the transcript, the turn
and format feedback), never the current episode's scores, which would let an agent group-test its
guesses. An agent class may set ``needs_privileged_info = True`` (the oracle does); the env is then
built with ``privileged_info=True`` and the agent also gets ``info["privileged"]``.
"""

from __future__ import annotations

import importlib.metadata
import time
from collections.abc import Mapping
from typing import Any

import gymnasium as gym

from rlpa_env.env import public_info
from rlpa_env.episode import Agent
from rlpa_env.eval.agent_spec import agent_name, resolve_agent
from rlpa_env.eval.metrics import compute_metrics, wall_time_per_turn
from rlpa_env.eval.report import EpisodeSummary, Report, Timing
from rlpa_env.eval.runner import play_episodes


class PublicView:
    """Wraps an agent so ``act`` receives ``public_info(info)`` (plus ``privileged`` when allowed)."""

    def __init__(self, agent: Agent, privileged: bool = False) -> None:
        self.agent = agent
        self.privileged = privileged

    @property
    def last_token_count(self) -> int | None:
        """The wrapped agent's ``last_token_count``, when it reports one."""
        return getattr(self.agent, "last_token_count", None)

    def reset(self, seed: int | None = None) -> None:
        """Reset the wrapped agent."""
        self.agent.reset(seed)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The wrapped agent's turn, given only the public keys of ``info``."""
        view = public_info(info)
        if self.privileged and "privileged" in info:
            view["privileged"] = info["privileged"]
        return self.agent.act(observation, view)


def package_version() -> str:
    """The installed ``rlpa-env`` version, or the source tree's when it is not installed."""
    try:
        return importlib.metadata.version("rlpa-env")
    except importlib.metadata.PackageNotFoundError:
        import rlpa_env

        return rlpa_env.__version__


def evaluate(
    agent: Agent | str,
    env_id: str = "RLPA-Test-v0",
    episodes: int = 100,
    seed: int = 0,
    scenario: str | None = None,
    turn_timeout_s: float | None = None,
    progress: bool = True,
    agent_kwargs: Mapping[str, Any] | None = None,
    num_envs: int = 1,
    max_concurrency: int | None = None,
    **env_kwargs: Any,
) -> Report:
    """Play ``episodes`` episodes of ``env_id`` with ``agent`` and compute every metric.

    Args:
        agent: An ``Agent``, or a spec for ``resolve_agent`` (a registered name or ``"module:attr"``).
        env_id: A registered Gymnasium id (``rlpa_env`` registers its ids on import).
        episodes: How many episodes; episode i uses seed ``seed + i``.
        seed: The first episode's seed; it also seeds the bootstrap of the return's interval.
        scenario: A scenario name passed to the env; ``None`` keeps the one ``env_id`` registers
            (``"standard"`` for ``RLPA-Test-v0``).
        turn_timeout_s: Seconds the agent may take per ``act`` (and ``reset``); ``None`` means no limit
            and no worker thread.
        progress: Show a tqdm progress bar on stderr.
        agent_kwargs: Constructor arguments for a registered agent named by ``agent``.
        num_envs: Episodes in flight at once (``rlpa_env.eval.runner`` says how they run); the
            report does not depend on it for an agent whose episode depends only on its seed.
        max_concurrency: Requests in flight to each model server the agent or the roles use
            (``None``: each backend's own bound); not part of the report.
        **env_kwargs: Passed to ``gymnasium.make``.

    Returns:
        A ``Report``; episodes the agent broke are in it with their ``failure`` reason.
    """
    import rlpa_env  # noqa: F401  (registers the env ids)

    if episodes < 1:
        raise ValueError(f"episodes must be at least 1, got {episodes}")
    if num_envs < 1:
        raise ValueError(f"num_envs must be at least 1, got {num_envs}")
    if isinstance(agent, str):
        name, agent = agent, resolve_agent(agent, **dict(agent_kwargs or {}))
    else:
        if agent_kwargs:
            raise ValueError("agent_kwargs only apply when agent is a registered name")
        name = agent_name(agent)
    make_kwargs: dict[str, Any] = dict(env_kwargs)
    if scenario is not None:
        make_kwargs["scenario"] = scenario
    if getattr(agent, "needs_privileged_info", False):
        if make_kwargs.get("privileged_info") is False:
            raise ValueError(f"agent {name!r} needs privileged_info=True but privileged_info=False was passed")
        make_kwargs["privileged_info"] = True
    env = gym.make(env_id, **make_kwargs)
    unwrapped = env.unwrapped
    env_scenario = unwrapped.scenario
    max_turns = unwrapped.max_turns or env_scenario.max_turns
    shift_turn = env_scenario.shift_turn
    if shift_turn is not None and shift_turn >= max_turns:
        shift_turn = None  # a horizon cut short before the shift leaves no "after" phase to compare
    privileged = bool(make_kwargs.get("privileged_info"))
    seeds = tuple(seed + index for index in range(episodes))
    started = time.perf_counter()
    try:
        played = play_episodes(
            agent,
            seeds,
            env=env,
            env_id=env_id,
            env_kwargs=make_kwargs,
            num_envs=num_envs,
            turn_timeout_s=turn_timeout_s,
            max_concurrency=max_concurrency,
            view=lambda guarded: PublicView(guarded, privileged=privileged),
            progress=progress,
            label=f"{name} on {env_id}",
        )
    finally:
        env.close()
    summaries = [
        EpisodeSummary.of(index, episode_seed, episode)
        for index, (episode_seed, episode) in enumerate(zip(seeds, played, strict=True))
    ]
    total_s = time.perf_counter() - started
    turn_total = sum(len(episode.turns) for episode in played)
    metrics = compute_metrics(
        played,
        max_turns,
        agent_failures=sum(summary.failure is not None for summary in summaries),
        shift_turn=shift_turn,
        seed=seed,
    )
    return Report(
        agent=name,
        env_id=env_id,
        env_kwargs=dict(sorted(make_kwargs.items())),
        scenario=env_scenario.name,
        seeds=seeds,
        version=package_version(),
        metrics=metrics,
        summaries=tuple(summaries),
        episodes=tuple(played),
        timing=Timing(
            total_s=total_s,
            wall_time_per_turn_s=wall_time_per_turn(played),
            turns_per_s=turn_total / total_s if total_s > 0 else 0.0,
        ),
    )
