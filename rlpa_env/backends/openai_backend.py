"""``OpenAICompatibleBackend``: chat completions from any OpenAI-compatible HTTP server.

Works with vLLM, llama.cpp's server, Ollama and OpenAI itself (``base_url`` is the API root,
usually ending in ``/v1``). The ``openai`` client's own retries are switched off; this module retries
explicitly so the policy is visible and bounded:

- **Retried** (up to ``max_retries`` more attempts, sleeping ``backoff_s * 2**k`` seconds, at most
  ``max_backoff_s``, longer when a 429/503 carries a ``Retry-After`` header): connection failures,
  timeouts (``connect_timeout`` to open the connection, ``read_timeout`` waiting for data), HTTP 408,
  409, 429 and 5xx, and malformed responses. A malformed response (a body that is not JSON, or JSON
  without ``choices[0].message.content``) is retried like a 5xx because a proxy cutting a body short
  looks the same as a broken server; if it persists, the final error says so and points at
  ``base_url``, since a URL that serves something other than the API is the usual cause.
- **Not retried**: any other 4xx (bad request, authentication, unknown model, ...) raises at once.
- Every failure is a :class:`~rlpa_env.backends.base.BackendError` naming the URL, the model, the
  number of attempts and the last cause. A call therefore takes at most about
  ``(max_retries + 1) * (connect_timeout + read_timeout)`` plus the backoff sleeps.

``seed`` is sent as the request's ``seed`` field. It does not make a server's samples reproducible:
a server computes a prompt together with whatever else it holds, so the logits of the same request can
differ in the last bits from one call to the next, and a sample at ``temperature > 0`` (or a greedy
step at a near tie) can then flip. ``llama_cpp.server`` reuses the part of the prompt that matches the
previous request and evaluates only the rest, in a batch of another shape (on CPUs with AMX a
one-token batch runs another kernel); vLLM and ``llama-server`` with several slots batch concurrent
requests together. A replay that must be exact goes through ``CachedBackend`` (record once, read back).

Concurrency: a backend is safe to call from many threads at once (the ``openai`` client is). At most
``max_concurrency`` requests are in flight to one server: every backend in this process with the same
``base_url`` and ``max_concurrency`` draws from one semaphore, so the user, the judges and the
agent's copies that share a server share its bound (a sleep between retries holds no slot).
``complete_batch`` sends the conversations concurrently on a thread pool, each with the same ``seed``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rlpa_env.backends.base import BackendError, ChatBackendBase, Messages

try:
    import openai
except ImportError as error:  # pragma: no cover - exercised only without the [llm] extra
    raise ImportError(
        f"OpenAICompatibleBackend needs the openai client ({error}); install it with: pip install 'rlpa-env[llm]'"
    ) from error

_RETRYABLE_STATUS = frozenset({408, 409, 429})
_SERVER_SLOTS: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_SERVER_SLOTS_LOCK = threading.Lock()
_BODY_EXCERPT_CHARS = 200


class _MalformedResponseError(Exception):
    """The server answered, but not with a chat completion."""


def server_slots(base_url: str, max_concurrency: int) -> threading.BoundedSemaphore:
    """The semaphore bounding requests in flight to ``base_url`` for backends with this ``max_concurrency``.

    A bound per server has to be shared by every client of that server in the process, hence this one
    process-wide table (keyed by URL and bound, guarded by a lock).
    """
    key = (base_url.rstrip("/"), max_concurrency)
    with _SERVER_SLOTS_LOCK:
        if key not in _SERVER_SLOTS:
            _SERVER_SLOTS[key] = threading.BoundedSemaphore(max_concurrency)
        return _SERVER_SLOTS[key]


def _is_retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUS or status >= 500


def _retry_after_s(response: Any) -> float | None:
    """The ``Retry-After`` header in seconds, when the server sent one as a number."""
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _completion_text(response: Any) -> str:
    """The assistant text of a chat completion, or ``_MalformedResponseError`` saying what was missing."""
    if isinstance(response, str):
        raise _MalformedResponseError(f"expected a JSON chat completion, got text {response[:_BODY_EXCERPT_CHARS]!r}")
    choices = getattr(response, "choices", None)
    if not choices:
        raise _MalformedResponseError("the JSON has no 'choices'")
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    if not isinstance(content, str):
        raise _MalformedResponseError("choices[0].message.content is missing or not a string")
    return content


class OpenAICompatibleBackend(ChatBackendBase):
    """A :class:`~rlpa_env.backends.base.ChatBackend` over an OpenAI-compatible ``/chat/completions`` endpoint.

    Args:
        base_url: the API root, e.g. ``http://127.0.0.1:8000/v1``.
        model: the model name the server serves.
        api_key: the bearer token; defaults to ``$OPENAI_API_KEY``, else ``"EMPTY"`` (local servers ignore it).
        connect_timeout: seconds to open a connection.
        read_timeout: seconds to wait for response data.
        max_retries: extra attempts after the first for retryable failures (0 = try once).
        backoff_s: the first sleep between attempts; it doubles after each failure.
        max_backoff_s: the longest sleep between attempts.
        extra_body: extra JSON fields sent with every request (e.g. ``{"top_k": 20}`` for vLLM).
        max_concurrency: requests in flight at once to ``base_url`` from all backends with this bound
            (see the module docstring).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_retries: int = 3,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        extra_body: Mapping[str, Any] | None = None,
        max_concurrency: int = 4,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError(f"timeouts must be positive, got connect={connect_timeout}, read={read_timeout}")
        if backoff_s < 0 or max_backoff_s < 0:
            raise ValueError(f"backoff times must be >= 0, got backoff_s={backoff_s}, max_backoff_s={max_backoff_s}")
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self.base_url = base_url
        self.model_name = model
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.read_timeout = read_timeout
        self.extra_body = dict(extra_body or {})
        self.max_concurrency = max_concurrency
        self._slots = server_slots(base_url, max_concurrency)
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY",
            timeout=openai.Timeout(read_timeout, connect=connect_timeout),
            max_retries=0,
        )

    def limit_concurrency(self, max_concurrency: int) -> None:
        """Bound the requests in flight to this backend's server at ``max_concurrency`` from now on."""
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self.max_concurrency = max_concurrency
        self._slots = server_slots(self.base_url, max_concurrency)

    def _complete_one(self, messages: Messages, max_tokens: int, temperature: float, seed: int | None) -> str:
        """Complete one conversation, retrying transient failures; raise ``BackendError`` when it cannot."""
        request: dict[str, Any] = {
            "model": self.model_name,
            "messages": [dict(message) for message in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if seed is not None:
            request["seed"] = seed
        if self.extra_body:
            request["extra_body"] = self.extra_body
        attempts = self.max_retries + 1
        cause = "no attempt made"
        for attempt in range(1, attempts + 1):
            delay = min(self.backoff_s * 2 ** (attempt - 1), self.max_backoff_s)
            try:
                with self._slots:
                    response = self._client.chat.completions.create(**request)
                return _completion_text(response)
            except openai.APIStatusError as error:
                cause = f"HTTP {error.status_code}: {str(error.message)[:_BODY_EXCERPT_CHARS]}"
                if not _is_retryable_status(error.status_code):
                    raise self._error(attempt, cause, hint=self._status_hint(error.status_code)) from error
                retry_after = _retry_after_s(error.response)
                if retry_after is not None:
                    delay = max(delay, min(retry_after, self.max_backoff_s))
            except openai.APITimeoutError:
                cause = f"timed out (read_timeout={self.read_timeout}s)"
            except openai.APIConnectionError as error:
                cause = f"connection failed: {error.__cause__ or error}"
            except (_MalformedResponseError, openai.APIResponseValidationError, json.JSONDecodeError) as error:
                cause = f"malformed response: {error}"
            if attempt < attempts:
                time.sleep(delay)
        hint = "check that base_url is the API root (usually ending in /v1)" if cause.startswith("malformed") else ""
        raise self._error(attempts, cause, hint=hint)

    def _complete_batch(
        self, conversations: list[Messages], max_tokens: int, temperature: float, seed: int | None
    ) -> list[str]:
        """Send the conversations concurrently, at most ``max_concurrency`` in flight."""
        if not conversations:
            return []
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(conversations))) as pool:
            futures = [
                pool.submit(self._complete_one, messages, max_tokens, temperature, seed) for messages in conversations
            ]
            return [future.result() for future in futures]

    def __repr__(self) -> str:
        return f"OpenAICompatibleBackend(base_url={self.base_url!r}, model={self.model_name!r})"

    def _error(self, attempts: int, cause: str, *, hint: str = "") -> BackendError:
        noun = "attempt" if attempts == 1 else "attempts"
        suffix = f" ({hint})" if hint else ""
        return BackendError(
            f"OpenAI-compatible server at {self.base_url} (model {self.model_name!r}) failed after {attempts} "
            f"{noun}; last cause: {cause}{suffix}"
        )

    @staticmethod
    def _status_hint(status: int) -> str:
        if status in (401, 403):
            return "the server refused the API key; set api_key or OPENAI_API_KEY"
        if status == 404:
            return "check that base_url ends in /v1 and that the server serves this model"
        return "the server rejected the request; it is not retried"
