"""The GEM shim (``rlpa_env.integrations.gem_env``): ``gem.make("rlpa:<id>")`` plays the in-process episode."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest

gem = pytest.importorskip("gem", reason="needs the gem extra: pip install -e '.[gem]'")

from agents.baselines import HeuristicAgent  # noqa: E402
from rlpa_env import ENV_IDS  # noqa: E402
from rlpa_env.env import public_info  # noqa: E402
from rlpa_env.integrations.gem_env import RLPAGemEnv, register_all  # noqa: E402

ENV_ID = "RLPA-Test-v0"
MAX_TURNS = 4
Step = tuple[str, float | None, bool, bool, dict[str, Any]]


def _play(reset: Any, step: Any, seed: int) -> list[Step]:
    """(message, reward, terminated, truncated, public info) per step of the heuristic agent's episode."""
    agent = HeuristicAgent()
    agent.reset(seed=seed)
    message, info = reset(seed=seed)
    steps: list[Step] = [(message, None, False, False, public_info(info))]
    terminated = truncated = False
    while not (terminated or truncated):
        message, reward, terminated, truncated, info = step(agent.act(message, public_info(info)))
        steps.append((message, reward, terminated, truncated, public_info(info)))
    return steps


@pytest.mark.parametrize("seed", [0, 11])
def test_a_seeded_gem_episode_equals_the_in_process_one(seed: int) -> None:
    env = gym.make(ENV_ID, max_turns=MAX_TURNS)
    shim = gem.make(f"rlpa:{ENV_ID}", max_turns=MAX_TURNS)
    assert isinstance(shim, RLPAGemEnv)
    expected = _play(env.reset, env.step, seed)
    assert _play(shim.reset, shim.step, seed) == expected
    assert len(expected) == MAX_TURNS + 1 and expected[-1][3] is True


def test_every_rlpa_id_is_registered_once_under_the_rlpa_prefix() -> None:
    register_all()  # a second registration must not raise GEM's "already registered"
    from gem.envs.registration import ENV_REGISTRY

    for gym_id in ENV_IDS:
        assert ENV_REGISTRY[f"rlpa:{gym_id}"].kwargs == {"gym_id": gym_id}


def test_make_vec_seeds_give_each_env_the_user_of_its_seed() -> None:
    vector = gem.make_vec([f"rlpa:{ENV_ID}"] * 2, seed=3)
    openings, _ = vector.reset()
    assert openings == [gym.make(ENV_ID).reset(seed=3)[0], gym.make(ENV_ID).reset(seed=4)[0]]
    assert openings[0] != openings[1]


def test_an_untagged_turn_scores_zero_with_its_reason() -> None:
    shim = gem.make(f"rlpa:{ENV_ID}")
    shim.reset(seed=0)
    _, reward, terminated, truncated, info = shim.step("Hi there, tell me about yourself.")
    assert reward == 0.0 and not terminated and not truncated
    assert info["format_ok"] is False and info["format_error"] == "missing <profile> tag"


def test_the_info_is_public_only() -> None:
    shim = gem.make(f"rlpa:{ENV_ID}")
    shim.reset(seed=0)
    info = shim.step("<profile>likes: hiking</profile><response>Hello!</response>")[4]
    assert set(info) == {"turn", "scenario", "messages", "format_ok", "format_error"}


def test_a_non_string_action_is_refused_naming_the_type() -> None:
    shim = gem.make(f"rlpa:{ENV_ID}")
    shim.reset(seed=0)
    with pytest.raises(TypeError, match=r"RLPAGemEnv\.step takes the agent's turn as a str .* got list"):
        shim.step([{"role": "assistant", "content": "hi"}])
