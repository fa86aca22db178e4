"""``examples/train_llm.py`` end to end on a tiny random checkpoint: every stage runs and reports.

A tiny model writes no parseable turn, so the learned rows are all zeros; what this pins is the
pipeline: the baselines' rows, the three model rows with their intervals, the GRPO curves (one
collection round; held-out returns before and after the step) and their PNG, and checkpoints that
load back in ``TransformersAgent``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

from tiny_lm import tiny_model, tiny_tokenizer

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_train_llm_example_reports_every_stage_and_saves_loadable_checkpoints(tmp_path: Path) -> None:
    tokenizer = tiny_tokenizer()
    tiny_model(len(tokenizer), max_positions=4096, initializer_range=0.05).save_pretrained(tmp_path / "start")
    tokenizer.save_pretrained(tmp_path / "start")
    out = tmp_path / "run"
    tiny_run = "--sft-episodes 2 --sft-max-turns 1 --sft-max-steps 1 --max-length 4000 --grpo-steps 1"
    tiny_grpo = "--grpo-turns 1 --num-generations 2 --grpo-groups 2 --grpo-eval-episodes 2 --grpo-eval-every 1"
    tiny_eval = "--max-tokens 8 --eval-episodes 2 --eval-turns 1 --eval-batch 2"
    command = [sys.executable, "examples/train_llm.py", "--model", str(tmp_path / "start"), "--out", str(out)]
    command += f"{tiny_run} {tiny_grpo} {tiny_eval}".split()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=850, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]

    results = json.loads((out / "results.json").read_text())
    rows = {row["policy"]: row for row in results["rows"]}
    assert list(rows) == ["heuristic", "random", "before SFT", "after SFT", "after GRPO"]
    assert all(row["episodes"] == 2 and row["turns"] == 2 for row in rows.values())
    assert rows["heuristic"]["format_valid"] == 1.0 and rows["heuristic"]["return"] > rows["random"]["return"]
    for name in ("before SFT", "after SFT", "after GRPO"):
        low, high = rows[name]["return_ci"]
        assert low <= rows[name]["return"] <= high
    curve = results["curve"]
    assert curve["sampled_steps"] == [0] and curve["eval_steps"] == [0, 1] and curve["eval"] == [0.0, 0.0]
    assert (out / "reward_curve.png").stat().st_size > 0
    assert "after GRPO" in result.stdout and "reward curve:" in result.stdout

    again = tmp_path / "again"
    command = [sys.executable, "examples/train_llm.py", "--sft-model", str(out / "sft"), "--out", str(again)]
    command += f"--grpo-steps 1 --gradient-checkpointing {tiny_grpo} {tiny_eval}".split()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=850, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rerun = json.loads((again / "results.json").read_text())
    assert [row["policy"] for row in rerun["rows"]] == ["heuristic", "random", "after SFT", "after GRPO"]
    assert rerun["rows"][2] == rows["after SFT"] and not (again / "sft").exists()

    from agents.hf import TransformersAgent

    for stage in ("sft", "grpo"):
        agent = TransformersAgent(model_path=str(out / stage), max_tokens=4, temperature=0.0)
        agent.reset(seed=0)
        assert isinstance(agent.act("hi there", {"turn": 0}), str)
