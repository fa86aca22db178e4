"""Generation throughput of the chat backends on the embedded SmolLM2-135M-Instruct.

Prints generated tokens per second for:

- ``TransformersBackend`` at each ``--batch-sizes`` entry (left-padded batches), with the speed-up
  over batch size 1, which is sequential generation of the same prompts;
- ``LlamaCppBackend`` (in-process llama.cpp, one prompt at a time);
- ``OpenAICompatibleBackend`` against a ``llama_cpp.server`` subprocess on 127.0.0.1.

All runs are greedy with the same prompts and ``--max-new-tokens``. Transformers counts the exact
completion tokens; the llama.cpp runs return text only, so their completions are re-tokenised with
the same tokenizer (this can differ from the generated count by a token at the edges). Model loading
and one warm-up call are excluded from the timings. Example (about two minutes on 2 CPU cores)::

    python benchmarks/generation.py --prompts 8 --max-new-tokens 32 --torch-threads 1
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from collections.abc import Callable, Sequence

import torch

from rlpa_env.backends.base import ChatBackend, Messages
from rlpa_env.backends.openai_backend import OpenAICompatibleBackend
from rlpa_env.backends.transformers_backend import TransformersBackend

USER_MESSAGES = [
    "I just moved to a new city and don't know anyone yet. How do people usually make friends?",
    "Can you suggest a quick breakfast? I'm vegetarian and always in a rush.",
    "My dog keeps barking at night. What could be going on?",
    "What should I read next if I loved a long fantasy series?",
    "I'm training for my first half marathon. Any advice for the last two weeks?",
    "How do I keep basil alive on a windowsill?",
    "I teach math to teenagers. How can I make fractions less boring?",
    "Recommend a board game for four people who don't like long rules.",
]


def conversations(count: int) -> list[Messages]:
    """``count`` single-turn conversations, cycling through the built-in user messages."""
    return [[{"role": "user", "content": USER_MESSAGES[i % len(USER_MESSAGES)]}] for i in range(count)]


def timed(run: Callable[[], int]) -> tuple[float, int]:
    """(seconds, tokens) of one call of ``run``, which returns the number of tokens it generated."""
    start = time.perf_counter()
    tokens = run()
    return time.perf_counter() - start, tokens


def report(label: str, seconds: float, tokens: int, baseline_rate: float | None = None) -> float:
    rate = tokens / seconds
    ratio = f"  x{rate / baseline_rate:.2f} vs sequential transformers" if baseline_rate else ""
    print(f"{label:<38} {tokens:>6} tokens {seconds:>8.2f} s {rate:>9.1f} tokens/s{ratio}")
    return rate


def transformers_runs(prompts: list[Messages], batch_sizes: Sequence[int], max_new_tokens: int) -> float:
    """Benchmark TransformersBackend at each batch size; returns the sequential (batch size 1) rate."""
    backend = TransformersBackend()
    load_start = time.perf_counter()
    backend.complete(prompts[0], max_tokens=2)
    print(f"transformers: model load + warm-up {time.perf_counter() - load_start:.1f} s")
    baseline_rate = None
    for batch_size in batch_sizes:
        backend.max_batch_size = batch_size

        def run() -> int:
            generations = backend.generate_with_logprobs(prompts, max_tokens=max_new_tokens)
            return sum(len(generation.completion_ids) for generation in generations)

        seconds, tokens = timed(run)
        rate = report(f"transformers batch={batch_size}", seconds, tokens, baseline_rate)
        baseline_rate = baseline_rate or rate
    return baseline_rate or 0.0


def text_backend_run(
    label: str,
    backend: ChatBackend,
    prompts: list[Messages],
    max_new_tokens: int,
    count_tokens: Callable[[str], int],
    baseline_rate: float,
) -> None:
    """Time ``backend.complete_batch`` on the prompts after one warm-up call, counting re-tokenised output."""
    backend.complete_batch(prompts[:1], max_tokens=2)

    def run() -> int:
        return sum(count_tokens(text) for text in backend.complete_batch(prompts, max_tokens=max_new_tokens))

    seconds, tokens = timed(run)
    report(label, seconds, tokens, baseline_rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=8, help="number of conversations (default 8)")
    parser.add_argument("--max-new-tokens", type=int, default=32, help="tokens generated per prompt (default 32)")
    parser.add_argument("--batch-sizes", default="1,4,8", help="comma-separated transformers batch sizes")
    parser.add_argument("--skip-llamacpp", action="store_true", help="only benchmark transformers")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch intra-op threads; 1 is much faster than 2 when another process keeps a core busy",
    )
    args = parser.parse_args()
    if args.torch_threads is not None:
        torch.set_num_threads(args.torch_threads)
    prompts = conversations(args.prompts)
    batch_sizes = [int(size) for size in args.batch_sizes.split(",")]
    print(
        f"{args.prompts} prompts, greedy, max {args.max_new_tokens} new tokens each, "
        f"{torch.get_num_threads()} torch thread(s), {os.cpu_count()} CPUs"
    )
    baseline_rate = transformers_runs(prompts, batch_sizes, args.max_new_tokens)
    if args.skip_llamacpp or importlib.util.find_spec("llama_cpp") is None:
        print("llama.cpp runs skipped (--skip-llamacpp, or llama_cpp is not importable)")
        return
    from rlpa_env.backends.llamacpp_backend import LlamaCppBackend, llama_server

    tokenizer = TransformersBackend().tokenizer

    def count_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    in_process = LlamaCppBackend(n_ctx=2048)
    measure = {"prompts": prompts, "max_new_tokens": args.max_new_tokens, "count_tokens": count_tokens}
    text_backend_run("llama.cpp in-process (sequential)", in_process, baseline_rate=baseline_rate, **measure)
    with llama_server(n_ctx=4096) as base_url:
        server = OpenAICompatibleBackend(base_url, in_process.model_name, max_concurrency=1, read_timeout=300.0)
        text_backend_run("llama.cpp server (sequential requests)", server, baseline_rate=baseline_rate, **measure)


if __name__ == "__main__":
    main()
