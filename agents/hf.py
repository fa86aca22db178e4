"""``TransformersAgent``: a local causal LM (through ``TransformersBackend``) as the policy.

It prompts with the turn-format system prompt and the conversation, and seeds each turn from
``reset(seed)`` and the turn number, like ``agents.openai_chat.ChatAgent``. Unlike it:

- **The policy keeps its own history.** The env's transcript holds only the ``<response>`` part of
  the policy's turns; this agent keeps a ``PolicyHistory`` per conversation with its *full* turns
  (profile block included) as token ids. The prompt of turn t+1 is the prompt of turn t, then the
  tokens the policy sampled, then the chat template's tokens for the user's reply and the next
  assistant header -- it extends the previous prompt token for token, as multi-turn policy-gradient
  training needs. A history starts afresh on ``reset`` and whenever ``info["turn"]`` is 0.
- ``act_batch(observations, infos)`` writes one turn for each of several environments in a single
  left-padded batch (one history per position in the batch); the batch shares one seed (that of the
  first environment's turn).
- ``act_with_trace(observation, info)`` returns a ``Trace`` with the prompt token ids, the completion
  token ids and each completion token's log-probability under the sampling distribution.
- ``last_token_count`` is the number of completion tokens of the last ``act`` (summed over the batch
  for ``act_batch``).

With no backend it runs the embedded SmolLM2-135M-Instruct; weights load on the first turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agents.openai_chat import ChatAgent
from rlpa_env import prompts

if TYPE_CHECKING:
    from rlpa_env.backends.transformers_backend import Generation, TransformersBackend


@dataclass(frozen=True)
class Trace:
    """One turn with what a trainer needs: the chat prompt, its token ids, the completion and its log-probs."""

    text: str
    messages: tuple[Mapping[str, str], ...]
    prompt_ids: tuple[int, ...]
    completion_ids: tuple[int, ...]
    logprobs: tuple[float, ...]
    seed: int | None


@dataclass
class PolicyHistory:
    """One conversation as the policy sees it: chat messages with its full turns, and the same as token ids.

    ``token_ids`` is everything the model has read or written so far; ``policy_mask[i]`` is True where the
    policy sampled ``token_ids[i]`` and ``logprobs[i]`` is that token's sampling log-probability (0.0 for
    tokens the policy did not write). ``turn_spans`` holds the ``(start, end)`` of each completion.
    """

    messages: list[dict[str, str]] = field(default_factory=list)
    token_ids: list[int] = field(default_factory=list)
    policy_mask: list[bool] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    turn_spans: list[tuple[int, int]] = field(default_factory=list)

    def copy(self) -> PolicyHistory:
        """An independent copy (a branch of the conversation)."""
        return PolicyHistory(
            [dict(m) for m in self.messages],
            list(self.token_ids),
            list(self.policy_mask),
            list(self.logprobs),
            list(self.turn_spans),
        )

    def add_context(self, token_ids: Sequence[int]) -> None:
        """Append tokens the policy read but did not write (template markup, the user's message)."""
        self.token_ids.extend(token_ids)
        self.policy_mask.extend([False] * len(token_ids))
        self.logprobs.extend([0.0] * len(token_ids))

    def add_completion(self, text: str, token_ids: Sequence[int], logprobs: Sequence[float]) -> None:
        """Append the policy's sampled turn: its text as an assistant message and its tokens with log-probs."""
        if len(token_ids) != len(logprobs):
            raise ValueError(f"got {len(token_ids)} completion tokens but {len(logprobs)} log-probabilities")
        start = len(self.token_ids)
        self.messages.append({"role": "assistant", "content": text})
        self.token_ids.extend(token_ids)
        self.policy_mask.extend([True] * len(token_ids))
        self.logprobs.extend(logprobs)
        self.turn_spans.append((start, len(self.token_ids)))


_SENTINEL = "\u2063RLPA-TURN-CONTENT\u2063"


def continuation_ids(
    tokenizer: Any, history: PolicyHistory, user_message: str, eos_ids: frozenset[int] = frozenset()
) -> list[int]:
    """The tokens that follow the policy's last completion: the rest of its turn's markup, the user's message
    and the next assistant header, as the chat template renders them.

    The conversation is rendered with a sentinel in place of the last assistant turn's content; the text after
    the sentinel is the continuation. When the completion ended with an end-of-sequence token (one of
    ``eos_ids``) whose text opens the continuation (``<|im_end|>`` in ChatML), that text is not repeated.
    """
    if not history.messages or history.messages[-1]["role"] != "assistant" or not history.turn_spans:
        raise ValueError("continuation_ids needs a history that ends with the policy's turn")
    messages = [*history.messages[:-1], {"role": "assistant", "content": _SENTINEL}]
    rendered = tokenizer.apply_chat_template(
        [*messages, {"role": "user", "content": user_message}], tokenize=False, add_generation_prompt=True
    )
    if rendered.count(_SENTINEL) != 1:
        raise ValueError(
            "the chat template does not show the assistant's last turn verbatim, so prompts cannot extend "
            "token for token; use a template that keeps every assistant turn in the conversation"
        )
    tail = rendered.split(_SENTINEL, 1)[1]
    start, end = history.turn_spans[-1]
    if end > start and history.token_ids[end - 1] in eos_ids:
        eos_text = tokenizer.decode([history.token_ids[end - 1]], skip_special_tokens=False)
        if tail.startswith(eos_text):
            tail = tail[len(eos_text) :]
    return list(tokenizer(tail, add_special_tokens=False)["input_ids"])


class TransformersAgent(ChatAgent):
    """An ``Agent`` backed by a local causal LM (see the module docstring).

    Args:
        backend: A ``TransformersBackend`` (or anything with its ``generate_from_ids``, ``prompt_ids``,
            ``eos_ids`` and ``tokenizer``); ``None`` builds one on ``model_path`` or the embedded model.
        model_path: A local checkpoint directory (e.g. one saved by ``agents.train``), used without ``backend``.
        max_tokens: Token limit for one turn.
        temperature: Sampling temperature; 0 is greedy.
        system_prompt: Replaces the default prompt that teaches the turn format.
    """

    def __init__(
        self,
        backend: TransformersBackend | None = None,
        *,
        max_tokens: int = 192,
        temperature: float = 0.7,
        system_prompt: str = prompts.AGENT_SYSTEM,
        model_path: str | None = None,
    ) -> None:
        if backend is not None and model_path is not None:
            raise ValueError("pass either a backend or a model_path, not both")
        if backend is None:
            from rlpa_env.backends.transformers_backend import TransformersBackend

            backend = TransformersBackend(model_path=model_path)
        if not callable(getattr(backend, "generate_from_ids", None)):
            raise TypeError(
                f"TransformersAgent needs a backend with generate_from_ids (a TransformersBackend), "
                f"got {type(backend).__name__}; use agents.openai_chat.ChatAgent for other backends"
            )
        super().__init__(backend, max_tokens=max_tokens, temperature=temperature, system_prompt=system_prompt)
        self.histories: list[PolicyHistory | None] = []

    def reset(self, seed: int | None = None) -> None:
        """Start an episode: forget every conversation; ``seed`` fixes the seed of every turn's completion."""
        super().reset(seed)
        self.histories = []

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The next turn for the latest user message ``observation`` and the env's ``info``."""
        return self.act_with_trace(observation, info).text

    def act_with_trace(self, observation: str, info: Mapping[str, Any]) -> Trace:
        """The next turn with its prompt and completion token ids and per-token log-probabilities."""
        return self._traces([observation], [info])[0]

    def act_batch(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """One turn per environment, generated as one batch; result ``i`` answers ``observations[i]``."""
        return [trace.text for trace in self._traces(observations, infos)]

    def start_history(self, observation: str) -> PolicyHistory:
        """A fresh conversation: the system prompt and the user's opening, tokenized by the chat template."""
        history = PolicyHistory(messages=[{"role": "system", "content": self.system_prompt}])
        history.messages.append({"role": "user", "content": observation})
        history.add_context(self.backend.prompt_ids(history.messages))
        return history

    def extend_history(self, history: PolicyHistory, observation: str) -> None:
        """Append the user's reply and the next assistant header to a history that ends with the policy's turn."""
        history.add_context(continuation_ids(self.backend.tokenizer, history, observation, self.backend.eos_ids()))
        history.messages.append({"role": "user", "content": observation})

    def generate(self, histories: Sequence[PolicyHistory], seed: int | None) -> list[Generation]:
        """Sample one completion for each history (all ending with an assistant header) and append it."""
        generations = self.backend.generate_from_ids(
            [h.token_ids for h in histories], max_tokens=self.max_tokens, temperature=self.temperature, seed=seed
        )
        for history, generation in zip(histories, generations, strict=True):
            history.add_completion(generation.text, generation.completion_ids, generation.logprobs)
        self.last_token_count = sum(len(g.completion_ids) for g in generations)
        return generations

    def _history_for(self, index: int, observation: str, info: Mapping[str, Any]) -> PolicyHistory:
        while len(self.histories) <= index:
            self.histories.append(None)
        history = self.histories[index]
        if history is None or int(info.get("turn", 1)) == 0 or not history.turn_spans:
            history = self.start_history(observation)
        else:
            self.extend_history(history, observation)
        self.histories[index] = history
        return history

    def _traces(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[Trace]:
        if len(observations) != len(infos):
            raise ValueError(f"got {len(observations)} observations but {len(infos)} infos; pass one info per env")
        if not observations:
            return []
        seed = self._next_seed(infos[0])
        histories = [self._history_for(i, o, info) for i, (o, info) in enumerate(zip(observations, infos, strict=True))]
        prompts_before = [(tuple(h.token_ids), tuple(dict(m) for m in h.messages)) for h in histories]
        generations = self.generate(histories, seed)
        return [
            Trace(
                text=g.text,
                messages=messages,
                prompt_ids=prompt_ids,
                completion_ids=tuple(g.completion_ids),
                logprobs=tuple(g.logprobs),
                seed=seed,
            )
            for g, (prompt_ids, messages) in zip(generations, prompts_before, strict=True)
        ]
