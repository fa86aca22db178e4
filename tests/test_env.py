"""RLPAEnv: the Gymnasium contract, the episode, the rewards' bookkeeping and state snapshots."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import rlpa_env
from agents.baselines import HeuristicAgent, OracleAgent
from rlpa_env.env import RLPAEnv
from rlpa_env.parsing import format_turn
from rlpa_env.rewards.base import CRITERIA

STEP_INFO_KEYS = {
    "turn",
    "scenario",
    "alignment",
    "format_ok",
    "format_error",
    "reward_profile",
    "reward_response",
    "profile_precision",
    "profile_recall",
    "profile_f1",
    "profile_f1_revealed",
    "response_criteria",
    "messages",
    "stop_reason",
}
GOOD_TURN = format_turn(["likes to chat"], "Hey, nice to meet you. What do you like to do in your free time?")


def test_gymnasium_check_env_passes_without_warnings() -> None:
    env = gym.make("RLPA-v0")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("env_id", sorted(rlpa_env.ENV_IDS.keys() - {"RLPA-LLM-v0"}))
def test_every_registered_rule_based_id_resets_and_steps(env_id: str) -> None:
    env = gym.make(env_id)
    observation, info = env.reset(seed=0)
    assert isinstance(observation, str) and observation
    observation, reward, _terminated, _truncated, info = env.step(GOOD_TURN)
    assert isinstance(observation, str) and 0.0 <= reward <= 2.0 and info["turn"] == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_make_vec_returns_the_same_text_as_single_envs(mode: str) -> None:
    vec = gym.make_vec("RLPA-v0", num_envs=4, vectorization_mode=mode)
    try:
        observations, _ = vec.reset(seed=[10, 11, 12, 13])
        next_observations, rewards, _, _, _ = vec.step((GOOD_TURN,) * 4)
    finally:
        vec.close()
    for index, seed in enumerate((10, 11, 12, 13)):
        single = gym.make("RLPA-v0")
        observation, _ = single.reset(seed=seed)
        next_observation, reward, *_ = single.step(GOOD_TURN)
        assert observations[index] == observation
        assert next_observations[index] == next_observation
        assert rewards[index] == pytest.approx(reward)


def _play(env: gym.Env, seed: int, actions: list[str]) -> list[tuple[str, float, dict]]:
    observation, _ = env.reset(seed=seed)
    out = [(observation, 0.0, {})]
    for action in actions:
        observation, reward, terminated, truncated, info = env.step(action)
        out.append((observation, reward, info))
        if terminated or truncated:
            break
    return out


def test_same_seed_and_actions_give_identical_transcripts_and_rewards() -> None:
    actions = [GOOD_TURN, "not a turn", format_turn(["has a dog"], "Do you have pets? I love dogs.")] * 3
    first = _play(gym.make("RLPA-v0"), 3, actions)
    second = _play(gym.make("RLPA-v0"), 3, actions)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_step_info_has_the_documented_keys_and_no_hidden_profile() -> None:
    env = gym.make("RLPA-v0")
    _, info = env.reset(seed=1)
    assert {"turn", "scenario", "messages"} <= info.keys() and "privileged" not in info
    assert "profile_id" not in info and env.unwrapped.profile_id not in json.dumps(info)
    *_, info = env.step(GOOD_TURN)
    assert info.keys() >= STEP_INFO_KEYS and "privileged" not in info
    assert set(info["response_criteria"]) == set(CRITERIA)
    profile = env.unwrapped._episode.dialogue.profile
    dumped = json.dumps(info)
    assert not any(fact.text in dumped for fact in profile.facts)


def test_privileged_info_is_opt_in_and_holds_the_profile() -> None:
    env = gym.make("RLPA-v0", privileged_info=True)
    _, info = env.reset(seed=2)
    privileged = info["privileged"]
    assert privileged["profile"]["id"] == privileged["profile_id"] == env.unwrapped.profile_id
    assert all({"id", "text"} <= fact.keys() for fact in privileged["profile"]["facts"])
    assert privileged["revealed_fact_ids"] == []


def test_unparseable_turn_earns_zero_with_a_reason_and_the_user_still_reacts() -> None:
    env = gym.make("RLPA-v0")
    env.reset(seed=4)
    observation, reward, _terminated, _truncated, info = env.step("hello, how are you?")
    assert reward == 0.0 and info["format_ok"] is False
    assert info["format_error"] == "missing <profile> tag"
    assert observation and info["turn"] == 1
    assert info["messages"][-2] == {"role": "assistant", "content": "hello, how are you?"}


def test_overlong_turn_is_a_format_error_not_a_crash() -> None:
    env = gym.make("RLPA-v0", max_action_length=100)
    env.reset(seed=0)
    *_, info = env.step(format_turn(["x"], "y" * 200))
    assert info["format_ok"] is False and "at most 100 are allowed" in info["format_error"]


@pytest.mark.parametrize("action", [None, 3, b"<profile></profile>", ["a"]])
def test_non_string_action_raises_type_error(action: object) -> None:
    env = RLPAEnv()
    env.reset(seed=0)
    with pytest.raises(TypeError, match="expects the agent's turn as a str"):
        env.step(action)  # type: ignore[arg-type]


def test_step_before_reset_and_after_the_end_raise_clear_errors() -> None:
    env = RLPAEnv(max_turns=1)
    with pytest.raises(RuntimeError, match="call reset"):
        env.step(GOOD_TURN)
    env.reset(seed=0)
    *_, truncated, info = env.step(GOOD_TURN)
    assert truncated and info["stop_reason"] == "max_turns"
    with pytest.raises(RuntimeError, match="episode has ended"):
        env.step(GOOD_TURN)


def test_episode_truncates_after_ten_turns() -> None:
    env = gym.make("RLPA-v0")
    env.reset(seed=5)
    agent = HeuristicAgent()
    agent.reset(5)
    observation, info = env.reset(seed=5)
    for turn in range(1, 11):
        observation, _, terminated, truncated, info = env.step(agent.act(observation, info))
        assert not terminated
        assert truncated == (turn == 10)
    assert info["stop_reason"] == "max_turns" and len(info["messages"]) == 21


def test_user_ends_the_chat_after_repeated_bad_turns() -> None:
    env = gym.make("RLPA-v0")
    env.reset(seed=6)
    flattery = format_turn([], "Wow, what an amazing question! You are so smart and wonderful, truly brilliant!")
    for _ in range(10):
        *_, terminated, truncated, info = env.step(flattery)
        if terminated or truncated:
            break
    assert terminated and info["stop_reason"] == "user_ended"


def test_delta_profile_rewards_sum_to_the_final_f1() -> None:
    env = gym.make("RLPA-v0", profile_reward="delta", response_weight=0.0)
    agent = HeuristicAgent()
    agent.reset(7)
    observation, info = env.reset(seed=7)
    total, done = 0.0, False
    while not done:
        observation, reward, terminated, truncated, info = env.step(agent.act(observation, info))
        total += reward
        done = terminated or truncated
    assert info["profile_f1"] > 0.2
    assert total == pytest.approx(info["profile_f1"])


def test_graded_response_reward_is_the_fraction_of_criteria_met() -> None:
    env = gym.make("RLPA-v0", response_reward="graded", profile_weight=0.0)
    env.reset(seed=8)
    _, reward, *_, info = env.step(format_turn([], "ok"))
    met = sum(info["response_criteria"].values())
    assert reward == pytest.approx(met / len(CRITERIA)) and 0 < met < len(CRITERIA)


def test_get_state_and_set_state_replay_a_turn_exactly() -> None:
    env = RLPAEnv()
    env.reset(seed=9)
    env.step(GOOD_TURN)
    snapshot = env.get_state()
    candidate = format_turn(["likes music"], "What kind of music do you listen to? I have been into jazz lately.")
    first = env.step(candidate)
    env.set_state(snapshot)
    second = env.step(candidate)
    assert json.dumps(first) == json.dumps(second)
    env.set_state(snapshot)
    other = env.step(format_turn([], "Do you have any pets? Dogs make a home feel lively."))
    assert other[4]["messages"][-2] != first[4]["messages"][-2]


def test_reset_options_pin_the_profile_and_reject_unknown_keys() -> None:
    env = RLPAEnv(split="test")
    chosen = env.profiles[17]
    env.reset(seed=0, options={"profile_id": chosen.id})
    assert env.profile_id == chosen.id
    env.reset(seed=0, options={"profile": chosen.to_dict()})
    assert env.profile_id == chosen.id
    with pytest.raises(ValueError, match="unknown reset options"):
        env.reset(seed=0, options={"profil_id": chosen.id})
    with pytest.raises(ValueError, match="unknown profile_id"):
        env.reset(seed=0, options={"profile_id": "nope"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"profile_reward": "f2"}, "profile_reward must be one of"),
        ({"scenario": "marathon"}, "scenario must be one of"),
        ({"max_turns": 0}, "max_turns must be at least 1"),
        ({"profile_scorer": "bogus"}, "unknown profile scorer 'bogus'"),
    ],
)
def test_bad_constructor_arguments_are_rejected_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises((ValueError, KeyError), match=message):
        RLPAEnv(**kwargs)


def test_render_ansi_shows_the_transcript_with_rewards() -> None:
    env = gym.make("RLPA-v0", render_mode="ansi")
    observation, _ = env.reset(seed=0)
    env.step(GOOD_TURN)
    text = env.render()
    assert observation in text and "AGENT  > Hey, nice to meet you." in text and "reward" in text


def test_preference_shift_replaces_a_like_and_counts_the_stale_trait_wrong() -> None:
    env = gym.make("RLPA-Shift-v0", privileged_info=True)
    agent = OracleAgent()
    agent.reset(0)
    observation, info = env.reset(seed=0)
    before = {f["id"] for f in info["privileged"]["profile"]["facts"]}
    stale_turn = None
    for turn in range(1, 11):
        action = stale_turn or agent.act(observation, info)
        observation, _, _, _, info = env.step(action)
        if turn == 5:
            stale_turn = action  # keep writing the pre-shift profile from here on
    after = {f["id"] for f in info["privileged"]["profile"]["facts"]}
    old_id, new_id = info["privileged"]["shifted_fact_ids"]
    assert before - after == {old_id} and after - before == {new_id}
    assert info["profile_recall"] == pytest.approx((len(after) - 1) / len(after))


def test_oracle_reaches_perfect_profile_f1() -> None:
    env = gym.make("RLPA-Test-v0", privileged_info=True)
    agent = OracleAgent()
    agent.reset(0)
    observation, info = env.reset(seed=0)
    *_, info = env.step(agent.act(observation, info))
    assert info["profile_f1"] == 1.0


def test_import_loads_no_model_and_no_heavy_library() -> None:
    code = (
        "import sys, rlpa_env, gymnasium as gym; "
        "heavy = {'torch', 'transformers', 'openai', 'matplotlib', 'llama_cpp', 'sentence_transformers'}; "
        "print(sorted(heavy & set(sys.modules)), 'rlpa_env.profiles.bank' in sys.modules, 'RLPA-v0' in gym.registry)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] False True"


def test_unicode_text_space_accepts_any_string_within_bounds() -> None:
    env = RLPAEnv(max_action_length=10)
    assert env.action_space.contains("héllo 中文 😀")
    assert not env.action_space.contains("x" * 11)
    assert not env.action_space.contains(b"bytes")
    env.action_space.seed(0)
    assert env.action_space.contains(env.action_space.sample())
    assert isinstance(np.asarray(env.observation_space.sample()).item(), str)


def _env_with_a_dislike() -> tuple[RLPAEnv, str]:
    """An env reset on a test profile with a disliked thing, and one specific word naming it."""
    from rlpa_env.profiles.catalog import specific_keywords

    env = RLPAEnv(split="test")
    for profile in env.profiles:
        dislikes = [f for f in profile.facts if f.kind == "dislike" and specific_keywords(f)]
        if dislikes:
            env.reset(seed=0, options={"profile_id": profile.id})
            return env, specific_keywords(dislikes[0])[0]
    raise AssertionError("no test profile has a dislike with a specific keyword")


@pytest.mark.parametrize(
    ("kind", "reaction"),
    [
        ("disliked", "disliked_topic"),
        ("copy", "copying"),
        ("flattery", "flattery"),
        ("lecture", "too_long"),
    ],
)
def test_bad_replies_earn_zero_response_reward_and_a_fitting_reaction(kind: str, reaction: str) -> None:
    env, disliked_word = _env_with_a_dislike()
    opening = env._episode.dialogue.last_user_message
    replies = {
        "disliked": f"You should totally try some {disliked_word} this weekend, it is the best! What do you think?",
        "copy": f"{opening} {opening}",
        "flattery": "What a brilliant, amazing question! You are so smart and wonderful. Truly inspiring!",
        "lecture": "# A complete guide\n\n" + "\n".join(f"- **Point {i}**: weigh the factors" for i in range(40)),
    }
    _, _, _, _, info = env.step(format_turn(["likes to chat"], replies[kind]))
    assert info["reward_response"] == 0.0
    assert info["user_reaction"] == reaction
