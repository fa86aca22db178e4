"""Rollouts of an LLM policy in ``RLPAEnv`` with what policy-gradient training needs.

- ``collect_episodes(agent, envs, seeds)`` plays one episode per environment in lockstep (a
  synchronous vector of envs without autoreset): at every turn the still-running episodes are
  generated as one batch. Each ``EpisodeRollout`` holds the whole conversation as token ids (the
  policy's history, see ``agents.hf.PolicyHistory``), the log-probability of every token the policy
  sampled, a mask of those tokens, and the per-turn rewards.
- ``collect_branching(agent, envs, seeds, num_candidates)`` is the paper's scheme: at each turn the
  env state is snapshotted (``get_state``), ``num_candidates`` turns are sampled from the same
  history, each is scored from the restored snapshot (``set_state``), and the episode continues from
  the best one (highest reward; the first on ties). Every turn yields a ``TurnGroup`` with the
  candidates, their rewards and group-relative advantages, as GRPO uses them. Candidates are stepped
  through the env as given (so reward wrappers apply); snapshots are taken on ``env.unwrapped``, so
  wrappers must keep no per-episode state of their own.

Sampling seeds: the batch of turn ``t`` is seeded with ``turn_seed(seeds[0], t)``, so a rerun with the
same seeds, model and envs gives the same rollouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import numpy as np

from agents.openai_chat import turn_seed
from rlpa_env.rewards.base import CRITERIA

if TYPE_CHECKING:
    from agents.hf import PolicyHistory, TransformersAgent


@dataclass(frozen=True)
class EpisodeRollout:
    """One episode as a single token sequence.

    ``token_ids[:prompt_length]`` is the first prompt (system prompt, the user's opening, the assistant
    header); ``policy_mask[i]`` is True where the policy sampled ``token_ids[i]``, whose sampling
    log-probability is ``logprobs[i]`` (0.0 elsewhere). ``turn_spans[t]`` is the ``(start, end)`` of turn
    ``t``'s completion and ``turn_rewards[t]`` its reward; ``turn_alignment[t]`` is the share of the five
    response criteria the turn met (0 when it did not parse), the per-turn score behind ALOE's AL.
    """

    seed: int | None
    token_ids: tuple[int, ...]
    policy_mask: tuple[bool, ...]
    logprobs: tuple[float, ...]
    prompt_length: int
    turn_spans: tuple[tuple[int, int], ...]
    turn_texts: tuple[str, ...]
    turn_rewards: tuple[float, ...]
    format_ok: tuple[bool, ...]
    final_profile_f1: float
    turn_alignment: tuple[float, ...] = ()

    @property
    def total_reward(self) -> float:
        """The undiscounted return."""
        return float(sum(self.turn_rewards))

    @property
    def policy_token_count(self) -> int:
        """How many tokens the policy wrote."""
        return sum(self.policy_mask)


@dataclass(frozen=True)
class TurnGroup:
    """The candidates sampled from one dialogue state, with their rewards (the paper's sample-n, score, pick)."""

    seed: int | None
    turn: int
    prompt_ids: tuple[int, ...]
    completion_ids: tuple[tuple[int, ...], ...]
    logprobs: tuple[tuple[float, ...], ...]
    texts: tuple[str, ...]
    rewards: tuple[float, ...]
    best: int

    @property
    def uniform(self) -> bool:
        """True when every candidate earned the same reward: the advantages are all 0, so GRPO learns nothing here."""
        return len(set(self.rewards)) == 1

    def advantages(self, epsilon: float = 1e-4) -> tuple[float, ...]:
        """Group-relative advantages ``(r - mean) / (std + epsilon)`` (all 0 when the rewards are equal)."""
        rewards = np.asarray(self.rewards, dtype=float)
        return tuple(float(a) for a in (rewards - rewards.mean()) / (rewards.std() + epsilon))


def _check_batch(envs: Sequence[gym.Env], seeds: Sequence[int | None]) -> None:
    if not envs:
        raise ValueError("pass at least one environment")
    if len(envs) != len(seeds):
        raise ValueError(f"got {len(envs)} envs but {len(seeds)} seeds; pass one seed per env")


_Step = tuple[float, bool, float, float]


def _step_record(reward: float, info: dict[str, Any]) -> _Step:
    criteria = info.get("response_criteria", {})
    alignment = sum(bool(criteria.get(name)) for name in CRITERIA) / len(CRITERIA) if info["format_ok"] else 0.0
    return float(reward), bool(info["format_ok"]), float(info["profile_f1"]), alignment


def _rollout(seed: int | None, history: PolicyHistory, prompt_length: int, steps: list[_Step]) -> EpisodeRollout:
    return EpisodeRollout(
        seed=seed,
        token_ids=tuple(history.token_ids),
        policy_mask=tuple(history.policy_mask),
        logprobs=tuple(history.logprobs),
        prompt_length=prompt_length,
        turn_spans=tuple(history.turn_spans),
        turn_texts=tuple(m["content"] for m in history.messages if m["role"] == "assistant"),
        turn_rewards=tuple(step[0] for step in steps),
        format_ok=tuple(step[1] for step in steps),
        final_profile_f1=steps[-1][2] if steps else 0.0,
        turn_alignment=tuple(step[3] for step in steps),
    )


def collect_episodes(
    agent: TransformersAgent, envs: Sequence[gym.Env], seeds: Sequence[int | None]
) -> list[EpisodeRollout]:
    """Play one episode per env from ``env.reset(seed=seeds[i])``, batching the policy's turns across envs."""
    _check_batch(envs, seeds)
    histories = []
    for env, seed in zip(envs, seeds, strict=True):
        observation, _ = env.reset(seed=seed)
        histories.append(agent.start_history(observation))
    prompt_lengths = [len(h.token_ids) for h in histories]
    steps: list[list[_Step]] = [[] for _ in envs]
    active = list(range(len(envs)))
    turn = 0
    while active:
        agent.generate([histories[i] for i in active], turn_seed(seeds[0], turn))
        still_active = []
        for i in active:
            observation, reward, terminated, truncated, info = envs[i].step(histories[i].messages[-1]["content"])
            steps[i].append(_step_record(float(reward), info))
            if not (terminated or truncated):
                agent.extend_history(histories[i], observation)
                still_active.append(i)
        active = still_active
        turn += 1
    return [_rollout(s, h, p, st) for s, h, p, st in zip(seeds, histories, prompt_lengths, steps, strict=True)]


@dataclass
class _Branch:
    """A running episode of the branching collector."""

    env: Any
    seed: int | None
    history: PolicyHistory
    prompt_length: int
    steps: list[_Step]
    groups: list[TurnGroup]


def _read_ahead(active: Sequence[_Branch], candidates: Sequence[Any], num_candidates: int) -> None:
    """Let each distinct reader of the active envs read all its candidates' replies in one batch."""
    by_reader: dict[int, tuple[Any, list[str]]] = {}
    for index, branch in enumerate(active):
        core = branch.env.unwrapped
        turns = [c.messages[-1]["content"] for c in candidates[index * num_candidates : (index + 1) * num_candidates]]
        by_reader.setdefault(id(core.reader), (core, []))[1].extend(turns)
    for core, turns in by_reader.values():
        core.read_ahead(turns)


def collect_branching(
    agent: TransformersAgent, envs: Sequence[gym.Env], seeds: Sequence[int | None], num_candidates: int
) -> tuple[list[EpisodeRollout], list[TurnGroup]]:
    """Play one episode per env, sampling ``num_candidates`` turns per state and continuing from the best.

    Returns the episodes (each made of its chosen turns) and every turn's ``TurnGroup``, episode by episode.
    """
    _check_batch(envs, seeds)
    if num_candidates < 1:
        raise ValueError(f"num_candidates must be at least 1, got {num_candidates}")
    branches = []
    for env, seed in zip(envs, seeds, strict=True):
        observation, _ = env.reset(seed=seed)
        history = agent.start_history(observation)
        branches.append(_Branch(env, seed, history, len(history.token_ids), [], []))
    active = list(branches)
    turn = 0
    while active:
        candidates = [branch.history.copy() for branch in active for _ in range(num_candidates)]
        agent.generate(candidates, turn_seed(seeds[0], turn))
        _read_ahead(active, candidates, num_candidates)
        still_active = []
        for index, branch in enumerate(active):
            own = candidates[index * num_candidates : (index + 1) * num_candidates]
            core = branch.env.unwrapped
            root = core.get_state()
            outcomes = []
            for candidate in own:
                core.set_state(root)
                outcomes.append((*branch.env.step(candidate.messages[-1]["content"]), core.get_state()))
            rewards = [float(outcome[1]) for outcome in outcomes]
            best = int(np.argmax(rewards))
            observation, reward, terminated, truncated, info, after = outcomes[best]
            core.set_state(after)
            branch.groups.append(
                TurnGroup(
                    seed=branch.seed,
                    turn=turn,
                    prompt_ids=tuple(branch.history.token_ids),
                    completion_ids=tuple(tuple(c.token_ids[c.turn_spans[-1][0] :]) for c in own),
                    logprobs=tuple(tuple(c.logprobs[c.turn_spans[-1][0] :]) for c in own),
                    texts=tuple(c.messages[-1]["content"] for c in own),
                    rewards=tuple(rewards),
                    best=best,
                )
            )
            branch.history = own[best]
            branch.steps.append(_step_record(float(reward), info))
            if not (terminated or truncated):
                agent.extend_history(branch.history, observation)
                still_active.append(branch)
        active = still_active
        turn += 1
    episodes = [_rollout(b.seed, b.history, b.prompt_length, b.steps) for b in branches]
    return episodes, [group for branch in branches for group in branch.groups]
