"""The ``ChatBackend`` protocol: one chat completion, or a batch of them.

Messages are OpenAI-style ``{"role": "system" | "user" | "assistant", "content": str}`` dicts.
A backend returns only the generated text. ``seed`` makes sampling reproducible where the backend
supports it; at ``temperature=0`` decoding is greedy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

Messages = Sequence[Mapping[str, str]]


class BackendError(RuntimeError):
    """A backend failed after its retries; the message names the backend, the model and the cause."""


@runtime_checkable
class ChatBackend(Protocol):
    """Generates chat completions from some model."""

    model_name: str

    def complete(
        self, messages: Messages, *, max_tokens: int = 256, temperature: float = 0.0, seed: int | None = None
    ) -> str:
        """Complete one conversation and return the assistant's text."""
        ...

    def complete_batch(
        self,
        conversations: Sequence[Messages],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> list[str]:
        """Complete several conversations; result ``i`` answers ``conversations[i]``."""
        ...
