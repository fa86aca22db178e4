"""llama.cpp's C++ ``llama-server`` launcher (``rlpa_env.backends.native_server``).

The fast tests check how the binary is found and how bad arguments fail, without running anything.
The slow tests run the binary built by ``scripts/build-llama-server.sh`` (nothing here compiles it) and
are skipped when it is not built.
"""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import rlpa_env  # noqa: F401  (registers the ids)
from rlpa_env.backends import embedded_gguf_path, native_server
from rlpa_env.backends.native_server import LLAMA_SERVER_ENV, find_llama_server, native_llama_server


def test_find_llama_server_prefers_the_binary_named_by_the_environment(tmp_path, monkeypatch) -> None:
    binary = tmp_path / "llama-server"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv(LLAMA_SERVER_ENV, str(binary))
    assert find_llama_server() == binary


def test_find_llama_server_rejects_an_environment_path_that_is_not_executable(tmp_path, monkeypatch) -> None:
    not_executable = tmp_path / "llama-server"
    not_executable.write_text("plain text")
    monkeypatch.setenv(LLAMA_SERVER_ENV, str(not_executable))
    with pytest.raises(FileNotFoundError, match=r"RLPA_LLAMA_SERVER.*not an executable file"):
        find_llama_server()


def test_find_llama_server_returns_none_when_nothing_is_built(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(LLAMA_SERVER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(native_server, "CHECKOUT_BINARY", Path("no-such-dir") / "llama-server")
    assert find_llama_server() is None


def test_native_llama_server_without_a_binary_says_how_to_build_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(native_server, "find_llama_server", lambda: None)
    with pytest.raises(FileNotFoundError, match=r"scripts/build-llama-server\.sh"), native_llama_server():
        pytest.fail("no server should have started")


@pytest.mark.parametrize("option", ["slots", "n_ctx_per_slot", "n_threads"])
def test_native_llama_server_rejects_a_size_below_one(option: str) -> None:
    with pytest.raises(ValueError, match=f"{option} must be at least 1, got 0"), native_llama_server(**{option: 0}):
        pytest.fail("no server should have started")


# -- the real binary (slow) --------------------------------------------------------------------------


def _built_binary() -> Path | None:
    try:
        return find_llama_server()
    except FileNotFoundError:  # a bad $RLPA_LLAMA_SERVER fails the fast test above, not the collection
        return None


needs_binary = pytest.mark.skipif(
    _built_binary() is None,
    reason="llama-server is not built; run scripts/build-llama-server.sh (tests never compile it)",
)
QUESTIONS = [
    [{"role": "user", "content": "Name one fruit."}],
    [{"role": "user", "content": "Name one colour."}],
]


@pytest.mark.slow
@needs_binary
@pytest.mark.timeout(300)
def test_llama_server_serves_parallel_slots_to_concurrent_requests(tmp_path) -> None:
    from rlpa_env.backends.openai_backend import OpenAICompatibleBackend

    with native_llama_server(slots=2, n_ctx_per_slot=1024, log_path=tmp_path / "server.log") as url:
        with urllib.request.urlopen(url.removesuffix("/v1") + "/props", timeout=10) as response:
            assert json.load(response)["total_slots"] == 2
        backend = OpenAICompatibleBackend(url, embedded_gguf_path().stem, read_timeout=120.0, max_concurrency=2)
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda messages: backend.complete(messages, max_tokens=8), QUESTIONS))
    assert all(answer.strip() for answer in answers)


@pytest.mark.slow
@needs_binary
@pytest.mark.timeout(600)
def test_llm_user_and_judges_play_concurrent_episodes_on_one_llama_server(tmp_path) -> None:
    from rlpa_env.backends.config import llm_env_kwargs
    from rlpa_env.eval import evaluate

    with native_llama_server(slots=2, n_ctx_per_slot=4096, log_path=tmp_path / "server.log") as url:
        env_kwargs = llm_env_kwargs(url, embedded_gguf_path().stem, read_timeout=300.0)
        report = evaluate(
            "heuristic", env_id="RLPA-LLM-v0", episodes=2, seed=0, num_envs=2, max_concurrency=2, progress=False,
            max_turns=1, **env_kwargs,
        )  # fmt: skip
    assert report.failures == ()
    assert [len(episode.turns) for episode in report.episodes] == [1, 1]


def _python_binding_server(model_path: Path) -> Any:
    from rlpa_env.backends.llamacpp_backend import llama_server

    return llama_server(model_path, start_timeout_s=60.0)


def _native_server(model_path: Path) -> Any:
    return native_llama_server(model_path=model_path, start_timeout_s=60.0)


needs_llama_cpp = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama_cpp is not importable; install it with: pip install 'llama-cpp-python[server]'",
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("launch", "expected"),
    [
        pytest.param(
            _python_binding_server, r"(?s)broken\.gguf exited with code .*its log ends with", marks=needs_llama_cpp
        ),
        pytest.param(
            _native_server,
            r"(?s)llama-server for .*broken\.gguf exited with code .*its log ends with",
            marks=[pytest.mark.slow, needs_binary],
        ),
    ],
    ids=["llama-cpp-python", "llama-server"],
)
def test_llama_server_that_cannot_load_its_model_fails_with_its_log(
    tmp_path: Path, launch: Callable[[Path], Any], expected: str
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"this is not a GGUF file")
    with pytest.raises(RuntimeError, match=expected), launch(broken):
        pytest.fail("the server should not have started")
