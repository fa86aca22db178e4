"""llama.cpp's own C++ HTTP server, ``llama-server``, with parallel slots, for concurrent evaluation.

llama-cpp-python's ``python -m llama_cpp.server`` answers one request at a time. ``llama-server``
keeps ``slots`` sequences in one context (``-np SLOTS``, ``SLOTS * n_ctx_per_slot`` tokens in all)
and, with continuous batching, decodes every busy slot's next token in one batch. That pays where a
batch costs little more than one sequence (a GPU build, free cores); on one CPU thread here four
sequences decoded only 1.35x as fast as one (README, "Scale out"). It serves the OpenAI API, so
``OpenAICompatibleBackend`` (and so the LLM user and judges, through ``llm_env_kwargs``) talks to it
unchanged.

- ``find_llama_server()`` locates the binary: ``$RLPA_LLAMA_SERVER``, else
  ``.llama-server/bin/llama-server`` of the source checkout this package runs from (where
  ``scripts/build-llama-server.sh`` builds it, pinned to the same llama.cpp as the Python binding),
  else ``llama-server`` on ``PATH``; ``None`` when there is none. Nothing here compiles anything.
- ``native_llama_server(...)`` runs it on 127.0.0.1 with a GGUF file (the embedded SmolLM2 by
  default), waits until ``/health`` answers 200 (the model is loaded), yields the base URL
  (``http://127.0.0.1:PORT/v1``) and stops the server on exit. The served model's name is
  ``alias`` (the GGUF file's stem by default).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from rlpa_env.backends.embedded import embedded_gguf_path
from rlpa_env.backends.server_process import free_loopback_port, serve_process

LLAMA_SERVER_ENV = "RLPA_LLAMA_SERVER"
"""The environment variable that names a ``llama-server`` binary explicitly."""

BUILD_SCRIPT = "scripts/build-llama-server.sh"
CHECKOUT_BINARY = Path(".llama-server") / "bin" / "llama-server"
"""Where the build script puts the binary, relative to the source checkout."""


def find_llama_server() -> Path | None:
    """The ``llama-server`` binary to run, or ``None`` (see the module docstring for the search order).

    Raises:
        FileNotFoundError: ``$RLPA_LLAMA_SERVER`` is set but names no executable file.
    """
    named = os.environ.get(LLAMA_SERVER_ENV)
    if named:
        path = Path(named).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FileNotFoundError(f"${LLAMA_SERVER_ENV} is {named!r}, which is not an executable file")
        return path
    in_checkout = Path(__file__).resolve().parents[2] / CHECKOUT_BINARY
    if in_checkout.is_file() and os.access(in_checkout, os.X_OK):
        return in_checkout
    on_path = shutil.which("llama-server")
    return Path(on_path) if on_path else None


@contextlib.contextmanager
def native_llama_server(
    binary: str | Path | None = None,
    model_path: str | Path | None = None,
    *,
    slots: int = 4,
    n_ctx_per_slot: int = 4096,
    n_threads: int = 1,
    alias: str | None = None,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    log_path: str | Path | None = None,
    start_timeout_s: float = 120.0,
    stop_grace_s: float = 10.0,
) -> Iterator[str]:
    """Run ``llama-server`` with ``slots`` parallel slots on 127.0.0.1 and yield its base URL.

    Args:
        binary: the ``llama-server`` executable; ``find_llama_server()`` by default.
        model_path: the GGUF file to serve; defaults to the embedded SmolLM2-135M-Instruct.
        slots: requests decoded together (``--parallel``), with continuous batching.
        n_ctx_per_slot: each slot's context window in tokens (the server gets ``slots`` times as many).
        n_threads: CPU threads for generation and for prompt processing.
        alias: the served model's name; the GGUF file's stem by default.
        port: the port to listen on; a free one by default.
        extra_args: further ``llama-server`` options, appended as given.
        log_path: where the server's output goes; a temporary file by default.
        start_timeout_s: how long to wait for ``/health`` to answer 200.
        stop_grace_s: how long the server may take to exit after SIGTERM before it is killed.

    Raises:
        FileNotFoundError: no binary was given or found (the message says how to build one).
        ValueError: ``slots``, ``n_ctx_per_slot`` or ``n_threads`` below 1.
        RuntimeError: the server exited or did not answer in time; the message ends with its log.
    """
    for name, value in (("slots", slots), ("n_ctx_per_slot", n_ctx_per_slot), ("n_threads", n_threads)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    executable = Path(binary) if binary is not None else find_llama_server()
    if executable is None:
        raise FileNotFoundError(
            f"no llama-server binary: build one with {BUILD_SCRIPT}, or set ${LLAMA_SERVER_ENV} to its path"
        )
    gguf = Path(model_path) if model_path is not None else embedded_gguf_path()
    port = port if port is not None else free_loopback_port()
    command = [str(executable), "--model", str(gguf), "--alias", alias or gguf.stem]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-webui"]
    command += ["--parallel", str(slots), "--cont-batching", "--ctx-size", str(slots * n_ctx_per_slot)]
    command += ["--threads", str(n_threads), "--threads-batch", str(n_threads), *extra_args]
    origin = f"http://127.0.0.1:{port}"
    with serve_process(
        command, f"{origin}/health", name=f"llama-server for {gguf}", log_path=log_path,
        start_timeout_s=start_timeout_s, stop_grace_s=stop_grace_s,
    ):  # fmt: skip
        yield f"{origin}/v1"
