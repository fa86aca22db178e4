"""Shared fixtures: ``llama_server``, a real llama.cpp OpenAI-compatible server on the embedded model."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a ``llama_cpp.server`` process serving the embedded SmolLM2 GGUF for the whole session.

    The server listens on a free port of 127.0.0.1 with a 4096-token context; startup waits at most
    300 s for ``/v1/models``, and teardown terminates it (killing it after a 10 s grace period).
    """
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama_cpp is not importable; install it with: pip install 'llama-cpp-python[server]'")
    from rlpa_env.backends.llamacpp_backend import llama_server as run_llama_server

    log_path = tmp_path_factory.mktemp("llama_server") / "server.log"
    with run_llama_server(n_ctx=4096, log_path=log_path, start_timeout_s=300.0, stop_grace_s=10.0) as base_url:
        yield base_url
