"""Golden episodes: fixed agents and seeds must replay byte-for-byte.

Regenerate after an intended behaviour change with ``RLPA_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the diff of ``tests/golden/*.json`` like code. ``v1_*.json`` and ``v2_*.json`` are episodes of
``RLPA-Test-v1`` and ``RLPA-Test-v2`` (the language-model reader on, without and with its swap test; slow).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import gymnasium as gym
import pytest

import rlpa_env  # noqa: F401
from agents import AGENTS, run_episode

GOLDEN_DIR = Path(__file__).parent / "golden"
CASES = [("random", 0), ("random", 1), ("heuristic", 0), ("heuristic", 1), ("heuristic", 2), ("oracle", 3)]
LANGUAGE_CASES = [
    (version, agent, seed)
    for version in ("v1", "v2")
    for agent, seed in (("heuristic", 0), ("heuristic", 1), ("oracle", 3))
]
"""Episodes of RLPA-Test-v1 and -v2, read by the language-model reader (``tests/test_language_model_reading.py``
checks that none of their replies is decided within the reader's margin, so another CPU replays them too)."""


def _episode_json(agent_name: str, seed: int, env_id: str = "RLPA-Test-v0") -> str:
    env = gym.make(env_id, privileged_info=agent_name == "oracle")
    episode = run_episode(env, AGENTS.make(agent_name), seed=seed).to_dict()
    for turn in episode["turns"]:
        del turn["wall_time_s"]
    return json.dumps(episode, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("agent_name", "seed"), CASES)
def test_golden_episode_replays_exactly(agent_name: str, seed: int) -> None:
    path = GOLDEN_DIR / f"{agent_name}_seed{seed}.json"
    actual = _episode_json(agent_name, seed)
    if os.environ.get("RLPA_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with RLPA_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.timeout(1200)
@pytest.mark.parametrize(("version", "agent_name", "seed"), LANGUAGE_CASES)
def test_golden_language_model_episode_replays_exactly(version: str, agent_name: str, seed: int) -> None:
    path = GOLDEN_DIR / f"{version}_{agent_name}_seed{seed}.json"
    actual = _episode_json(agent_name, seed, f"RLPA-Test-{version}")
    if os.environ.get("RLPA_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with RLPA_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8")
