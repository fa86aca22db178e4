"""``SequenceScorer``: the log-probability a causal LM gives each token of a text, in one forward pass.

A scorer reads, it never samples. ``token_logprobs(texts)`` returns, for each text, the
log-probability of each of its tokens given a fixed context and the tokens before it. Texts are tokenized
without special tokens. The context is the chat template's assistant header (``<|im_start|>assistant``
and a newline for ChatML models), so the text reads as an assistant's reply and its first word is
scored too; a tokenizer without a chat template falls back to its BOS (or end-of-sequence) token.

``TransformersScorer`` runs a :class:`~rlpa_env.backends.transformers_backend.TransformersBackend`'s
model (by default the embedded SmolLM2-135M-Instruct, de-quantised from its GGUF, shared with every
backend on that checkpoint in the process):

- texts go through the model in right-padded batches of at most ``max_batch_size`` with an
  attention mask, under ``torch.inference_mode`` and the backend's CPU thread count; right padding
  leaves the real tokens' positions and attention unchanged, so a text scores the same (up to float
  rounding, about 1e-6) alone or in any batch;
- texts are sorted by token length before batching so that a batch pads little.

This module imports torch only through ``transformers_backend``; import it only where a model runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import torch

from rlpa_env.backends.transformers_backend import TransformersBackend, _torch_threads


@runtime_checkable
class SequenceScorer(Protocol):
    """Scores texts under a language model."""

    model_name: str

    def token_logprobs(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """Per text, the log-probability of each of its tokens given the context and the tokens before it."""
        ...


def check_texts(texts: Sequence[str]) -> None:
    """Raise ``TypeError``/``ValueError`` naming the first text that is not a non-blank string."""
    if isinstance(texts, str):
        raise TypeError(f"texts must be a sequence of strings, not the single string {texts!r}")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {index} must be a string, got {type(text).__name__}")
        if not text.strip():
            raise ValueError(f"text {index} is blank; a scorer needs at least one token to score")


def assistant_header_ids(tokenizer: Any) -> list[int]:
    """The token ids the chat template puts before an assistant's reply; the BOS (or EOS) token without a template."""
    if getattr(tokenizer, "chat_template", None):
        before = [{"role": "system", "content": ""}]
        opened = tokenizer.apply_chat_template(before, tokenize=False, add_generation_prompt=True)
        closed = tokenizer.apply_chat_template(before, tokenize=False, add_generation_prompt=False)
        if opened.startswith(closed) and opened != closed:
            return list(tokenizer(opened[len(closed) :], add_special_tokens=False)["input_ids"])
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    if start is None:
        raise ValueError("the tokenizer has no chat template, BOS or end-of-sequence token to start a text with")
    return [int(start)]


class TransformersScorer:
    """A :class:`SequenceScorer` over a ``TransformersBackend``'s causal LM (see the module docstring).

    Args:
        backend: the backend whose model and tokenizer score; by default a new ``TransformersBackend()``
            on the embedded model with its default single CPU thread (on a 2-core machine shared with
            other work, one thread ran this model faster than two).
        max_batch_size: texts scored in one forward pass at most, to bound memory.
    """

    def __init__(self, backend: TransformersBackend | None = None, *, max_batch_size: int = 64) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}")
        self.backend = backend if backend is not None else TransformersBackend()
        self.max_batch_size = max_batch_size
        self.model_name = self.backend.model_name
        self._context: list[int] | None = None

    @property
    def context_ids(self) -> list[int]:
        """The ids every text is scored after (see ``assistant_header_ids``)."""
        if self._context is None:
            self._context = assistant_header_ids(self.backend.tokenizer)
        return self._context

    def text_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The token ids of each text (no special tokens): the tokens that get a log-probability."""
        check_texts(texts)
        return [list(ids) for ids in self.backend.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    def token_logprobs(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """Per text, the log-probability of each of its tokens (see ``SequenceScorer``)."""
        context = self.context_ids
        sequences = [context + ids for ids in self.text_ids(texts)]
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        results: list[tuple[float, ...]] = [()] * len(sequences)
        with torch.inference_mode(), _torch_threads(self.backend.n_threads):
            for start in range(0, len(order), self.max_batch_size):
                chunk = order[start : start + self.max_batch_size]
                scored = self._score_chunk([sequences[i] for i in chunk], len(context))
                for index, logprobs in zip(chunk, scored, strict=True):
                    results[index] = logprobs
        return results

    def _score_chunk(self, sequences: list[list[int]], context_length: int) -> list[tuple[float, ...]]:
        """Right-padded forward pass; row ``i`` gets the log-probs of its tokens after the context."""
        model = self.backend.model
        width = max(len(s) for s in sequences)
        input_ids = torch.tensor([s + [0] * (width - len(s)) for s in sequences], device=model.device)
        mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sequences], device=model.device)
        logits = model(input_ids=input_ids, attention_mask=mask).logits[:, context_length - 1 : -1].float()
        targets = input_ids[:, context_length:, None]
        chosen = (logits.gather(2, targets)[..., 0] - torch.logsumexp(logits, dim=-1)).cpu()
        return [tuple(chosen[row, : len(s) - context_length].tolist()) for row, s in enumerate(sequences)]
