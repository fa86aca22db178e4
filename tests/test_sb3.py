"""The Stable-Baselines3 wrappers: standard spaces, checkers, pickling, privacy, reproducible training."""

from __future__ import annotations

import json
import pickle
import warnings
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

import rlpa_env  # noqa: F401  (registers the ids)
from agents.sb3 import (
    ACTION_DIMS,
    FEATURE_NAMES,
    FEATURE_SIZE,
    MOVES,
    HeuristicTurnWriter,
    Move,
    PublicDialogueFeatures,
    SB3Agent,
    load_agent,
    move_from_action,
    save_model,
)
from rlpa_env.eval.agent_spec import AgentSpecError, resolve_agent
from rlpa_env.parsing import parse_turn

pytest.importorskip("stable_baselines3")

MOVE_IDS = ("RLPA-Discrete-v0", "RLPA-Discrete-Test-v0")
_WRAPPER_NOTE = "is different from the unwrapped version"
"""Gymnasium's checker notes that any wrapped env is not the raw env; every other warning is an error."""


def _play(env: gym.Env, seed: int, actions: list[int]) -> list[tuple[np.ndarray, float, dict]]:
    observation, info = env.reset(seed=seed)
    steps = [(observation, 0.0, info)]
    for action in actions:
        observation, reward, terminated, truncated, info = env.step(action)
        steps.append((observation, float(reward), info))
        if terminated or truncated:
            break
    return steps


def _tiny_ppo(seed: int) -> Any:
    """A PPO trained for 64 steps on one seeded RLPA-Discrete-v0 (a couple of seconds on one thread)."""
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    torch.set_num_threads(1)
    env = make_vec_env("RLPA-Discrete-v0", n_envs=1, seed=seed)
    model = PPO("MlpPolicy", env, n_steps=32, batch_size=32, n_epochs=1, seed=seed, device="cpu")
    return model.learn(total_timesteps=64)


@pytest.mark.parametrize("env_id", MOVE_IDS)
@pytest.mark.parametrize("action_format", ["discrete", "multidiscrete"])
def test_sb3_check_env_passes_without_warnings(env_id: str, action_format: str) -> None:
    from stable_baselines3.common.env_checker import check_env

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(gym.make(env_id, action_format=action_format), warn=True)


@pytest.mark.parametrize("env_id", MOVE_IDS)
def test_gymnasium_checker_passes_with_warnings_as_errors(env_id: str) -> None:
    from gymnasium.utils.env_checker import check_env

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=f".*{_WRAPPER_NOTE}")
        check_env(gym.make(env_id))


def test_spaces_are_standard_and_sized_from_the_move_table() -> None:
    env = gym.make("RLPA-Discrete-v0")
    assert env.action_space == gym.spaces.Discrete(len(MOVES)) and len(MOVES) == int(np.prod(ACTION_DIMS))
    assert env.observation_space == gym.spaces.Box(0.0, 1.0, (FEATURE_SIZE,), np.float32)
    assert len(FEATURE_NAMES) == FEATURE_SIZE
    assert gym.make("RLPA-Discrete-v0", action_format="multidiscrete").action_space == gym.spaces.MultiDiscrete(
        ACTION_DIMS
    )


def test_discrete_and_multidiscrete_actions_name_the_same_moves() -> None:
    for index, move in enumerate(MOVES):
        triple = np.unravel_index(index, ACTION_DIMS)
        assert move_from_action(index) == move_from_action(np.array(triple)) == move
    assert move_from_action(np.int64(0)) == Move("hobbies", False, "short")
    with pytest.raises(ValueError, match="out of range"):
        move_from_action(len(MOVES))
    with pytest.raises(ValueError, match="subject, recall, length"):
        move_from_action(np.array([0, 2, 0]))


def test_each_move_is_a_well_formed_turn_with_the_tracked_traits() -> None:
    env = gym.make("RLPA-Discrete-v0")
    env.reset(seed=3)
    _, _, _, _, info = env.step(MOVES.index(Move("pets", False, "medium")))
    assert info["format_ok"] and info["move"] == {"subject": "pets", "recall": False, "length": "medium"}
    writer = HeuristicTurnWriter()
    writer.reset(0)
    writer.observe("I have a grumpy old cat.")
    writer.observe("I can't stand sushi.")
    recalled = parse_turn(writer.write(Move("food", True, "short")))
    assert recalled.traits == ("has a grumpy old cat", "can't stand sushi")
    assert "grumpy" in recalled.response and "sushi" not in recalled.response  # a recall never brings back a dislike
    assert "grumpy" not in parse_turn(writer.write(Move("food", False, "short"))).response
    follow_up = parse_turn(writer.write(Move("follow-up", False, "short"))).response
    assert "grumpy" in follow_up.split(".")[-1] and "sushi" not in follow_up


def test_a_topic_asked_again_uses_its_other_question() -> None:
    writer = HeuristicTurnWriter()
    writer.reset(0)
    writer.observe("hi.")
    first = parse_turn(writer.write(Move("music", False, "short"))).response
    second = parse_turn(writer.write(Move("music", False, "short"))).response
    assert "What kind of music do you listen to?" in first
    assert "Any songs or genres you keep coming back to?" in second


def test_long_replies_are_longer_than_medium_than_short() -> None:
    words = {}
    for length in ("short", "medium", "long"):
        writer = HeuristicTurnWriter()
        writer.reset(0)
        writer.observe("hey. slow day.")
        words[length] = len(parse_turn(writer.write(Move("travel", False, length))).response.split())
    assert words["short"] < words["medium"] < words["long"]
    assert words["long"] > 60  # over a brief user's limit: the policy can choose to run long, at a cost


def test_same_seed_and_moves_give_the_same_features_rewards_and_transcript() -> None:
    actions = [int(a) for a in np.random.default_rng(0).integers(len(MOVES), size=10)]
    first = _play(gym.make("RLPA-Discrete-v0"), 11, actions)
    second = _play(gym.make("RLPA-Discrete-v0"), 11, actions)
    assert [r for _, r, _ in first] == [r for _, r, _ in second]
    assert all(np.array_equal(a, b) for (a, _, _), (b, _, _) in zip(first, second, strict=True))
    assert first[-1][2]["messages"] == second[-1][2]["messages"]


def test_features_are_a_function_of_the_public_transcript_only() -> None:
    env = gym.make("RLPA-Discrete-Test-v0")
    for seed in range(5):
        actions = [int(a) for a in np.random.default_rng(seed).integers(len(MOVES), size=10)]
        for observation, _, info in _play(env, seed, actions):
            fresh = PublicDialogueFeatures()
            assert np.array_equal(observation, fresh.update(info["messages"]))


def test_wrapper_exposes_no_hidden_profile_fact_in_features_or_info() -> None:
    env = gym.make("RLPA-Discrete-Test-v0")
    for seed in range(8):
        actions = [int(a) for a in np.random.default_rng(seed).integers(len(MOVES), size=10)]
        for observation, _, info in _play(env, seed, actions):
            dialogue = env.unwrapped._episode.dialogue
            hidden = [f for f in dialogue.profile.facts if f.id not in dialogue.revealed_fact_ids]
            assert "privileged" not in info
            text = json.dumps({key: value for key, value in info.items() if key != "messages"}).lower()
            for fact in hidden:
                assert fact.id.lower() not in text and fact.text.lower() not in text, (seed, fact.id)
            assert observation.shape == (FEATURE_SIZE,) and observation.dtype == np.float32
            assert observation.min() >= 0.0 and observation.max() <= 1.0


def test_wrapped_env_pickles_mid_episode_and_continues_identically() -> None:
    env = gym.make("RLPA-Discrete-v0")
    env.reset(seed=5)
    env.step(0)
    clone = pickle.loads(pickle.dumps(env))
    for action in (20, 41, 77, 3):
        first, second = env.step(action), clone.step(action)
        assert np.array_equal(first[0], second[0]) and first[1:4] == second[1:4]
        assert first[4]["messages"] == second[4]["messages"]


def test_rgb_array_is_refused_with_what_to_pass_and_make_vec_env_still_works() -> None:
    from stable_baselines3.common.env_util import make_vec_env

    with pytest.raises(TypeError, match="render_mode='ansi'"):
        gym.make("RLPA-Discrete-v0", render_mode="rgb_array")
    vec_env = make_vec_env("RLPA-Discrete-v0", n_envs=2, seed=0)
    assert vec_env.reset().shape == (2, FEATURE_SIZE)
    env = gym.make("RLPA-Discrete-v0", render_mode="ansi")
    env.reset(seed=0)
    env.step(0)
    assert "AGENT  >" in env.render()


def test_seeded_ppo_training_is_reproducible() -> None:
    first, second = _tiny_ppo(seed=0), _tiny_ppo(seed=0)
    for a, b in zip(first.policy.parameters(), second.policy.parameters(), strict=True):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    different = _tiny_ppo(seed=1)
    assert any(
        not np.array_equal(a.detach().numpy(), b.detach().numpy())
        for a, b in zip(first.policy.parameters(), different.policy.parameters(), strict=True)
    )


def test_sb3_agent_spec_plays_exactly_what_the_policy_plays_in_the_wrapped_env(tmp_path: Path) -> None:
    from rlpa_env.eval.evaluate import evaluate

    model = _tiny_ppo(seed=0)
    path = save_model(model, tmp_path / "ppo")
    agent = resolve_agent(f"sb3:{path}")
    assert isinstance(agent, SB3Agent)
    report = evaluate(agent, "RLPA-Test-v0", episodes=3, seed=7, progress=False)
    env = gym.make("RLPA-Discrete-Test-v0")
    for summary in report.summaries:
        observation, _ = env.reset(seed=summary.seed)
        total, done = 0.0, False
        while not done:
            action, _ = model.predict(observation, deterministic=True)
            observation, reward, terminated, truncated, _ = env.step(action)
            total, done = total + float(reward), terminated or truncated
        assert total == pytest.approx(summary.total_reward)


def test_bad_sb3_specs_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(AgentSpecError, match="no SB3 model"):
        resolve_agent(f"sb3:{tmp_path / 'missing.zip'}")
    not_ours = tmp_path / "plain.zip"
    not_ours.write_bytes(b"not a zip")
    with pytest.raises(AgentSpecError, match=r"not a model saved by agents\.sb3\.save_model"):
        resolve_agent(f"sb3:{not_ours}")
    with pytest.raises(FileNotFoundError):
        load_agent(str(tmp_path / "missing.zip"))


def test_a_sampling_sb3_agent_is_reproducible_per_seed(tmp_path: Path) -> None:
    from rlpa_env.eval.evaluate import evaluate

    path = save_model(_tiny_ppo(seed=0), tmp_path / "ppo", deterministic=False)
    agent = load_agent(str(path))
    assert agent.samples
    first = evaluate(agent, "RLPA-Test-v0", episodes=3, seed=0, progress=False)
    second = evaluate(load_agent(str(path)), "RLPA-Test-v0", episodes=3, seed=0, progress=False)
    assert [e.messages for e in first.episodes] == [e.messages for e in second.episodes]
    moves = {turn.action for episode in first.episodes for turn in episode.turns}
    assert len(moves) > 10  # samples, not one move over and over
