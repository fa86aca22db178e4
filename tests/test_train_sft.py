"""SFT data from the built-in agents and one TRL SFTTrainer step on a tiny random model."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from agents.train.sft_data import read_sft_data, sft_conversations, turn_examples, write_sft_data
from rlpa_env.cli import main as cli_main
from rlpa_env.parsing import parse_turn


def test_conversations_hold_the_agents_full_turns_and_the_users_replies() -> None:
    (record,) = sft_conversations("heuristic", 1, seed=4, max_turns=3)
    roles = [m["role"] for m in record["messages"]]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user", "assistant"]
    assert record["seed"] == 4 and record["format_ok"]
    for message in record["messages"]:
        if message["role"] == "assistant":
            parse_turn(message["content"])  # a whole turn, profile block included


def test_oracle_demonstrations_get_the_privileged_env() -> None:
    (record,) = sft_conversations("oracle", 1, seed=0, max_turns=2)
    assert record["format_ok"] and record["return"] > 0


def test_turn_examples_put_each_assistant_turn_after_everything_before_it() -> None:
    (record,) = sft_conversations("heuristic", 1, seed=1, max_turns=3)
    examples = turn_examples(record["messages"])
    assert len(examples) == 3
    for example in examples:
        index = len(example["prompt"])
        assert example["prompt"] == record["messages"][:index]
        assert example["completion"] == [record["messages"][index]]
    assert len(turn_examples(record["messages"], max_turns=2)) == 2


def test_make_sft_data_cli_writes_chat_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.jsonl"
    args = ["make-sft-data", "--agent", "heuristic", "--split", "test", "--episodes", "3", "--max-turns", "2"]
    assert cli_main([*args, "--seed", "7", "--out", str(out)]) == 0
    assert "wrote 3 episodes (6 turns)" in capsys.readouterr().out
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["seed"] for r in records] == [7, 8, 9]
    assert records == read_sft_data(out)
    write_sft_data(tmp_path / "again.jsonl", "heuristic", 3, split="test", seed=7, max_turns=2)
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()


def test_reading_a_file_without_messages_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hello"}\n')
    with pytest.raises(ValueError, match="line 1 has no 'messages'"):
        read_sft_data(bad)


@pytest.mark.timeout(300)
def test_one_sft_step_lowers_the_loss_on_a_fixed_batch(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("trl")
    from tiny_lm import tiny_model, tiny_tokenizer

    from agents.train.sft import make_sft_trainer, sft_dataset

    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    records = list(sft_conversations("heuristic", 1, seed=2, max_turns=2, system_prompt="Write the turn."))
    tokenizer = tiny_tokenizer()
    model = tiny_model(len(tokenizer), max_positions=4096, initializer_range=0.05)
    trainer = make_sft_trainer(
        model, tokenizer, sft_dataset(records), tmp_path, max_steps=1, learning_rate=0.01, per_device_train_batch_size=2
    )
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(len(trainer.train_dataset))])

    def loss() -> float:
        with torch.no_grad():
            inputs: dict[str, Any] = {k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "labels")}
            return float(model(**inputs).loss)

    before = loss()
    trainer.train()
    assert loss() < before
    assert (batch["labels"] != -100).sum() < batch["attention_mask"].sum()  # only the turns carry loss


class _RecordingTrainer:
    """Stands in for a TRL trainer: records what the entry point built it with and what it saved."""

    def __init__(self, calls: dict[str, Any], **kwargs: Any) -> None:
        self.calls = calls
        calls["kwargs"] = kwargs
        self.model = "trained model"
        self.accelerator = type("Accelerator", (), {"is_main_process": True})()

    def train(self) -> None:
        self.calls["trained"] = True

    def save_model(self, path: str) -> None:
        self.calls["model_saved_to"] = path


class _RecordingTokenizer:
    def __init__(self, calls: dict[str, Any]) -> None:
        self.calls = calls

    def save_pretrained(self, path: str) -> None:
        self.calls["tokenizer_saved_to"] = path


def _record_training(monkeypatch: pytest.MonkeyPatch, module: Any, factory: str) -> dict[str, Any]:
    from agents.train import sft

    calls: dict[str, Any] = {}
    monkeypatch.setattr(sft, "load_policy", lambda path: calls.setdefault("loaded", (path, _RecordingTokenizer(calls))))
    monkeypatch.setattr(module, factory, lambda model, tokenizer, **kwargs: _RecordingTrainer(calls, **kwargs))
    return calls


def test_sft_entry_point_trains_on_the_data_file_with_its_options_and_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("datasets")
    from agents.train import sft

    data = tmp_path / "demo.jsonl"
    write_sft_data(data, "heuristic", 1, split="test", seed=0, max_turns=2)
    calls = _record_training(monkeypatch, sft, "make_sft_trainer")
    sft.main(["--data", str(data), "--out", str(tmp_path / "out"), "--model", "ckpt", "--max-steps", "3"])
    kwargs = calls.pop("kwargs")
    assert len(kwargs.pop("dataset")) == 2  # one row per assistant turn
    assert kwargs == {
        "output_dir": str(tmp_path / "out"),
        "learning_rate": 5e-5,
        "per_device_train_batch_size": 4,
        "num_train_epochs": 1.0,
        "max_steps": 3,
        "max_length": 1024,
    }
    assert calls["loaded"][0] == "ckpt" and calls["trained"]
    assert calls["model_saved_to"] == calls["tokenizer_saved_to"] == str(tmp_path / "out")


def test_grpo_entry_point_forwards_its_options_to_the_trainer_and_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agents.train import grpo

    calls = _record_training(monkeypatch, grpo, "make_grpo_trainer")
    grpo.main(["--out", str(tmp_path), "--steps", "2", "--batch-size", "4", "--learning-rate", "0.5", "--bf16"])
    kwargs = calls.pop("kwargs")
    rollout = kwargs.pop("rollout")
    assert rollout.mode == "turn" and rollout.make_env().unwrapped.max_turns == 10
    assert kwargs == {
        "output_dir": str(tmp_path),
        "learning_rate": 0.5,
        "per_device_train_batch_size": 4,
        "episodes": 8,
        "max_steps": 2,
        "num_generations": 4,
        "max_completion_length": 192,
        "beta": 0.04,
        "bf16": True,
    }
    assert calls["loaded"][0] is None and calls["trained"] and calls["model_saved_to"] == str(tmp_path)


@pytest.mark.timeout(300)
def test_sft_trainer_names_max_length_when_truncation_leaves_nothing_to_learn(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("trl")
    from tiny_lm import tiny_model, tiny_tokenizer

    from agents.train.sft import make_sft_trainer, sft_dataset

    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    records = list(sft_conversations("heuristic", 1, seed=2, max_turns=2, system_prompt="Write the turn. " * 40))
    tokenizer = tiny_tokenizer()
    model = tiny_model(len(tokenizer), max_positions=4096)
    with pytest.raises(ValueError, match=r"max_length=64 tokens; raise max_length"):
        make_sft_trainer(model, tokenizer, sft_dataset(records), tmp_path, max_length=64)
