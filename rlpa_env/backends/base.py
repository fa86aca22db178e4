"""The ``ChatBackend`` protocol: one chat completion, or a batch of them.

Messages are OpenAI-style ``{"role": "system" | "user" | "assistant", "content": str}`` dicts.
A backend returns only the generated text. At ``temperature=0`` decoding is greedy. ``seed`` makes
sampling reproducible where the backend computes a prompt the same way every time: the in-process
backends do (``TransformersBackend``, and ``LlamaCppBackend``, which evaluates every prompt afresh); a
server may not (see ``OpenAICompatibleBackend``). Exact replays of model roles rest on
``CachedBackend``: what was generated once is read back, whatever computed it.

Any object with ``model_name``, ``complete`` and ``complete_batch`` is a ``ChatBackend``. The
package's own backends subclass the protocol and inherit both public methods: they check the
options once (``check_generation_options``) and call ``_complete_batch`` (whose default completes the
conversations one by one with ``_complete_one``), so a backend implements whichever of the two it
does natively.

``turn_seed(episode_seed, turn)`` is the one way model-backed roles derive a call's seed from the
episode seed and the turn number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

Messages = Sequence[Mapping[str, str]]
SEED_SPACE = 2**31
"""Seeds handed to backends lie in ``[0, SEED_SPACE)``."""


def turn_seed(episode_seed: int | None, turn: int) -> int | None:
    """A seed for one turn derived from the episode seed and the turn number; ``None`` without a seed."""
    if episode_seed is None:
        return None
    return int(np.random.SeedSequence([episode_seed, turn]).generate_state(1)[0] % SEED_SPACE)


def check_generation_options(max_tokens: int, temperature: float) -> None:
    """Raise ``ValueError`` naming the bad option when ``max_tokens < 1`` or ``temperature < 0``."""
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")


class BackendError(RuntimeError):
    """A backend failed after its retries; the message names the backend, the model and the cause."""


@runtime_checkable
class ChatBackend(Protocol):
    """Generates chat completions from some model.

    The method bodies serve ``ChatBackendBase`` subclasses; any other class implements both methods.
    """

    model_name: str

    def complete(
        self, messages: Messages, *, max_tokens: int = 256, temperature: float = 0.0, seed: int | None = None
    ) -> str:
        """Complete one conversation and return the assistant's text."""
        return self.complete_batch([messages], max_tokens=max_tokens, temperature=temperature, seed=seed)[0]

    def complete_batch(
        self,
        conversations: Sequence[Messages],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> list[str]:
        """Complete several conversations; result ``i`` answers ``conversations[i]``."""
        check_generation_options(max_tokens, temperature)
        return self._complete_batch(list(conversations), max_tokens, temperature, seed)  # type: ignore[attr-defined]


class ChatBackendBase(ChatBackend):
    """The package's backends: ``complete`` and ``complete_batch`` come from ``ChatBackend``'s bodies.

    A subclass overrides ``_complete_one`` (one conversation) or ``_complete_batch`` (a batch, when it
    can run one natively); the options reach either already checked.
    """

    def _complete_batch(
        self, conversations: list[Messages], max_tokens: int, temperature: float, seed: int | None
    ) -> list[str]:
        """The batch, options already checked; by default one conversation after another."""
        return [self._complete_one(messages, max_tokens, temperature, seed) for messages in conversations]

    def _complete_one(self, messages: Messages, max_tokens: int, temperature: float, seed: int | None) -> str:
        """One conversation, options already checked; a subclass overrides this or ``_complete_batch``."""
        raise NotImplementedError(f"{type(self).__name__} implements neither _complete_one nor _complete_batch")
