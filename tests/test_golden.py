"""Golden episodes: fixed agents and seeds must replay byte-for-byte.

Regenerate after an intended behaviour change with ``RLPA_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the diff of ``tests/golden/*.json`` like code.
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


def _episode_json(agent_name: str, seed: int) -> str:
    env = gym.make("RLPA-Test-v0", privileged_info=agent_name == "oracle")
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
