"""The SkyRL-gym shim (``rlpa_env.integrations.skyrl_env``): ``skyrl_gym.make("rlpa")`` plays the in-process episode."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest

skyrl_gym = pytest.importorskip("skyrl_gym", reason="needs the skyrl extra: pip install -e '.[skyrl]'")

from omegaconf import OmegaConf  # noqa: E402  (a skyrl-gym dependency: SkyRL passes env_config as a DictConfig)

from agents.baselines import HeuristicAgent  # noqa: E402
from rlpa_env.env import public_info  # noqa: E402
from rlpa_env.integrations.skyrl_env import RLPASkyRLEnv  # noqa: E402

CONFIG = {"env_id": "RLPA-v0", "env_kwargs": {"response_weight": 0.5}}
SYSTEM = [{"role": "system", "content": "Answer with a <profile> block and a <response> block."}]


def _row(seed: int, **extras: Any) -> dict[str, Any]:
    """A dataset row's extras: its columns besides prompt and env_class."""
    return {"seed": seed, "split": "test", "max_turns": 4, **extras}


def _in_process(seed: int, scenario: str | None = None) -> list[tuple[str, float | None, bool]]:
    """(user message, reward, done) per step of the heuristic agent's episode, made as the shim makes it."""
    env = gym.make("RLPA-v0", response_weight=0.5, split="test", max_turns=4)
    agent = HeuristicAgent()
    agent.reset(seed=seed)
    message, info = env.reset(seed=seed, options={"scenario": scenario} if scenario else None)
    steps: list[tuple[str, float | None, bool]] = [(message, None, False)]
    done = False
    while not done:
        message, reward, terminated, truncated, info = env.step(agent.act(message, public_info(info)))
        done = terminated or truncated
        steps.append((message, reward, done))
    return steps


def _through_shim(seed: int, **extras: Any) -> list[tuple[str, float | None, bool]]:
    """The same, stepped through ``skyrl_gym.make("rlpa", ...)`` as SkyRL's generator steps it (config a DictConfig)."""
    env = skyrl_gym.make("rlpa", env_config=OmegaConf.create(CONFIG), extras=_row(seed, **extras))
    agent = HeuristicAgent()
    agent.reset(seed=seed)
    chat, info = env.init(SYSTEM)
    assert chat[:1] == SYSTEM and chat[1]["role"] == "user"
    steps: list[tuple[str, float | None, bool]] = [(chat[-1]["content"], None, False)]
    done = False
    while not done:
        out = env.step(agent.act(steps[-1][0], info))
        done, info = out["done"], out["metadata"]
        assert out["observations"] == ([] if done else [{"role": "user", "content": info["messages"][-1]["content"]}])
        steps.append((info["messages"][-1]["content"], out["reward"], done))
    assert env.get_metrics() == {"turns": len(steps) - 1}
    return steps


@pytest.mark.parametrize(("seed", "scenario"), [(0, None), (3, "cold-start")])
def test_a_seeded_skyrl_episode_equals_the_in_process_one(seed: int, scenario: str | None) -> None:
    extras = {"scenario": scenario} if scenario else {}
    expected = _in_process(seed, scenario)
    assert _through_shim(seed, **extras) == expected
    assert len(expected) == 5


def test_the_env_class_is_registered_as_rlpa() -> None:
    assert isinstance(skyrl_gym.make("rlpa", extras={"seed": 0}), RLPASkyRLEnv)


def test_an_untagged_turn_scores_zero_with_its_reason() -> None:
    env = skyrl_gym.make("rlpa", env_config=CONFIG, extras=_row(0))
    env.init([])
    out = env.step("Hi there, tell me about yourself.")
    assert out["reward"] == 0.0 and out["done"] is False
    assert out["metadata"]["format_ok"] is False and out["metadata"]["format_error"] == "missing <profile> tag"
    assert set(out["metadata"]) == {"turn", "scenario", "messages", "format_ok", "format_error", "truncated"}


def test_a_non_string_action_is_refused_naming_the_type() -> None:
    env = skyrl_gym.make("rlpa", extras=_row(0))
    env.init([])
    with pytest.raises(TypeError, match=r"RLPASkyRLEnv\.step takes the agent's generated turn as a str .* got dict"):
        env.step({"role": "assistant", "content": "hi"})


def test_a_row_without_a_seed_is_refused_naming_the_column() -> None:
    with pytest.raises(ValueError, match=r"needs the episode's seed .* got extras keys \['max_turns', 'split'\]"):
        RLPASkyRLEnv(extras={"split": "test", "max_turns": 4})
