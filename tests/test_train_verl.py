"""The verl ``BaseInteraction`` adapter, driven the way verl's multi-turn rollout drives it.

verl is not installed here (it would replace the venv's transformers and pull in ray), so the
adapter is checked against the interface of ``verl.interactions.base.BaseInteraction`` (verl 0.4-0.7)
and, when verl is importable, against the real base class.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect

import gymnasium as gym
import pytest

from agents.baselines import HeuristicAgent
from agents.train.verl_interaction import RLPAInteraction

VERL_METHODS = ("start_interaction", "generate_response", "calculate_score", "finalize_interaction")


def play(interaction: RLPAInteraction, seed: int) -> tuple[list[float], float, list[bool]]:
    async def run() -> tuple[list[float], float, list[bool]]:
        instance = await interaction.start_interaction(seed=seed)
        messages = [{"role": "user", "content": interaction.opening(instance)}]
        agent, scores, ends = HeuristicAgent(), [], []
        agent.reset(seed)
        done = False
        while not done:
            messages.append({"role": "assistant", "content": agent.act(messages[-1]["content"], {})})
            done, reply, score, _ = await interaction.generate_response(instance, messages)
            messages.append({"role": "user", "content": reply})
            scores.append(score)
            ends.append(done)
        total = await interaction.calculate_score(instance)
        await interaction.finalize_interaction(instance)
        return scores, total, ends

    return asyncio.run(run())


def test_interaction_turn_scores_are_the_env_rewards_and_the_last_turn_ends_the_sequence() -> None:
    interaction = RLPAInteraction({"name": "rlpa", "env_kwargs": {"max_turns": 3}})
    scores, total, ends = play(interaction, seed=2)
    env = gym.make("RLPA-v0", max_turns=3)
    observation, _ = env.reset(seed=2)
    agent, expected = HeuristicAgent(), []
    agent.reset(2)
    for _ in range(3):
        observation, reward, _, _, _ = env.step(agent.act(observation, {}))
        expected.append(reward)
    assert scores == expected and total == pytest.approx(sum(expected))
    assert ends == [False, False, True]


def test_interaction_methods_have_verls_names_and_are_coroutines() -> None:
    for name in VERL_METHODS:
        assert inspect.iscoroutinefunction(getattr(RLPAInteraction, name)), name
    assert "messages" in inspect.signature(RLPAInteraction.generate_response).parameters


def test_a_finished_or_unknown_interaction_is_a_clear_error() -> None:
    interaction = RLPAInteraction({"env_kwargs": {"max_turns": 1}})

    async def run() -> None:
        instance = await interaction.start_interaction("a", seed=0)
        turn = [{"role": "assistant", "content": "<profile>\n</profile>\n<response>\nhi\n</response>"}]
        assert (await interaction.generate_response(instance, turn))[0] is True
        with pytest.raises(RuntimeError, match="has ended"):
            await interaction.generate_response(instance, turn)
        with pytest.raises(KeyError, match="start_interaction"):
            await interaction.generate_response("missing", turn)

    asyncio.run(run())


@pytest.mark.skipif(importlib.util.find_spec("verl") is None, reason="verl is not installed")
def test_interaction_is_a_verl_base_interaction() -> None:
    from verl.interactions.base import BaseInteraction

    assert issubclass(RLPAInteraction, BaseInteraction)
