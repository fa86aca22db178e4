"""``SequenceScorer``: the log-probability a causal LM gives each token of a text, in forward passes.

A scorer reads, it never samples. ``span_logprobs(spans)`` returns, for each ``Span(prefix, text)``,
the log-probability of each token of ``text`` given a fixed context, ``prefix`` and the tokens of
``text`` before it. The tokens of ``text`` are those that ``prefix + text`` has beyond the tokens
of ``prefix`` (tokenized without special tokens; a text that continues a word should start with a
space, since byte-level tokenizers attach the space to the word after it). The context is the chat
template's assistant header (``<|im_start|>assistant`` and a newline for ChatML models), so a text
reads as an assistant's reply and its first word is scored too; a tokenizer without a chat
template falls back to its BOS (or end-of-sequence) token.

``TransformersScorer`` runs a :class:`~rlpa_env.backends.transformers_backend.TransformersBackend`'s
model (by default the embedded SmolLM2-135M-Instruct, de-quantised from its GGUF, shared with every
backend on that checkpoint in the process) and does no work twice:

- a span whose tokens (with its prefix's) begin another span's tokens is read off that span's
  forward pass, at no cost (the first words of a sentence, given the sentence);
- a span whose prefix begins a span read in full is scored *on top of* that span's key-value cache:
  only its own tokens go through the model (a sentence with two of its words swapped, from the swap
  on, costs the tokens of the swapped words and what follows them, not the whole sentence);
- the rest go through the model in full, in right-padded batches of at most ``max_batch_size``
  sorted by length, under ``torch.inference_mode`` and the backend's CPU thread count. Right
  padding and a masked cache leave every real token's positions and attention unchanged, so a span
  scores the same (up to float rounding, about 1e-6) alone, in any batch, or on a cache.

This module imports torch only through ``transformers_backend``; import it only where a model runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, runtime_checkable

import torch
from transformers.cache_utils import DynamicCache

from rlpa_env.backends.transformers_backend import TransformersBackend, _torch_threads


class Span(NamedTuple):
    """A text to score after a prefix (``prefix`` may be empty: the text alone)."""

    prefix: str
    text: str


@runtime_checkable
class SequenceScorer(Protocol):
    """Scores texts under a language model."""

    model_name: str

    def span_logprobs(self, spans: Sequence[Span]) -> list[tuple[float, ...]]:
        """Per span, the log-prob of each token of its text after the context, the prefix and the tokens before it."""
        ...


def check_spans(spans: Sequence[Span]) -> None:
    """Raise ``TypeError``/``ValueError`` naming the first span that is not a pair of strings with a non-blank text."""
    if isinstance(spans, str):
        raise TypeError(f"spans must be a sequence of (prefix, text) pairs, not the single string {spans!r}")
    for index, span in enumerate(spans):
        if not (isinstance(span, tuple) and len(span) == 2 and all(isinstance(part, str) for part in span)):
            raise TypeError(f"span {index} must be a (prefix, text) pair of strings, got {span!r}")
        if not span[1].strip():
            raise ValueError(f"span {index} has a blank text; a scorer needs at least one token to score")


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


@dataclass(frozen=True)
class _Tokens:
    """A span as token ids: ``ids`` are the prefix's and the text's, the text's from ``start`` on."""

    ids: tuple[int, ...]
    start: int


@dataclass(frozen=True)
class _Plan:
    """How spans are scored: ``full`` sequences, ``branches`` (ids: host, fork) and ``cover`` (ids: the scored ids)."""

    full: list[tuple[int, ...]]
    branches: dict[tuple[int, ...], tuple[tuple[int, ...], int]]
    cover: dict[tuple[int, ...], tuple[int, ...]]


class TransformersScorer:
    """A :class:`SequenceScorer` over a ``TransformersBackend``'s causal LM (see the module docstring).

    Args:
        backend: the backend whose model and tokenizer score; by default a new ``TransformersBackend()``
            on the embedded model with its default single CPU thread (on a 2-core machine shared with
            other work, one thread ran this model faster than two).
        max_batch_size: sequences scored in one forward pass at most, to bound memory.
    """

    def __init__(self, backend: TransformersBackend | None = None, *, max_batch_size: int = 64) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}")
        self.backend = backend if backend is not None else TransformersBackend()
        self.max_batch_size = max_batch_size
        self.model_name = self.backend.model_name
        self._context: list[int] | None = None
        self.forward_tokens = 0
        """Tokens sent through the model so far (a span read off another, or a cached prefix, adds none)."""

    @property
    def context_ids(self) -> list[int]:
        """The ids every text is scored after (see ``assistant_header_ids``)."""
        if self._context is None:
            self._context = assistant_header_ids(self.backend.tokenizer)
        return self._context

    def token_logprobs(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """Per text, the log-probability of each of its tokens (each text a span with no prefix)."""
        if isinstance(texts, str):
            raise TypeError(f"texts must be a sequence of strings, not the single string {texts!r}")
        return self.span_logprobs([Span("", text) for text in texts])

    def span_logprobs(self, spans: Sequence[Span]) -> list[tuple[float, ...]]:
        """Per span, the log-probabilities of its text's tokens (see ``SequenceScorer`` and the module docstring)."""
        check_spans(spans)
        tokens = self._tokens(spans)
        plan = self._plan(tokens)
        scored: dict[tuple[int, ...], tuple[float, ...]] = {}
        with torch.inference_mode(), _torch_threads(self.backend.n_threads):
            for start in range(0, len(plan.full), self.max_batch_size):
                chunk = plan.full[start : start + self.max_batch_size]
                logprobs, cache = self._forward(chunk)
                scored.update(zip(chunk, logprobs, strict=True))
                rows = {ids: row for row, ids in enumerate(chunk)}
                on_chunk = [(ids, rows[host], fork) for ids, (host, fork) in plan.branches.items() if host in rows]
                for at in range(0, len(on_chunk), self.max_batch_size):
                    part = on_chunk[at : at + self.max_batch_size]
                    branched = self._forward_on_cache(cache, part, logprobs)
                    scored.update(zip((ids for ids, _, _ in part), branched, strict=True))
        return [scored[plan.cover[t.ids]][t.start : len(t.ids)] for t in tokens]

    def _tokens(self, spans: Sequence[Span]) -> list[_Tokens]:
        tokenizer = self.backend.tokenizer
        prefixes = sorted({span.prefix for span in spans if span.prefix})
        encoded = tokenizer(prefixes, add_special_tokens=False)["input_ids"] if prefixes else []
        prefix_ids = dict(zip(prefixes, encoded, strict=True))
        joined = tokenizer([span.prefix + span.text for span in spans], add_special_tokens=False)["input_ids"]
        result = []
        for span, ids in zip(spans, joined, strict=True):
            own = prefix_ids.get(span.prefix, [])
            start = 0
            while start < min(len(own), len(ids) - 1) and own[start] == ids[start]:
                start += 1
            result.append(_Tokens(tuple(ids), start))
        return result

    @staticmethod
    def _plan(tokens: Sequence[_Tokens]) -> _Plan:
        """Which token sequences go through the model in full, which fork off a full one's cache, and who covers whom.

        A sequence that begins another is read off the longer one and needs no pass of its own: in
        sorted order, the sequences that begin with it come right after it.
        """
        ordered = sorted({t.ids for t in tokens})
        cover: dict[tuple[int, ...], tuple[int, ...]] = {}
        following: tuple[int, ...] = ()
        for ids in reversed(ordered):
            cover[ids] = cover[following] if following[: len(ids)] == ids else ids
            following = ids
        needed = [ids for ids in ordered if cover[ids] == ids]
        forks = {t.ids: t.start for t in tokens if t.start > 0}
        full = [ids for ids in needed if ids not in forks]
        hosts = {ids[:end]: ids for ids in full for end in range(1, len(ids) + 1)}
        branches = {}
        for ids in needed:
            if ids not in forks:
                continue
            host = hosts.get(ids[: forks[ids]])
            if host is None:
                full.append(ids)
                hosts.update({ids[:end]: ids for end in range(1, len(ids) + 1) if ids[:end] not in hosts})
            else:
                branches[ids] = (host, forks[ids])
        return _Plan(sorted(full, key=len), branches, cover)

    def _forward(self, sequences: list[tuple[int, ...]]) -> tuple[list[tuple[float, ...]], DynamicCache]:
        """Right-padded forward pass after the context: the log-prob of every token of each sequence, and the cache."""
        model, context = self.backend.model, self.context_ids
        rows = [context + list(ids) for ids in sequences]
        width = max(len(r) for r in rows)
        input_ids = torch.tensor([r + [0] * (width - len(r)) for r in rows], device=model.device)
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], device=model.device)
        self.forward_tokens += sum(len(r) for r in rows)
        out = model(input_ids=input_ids, attention_mask=mask, use_cache=True)
        chosen = _chosen_logprobs(out.logits[:, len(context) - 1 : -1], input_ids[:, len(context) :])
        return [tuple(chosen[row, : len(ids)].tolist()) for row, ids in enumerate(sequences)], out.cache

    def _forward_on_cache(
        self,
        cache: DynamicCache,
        branches: list[tuple[tuple[int, ...], int, int]],
        host_logprobs: list[tuple[float, ...]],
    ) -> list[tuple[float, ...]]:
        """Score each ``(ids, host row, fork)`` from token ``fork`` on, over the host row's cache.

        The pass starts one token before the fork (its logits predict the first token after it) on
        the cache of the tokens before that; the log-probs of the tokens before the fork are the host's.
        """
        model, context = self.backend.model, len(self.context_ids)
        cached = cache.get_seq_length()
        rows = torch.tensor([row for _, row, _ in branches], device=model.device)
        layers = [(layer.keys.index_select(0, rows), layer.values.index_select(0, rows)) for layer in cache.layers]
        tails = [list(ids[fork - 1 :]) for ids, _, fork in branches]
        width = max(len(tail) for tail in tails)
        input_ids = torch.tensor([tail + [0] * (width - len(tail)) for tail in tails], device=model.device)
        mask = torch.zeros((len(branches), cached + width), dtype=torch.long, device=model.device)
        for index, ((_, _, fork), tail) in enumerate(zip(branches, tails, strict=True)):
            mask[index, : context + fork - 1] = 1
            mask[index, cached : cached + len(tail)] = 1
        starts = torch.tensor([context + fork - 1 for _, _, fork in branches], device=model.device)
        positions = starts[:, None] + torch.arange(width, device=model.device)[None, :]
        self.forward_tokens += sum(len(tail) for tail in tails)
        out = model(
            input_ids=input_ids,
            attention_mask=mask,
            position_ids=positions,
            cache=DynamicCache(ddp_cache_data=layers, config=model.config),
        )
        chosen = _chosen_logprobs(out.logits[:, :-1], input_ids[:, 1:])
        return [
            host_logprobs[row][:fork] + tuple(chosen[index, : len(tail) - 1].tolist())
            for index, ((_, row, fork), tail) in enumerate(zip(branches, tails, strict=True))
        ]


def _chosen_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``log_softmax(logits)`` at each target id: ``[rows, positions]``, on the CPU."""
    logits = logits.float()
    return (logits.gather(2, targets[..., None])[..., 0] - torch.logsumexp(logits, dim=-1)).cpu()
