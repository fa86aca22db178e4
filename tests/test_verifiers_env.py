"""The verifiers environment (``rlpa_env.integrations.verifiers_env``, taskset id ``rlpa-env-verifiers``).

The slow test runs verifiers' own eval CLI (``vf-eval``'s ``main``) against a llama.cpp server on
the embedded SmolLM2 and replays every recorded episode in-process from the assistant's turns.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import pytest

vf = pytest.importorskip("verifiers.v1", reason="needs the verifiers extra: pip install -e '.[verifiers]'")

from verifiers.v1.utils.loaders import default_harness_id, environment_class, load_taskset  # noqa: E402

from rlpa_env.integrations.verifiers_env import (  # noqa: E402
    RLPAChatHarness,
    RLPATasksetConfig,
    RLPAVerifiersEnv,
)

TASKSET_ID = "rlpa-env-verifiers"
EVAL_MAIN = "from verifiers.v1.cli.eval.main import main; main()"


def test_the_loader_finds_the_env_and_the_in_process_harness_by_the_taskset_id() -> None:
    assert environment_class(TASKSET_ID) is RLPAVerifiersEnv
    assert default_harness_id(TASKSET_ID) == TASKSET_ID
    from verifiers.v1.utils.loaders import harness_class

    assert harness_class(TASKSET_ID) is RLPAChatHarness


def test_the_taskset_yields_one_row_per_seed_and_scenario_with_no_prompt() -> None:
    config = RLPATasksetConfig(id=TASKSET_ID, split="train", scenarios=["standard", "cold-start"], first_seed=5,
                               num_seeds=2)  # fmt: skip
    rows = [task.data for task in load_taskset(config)]
    assert [(row.split, row.seed, row.scenario) for row in rows] == [
        ("train", 5, "standard"), ("train", 5, "cold-start"), ("train", 6, "standard"), ("train", 6, "cold-start"),
    ]  # fmt: skip
    assert [row.idx for row in rows] == [0, 1, 2, 3]
    assert rows[1].name == "RLPA-v0/train/cold-start/seed-5"
    assert all(row.prompt is None and "<profile>" in (row.system_prompt or "") for row in rows)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"scenarios": ["sideways"]}, "unknown scenarios ['sideways']"),
     ({"env_kwargs": {"split": "train"}}, "env_kwargs may not set ['split']")],
)  # fmt: skip
def test_a_bad_taskset_config_is_refused_naming_the_field(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        list(load_taskset(RLPATasksetConfig(id=TASKSET_ID, **overrides)))


def _replay(row: dict, max_turns: int, turns: list[str]) -> tuple[list[str], list[float]]:
    """The user's messages and the rewards of the in-process episode of ``row`` played with ``turns``."""
    env = gym.make(row["env_id"], split=row["split"], max_turns=max_turns)
    message, _ = env.reset(seed=row["seed"], options={"scenario": row["scenario"]})
    messages, rewards = [message], []
    for turn in turns:
        message, reward, terminated, truncated, _ = env.step(turn)
        rewards.append(float(reward))
        if terminated or truncated:
            break
        messages.append(message)
    env.close()
    return messages, rewards


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_vf_eval_on_the_local_model_records_the_in_process_episodes_and_rewards(
    llama_server: str, tmp_path: Path
) -> None:
    max_turns = 2
    command = [
        sys.executable, "-c", EVAL_MAIN, TASKSET_ID, "-m", "smollm2", "--client.base-url", llama_server,
        "--client.api-key-var", "RLPA_LOCAL_KEY", "--no-push", "-o", str(tmp_path), "--run.dir", "rlpa",
        "-n", "2", "-c", "2", "--sampling.max-tokens", "64", "--sampling.temperature", "0",
        "--env.taskset.num-seeds", "1", "--env.taskset.scenarios", '["standard", "cold-start"]',
        "--env.taskset.env-kwargs", json.dumps({"max_turns": max_turns}),
    ]  # fmt: skip
    environ = {**os.environ, "RLPA_LOCAL_KEY": "sk-local", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=environ, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    episodes = [json.loads(line) for line in (tmp_path / "rlpa" / "traces.jsonl").read_text().splitlines()]
    assert len(episodes) == 2
    rows = set()
    for episode in episodes:
        (trace,) = episode["traces"]
        assert trace["ok"], trace["errors"]
        assert trace["agent"]["name"] == "assistant" and trace["agent"]["trainable"]
        row = trace["info"]["rlpa"]
        rows.add((row["seed"], row["scenario"]))
        nodes = trace["nodes"]
        # Only the assistant's messages are sampled (trainable); the user's are prompts.
        assert {node["message"]["role"] for node in nodes if node["sampled"]} == {"assistant"}
        turns = [node["message"]["content"].strip() for node in nodes if node["sampled"]]
        users = [node["message"]["content"] for node in nodes if node["message"]["role"] == "user"]
        messages, rewards = _replay(row, max_turns, turns)
        assert len(turns) == max_turns and row["ended"] == "truncated"
        assert users == messages
        assert row["rewards"] == rewards
        assert trace["rewards"] == {
            **{f"turn_{t}": {"score": reward, "weight": 0.0} for t, reward in enumerate(rewards, start=1)},
            "return": {"score": sum(rewards), "weight": 1.0},
        }
    assert rows == {(0, "standard"), (0, "cold-start")}
