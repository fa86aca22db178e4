"""``MeteredBackend``: a ``ChatBackend`` wrapper that counts calls, seconds and tokens for a report.

Tokens are counted with the wrapped backend's own tokenizer when it exposes one (``tokenizer``, as
``TransformersBackend`` does): the chat-templated prompt plus the completion. Otherwise they are
estimated as whitespace words times 4/3, and ``token_count`` says ``"estimated"``.
"""

from __future__ import annotations

import time
from typing import Any

from rlpa_env.backends.base import ChatBackend, ChatBackendBase, Messages

_TOKENS_PER_WORD = 4 / 3


class MeteredBackend(ChatBackendBase):
    """Passes every call to ``backend`` and adds up calls, wall seconds and tokens."""

    def __init__(self, backend: ChatBackend) -> None:
        self.backend = backend
        self.model_name = backend.model_name
        self.calls = 0
        self.seconds = 0.0
        self.tokens = 0
        self.token_count = "tokenizer" if _tokenizer(backend) is not None else "estimated"

    def _complete_batch(
        self, conversations: list[Messages], max_tokens: int, temperature: float, seed: int | None
    ) -> list[str]:
        """``backend.complete_batch``, metered (one call per conversation)."""
        started = time.perf_counter()
        answers = self.backend.complete_batch(conversations, max_tokens=max_tokens, temperature=temperature, seed=seed)
        self.seconds += time.perf_counter() - started
        self.calls += len(conversations)
        self.tokens += sum(self._count(m, a) for m, a in zip(conversations, answers, strict=True))
        return answers

    def _count(self, messages: Messages, answer: str) -> int:
        tokenizer = _tokenizer(self.backend)
        if tokenizer is None:
            words = sum(len(m["content"].split()) for m in messages) + len(answer.split())
            return round(words * _TOKENS_PER_WORD)
        prompt = tokenizer.apply_chat_template([dict(m) for m in messages], tokenize=True, add_generation_prompt=True)
        ids = prompt["input_ids"] if isinstance(prompt, dict) or hasattr(prompt, "keys") else prompt
        return len(ids) + len(tokenizer.encode(answer, add_special_tokens=False))


def _tokenizer(backend: ChatBackend) -> Any:
    try:
        return getattr(backend, "tokenizer", None)
    except Exception:  # a backend whose tokenizer cannot load reads as one without a tokenizer
        return None
