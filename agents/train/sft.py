"""SFT warm start with TRL's ``SFTTrainer``: teach a small chat model the turn format from demonstrations.

``sft_dataset`` turns the chats that ``rlpa-env make-sft-data`` writes into prompt/completion pairs
(one per assistant turn, see ``agents.train.sft_data.turn_examples``), so TRL puts the loss on the
policy's turns only (``completion_only_loss``). ``make_sft_trainer`` builds the trainer with the
project's defaults; ``python -m agents.train.sft --data FILE --out DIR`` runs it on the embedded
SmolLM2-135M (or ``--model DIR``) and saves a checkpoint that ``TransformersBackend(model_path=DIR)``
and ``TransformersAgent`` load.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from agents.train.sft_data import read_sft_data, turn_examples


def sft_dataset(records: Sequence[Mapping[str, Any]], max_turns: int | None = None) -> Any:
    """A ``datasets.Dataset`` of prompt/completion chats, one row per assistant turn of each record."""
    from datasets import Dataset

    rows = [example for record in records for example in turn_examples(record["messages"], max_turns)]
    if not rows:
        raise ValueError("the SFT records hold no assistant turn; write them with `rlpa-env make-sft-data`")
    return Dataset.from_list(rows)


def make_sft_trainer(model: Any, tokenizer: Any, dataset: Any, output_dir: str | Path, **config: Any) -> Any:
    """A TRL ``SFTTrainer`` on ``dataset`` with completion-only loss; ``config`` overrides ``SFTConfig`` fields.

    Raises ``ValueError`` when truncation to ``max_length`` leaves no example with a completion to learn.
    """
    from trl import SFTConfig, SFTTrainer

    settings: dict[str, Any] = {
        "output_dir": str(output_dir),
        "completion_only_loss": True,
        "max_length": 1024,
        "per_device_train_batch_size": 4,
        "learning_rate": 5e-5,
        "num_train_epochs": 1,
        "logging_steps": 5,
        "save_strategy": "no",
        "report_to": "none",
        "use_cpu": not _cuda_available(),
        "dataloader_num_workers": 0,
        "seed": 0,
    }
    settings.update(config)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    trainer = SFTTrainer(model=model, args=SFTConfig(**settings), train_dataset=dataset, processing_class=tokenizer)
    if len(dataset) and not len(trainer.train_dataset):
        raise ValueError(
            f"all {len(dataset)} SFT examples lost their completion when cut to max_length={settings['max_length']} "
            "tokens; raise max_length (--max-length)"
        )
    return trainer


def train_and_save(trainer: Any, tokenizer: Any, output_dir: str | Path) -> Any:
    """Run ``trainer`` (an SFT or GRPO trainer), then save the model and tokenizer to ``output_dir``.

    Under a multi-process launch every process saves through the trainer (which writes once), and only
    the main process writes the tokenizer. Returns the trained model.
    """
    trainer.train()
    trainer.save_model(str(output_dir))
    if trainer.accelerator.is_main_process:
        tokenizer.save_pretrained(str(output_dir))
    return trainer.model


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def load_policy(model_path: str | None = None) -> tuple[Any, Any]:
    """A trainable (model, tokenizer): a local checkpoint directory, or the embedded SmolLM2-135M GGUF.

    transformers dequantizes a GGUF file to float32 weights but marks the model quantized, which its
    ``Trainer`` refuses to fine-tune; the weights are therefore copied into a plain model of the same config.
    """
    import copy

    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rlpa_env.backends.embedded import EMBEDDED_GGUF_FILE, embedded_gguf_path

    if model_path is None:
        folder, kwargs = str(embedded_gguf_path().parent), {"gguf_file": EMBEDDED_GGUF_FILE}
    else:
        folder, kwargs = model_path, {}
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, **kwargs)
    if getattr(model, "hf_quantizer", None) is not None:
        config = copy.deepcopy(model.config)
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        plain = AutoModelForCausalLM.from_config(config, dtype=model.dtype)
        plain.load_state_dict(model.state_dict())
        plain.generation_config = model.generation_config
        model = plain
    return model, tokenizer


def training_parser(
    description: str, *, learning_rate: float, batch_size: int, batch_help: str | None = None
) -> argparse.ArgumentParser:
    """The options every training entry point takes: ``--model``, ``--out``, ``--learning-rate``, ``--batch-size``.

    ``train_from_args`` reads these four; each entry point adds its own options to the parser.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", default=None, help="local checkpoint directory (default: embedded SmolLM2-135M)")
    parser.add_argument("--out", required=True, help="where to save the trained checkpoint (model and tokenizer)")
    parser.add_argument("--learning-rate", type=float, default=learning_rate)
    parser.add_argument("--batch-size", type=int, default=batch_size, help=batch_help)
    return parser


def train_from_args(args: argparse.Namespace, make_trainer: Callable[..., Any], **trainer_kwargs: Any) -> Any:
    """Load ``args.model`` (``load_policy``), build ``make_trainer``, train and save to ``args.out``; return the model.

    ``make_trainer`` (``make_sft_trainer`` or ``make_grpo_trainer``) gets the model, the tokenizer,
    ``output_dir=args.out``, the learning rate and per-device batch size of ``training_parser``'s
    options, and ``trainer_kwargs``.
    """
    model, tokenizer = load_policy(args.model)
    trainer = make_trainer(
        model,
        tokenizer,
        output_dir=args.out,
        learning_rate=args.learning_rate,
        per_device_train_batch_size=args.batch_size,
        **trainer_kwargs,
    )
    return train_and_save(trainer, tokenizer, args.out)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m agents.train.sft``: fine-tune on a ``make-sft-data`` file and save the checkpoint."""
    parser = training_parser("SFT warm start on RLPA demonstrations with TRL.", learning_rate=5e-5, batch_size=4)
    parser.add_argument("--data", required=True, help="JSONL from `rlpa-env make-sft-data`")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--max-length", type=int, default=1024)
    args = parser.parse_args(argv)
    dataset = sft_dataset(read_sft_data(args.data))
    train_from_args(
        args,
        make_sft_trainer,
        dataset=dataset,
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        max_length=args.max_length,
    )


if __name__ == "__main__":
    main()
