"""``TransformersAgent``: a local causal LM (through ``TransformersBackend``) as the policy.

It builds the same prompt as ``agents.openai_chat.ChatAgent`` (the turn-format system prompt and
the transcript) and seeds each turn from ``reset(seed)`` and the turn number. On top of that:

- ``act_batch(observations, infos)`` writes one turn for each of several environments in a single
  left-padded batch; the batch shares one seed (that of the first environment's turn).
- ``act_with_trace(observation, info)`` returns a ``Trace`` with the prompt token ids, the completion
  token ids and each completion token's log-probability under the sampling distribution, which a
  policy-gradient trainer needs.
- ``last_token_count`` is the number of completion tokens of the last ``act`` (summed over the batch
  for ``act_batch``).

With no backend it runs the embedded SmolLM2-135M-Instruct; weights load on the first turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agents.openai_chat import ChatAgent, agent_messages
from rlpa_env import prompts

if TYPE_CHECKING:
    from rlpa_env.backends.transformers_backend import TransformersBackend


@dataclass(frozen=True)
class Trace:
    """One turn with what a trainer needs: the chat prompt, its token ids, the completion and its log-probs."""

    text: str
    messages: tuple[Mapping[str, str], ...]
    prompt_ids: tuple[int, ...]
    completion_ids: tuple[int, ...]
    logprobs: tuple[float, ...]
    seed: int | None


class TransformersAgent(ChatAgent):
    """An ``Agent`` backed by a local causal LM (see the module docstring).

    Args:
        backend: A ``TransformersBackend`` (or anything with its ``generate_with_logprobs``); ``None``
            builds one on the embedded model.
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
    ) -> None:
        if backend is None:
            from rlpa_env.backends.transformers_backend import TransformersBackend

            backend = TransformersBackend()
        if not callable(getattr(backend, "generate_with_logprobs", None)):
            raise TypeError(
                f"TransformersAgent needs a backend with generate_with_logprobs (a TransformersBackend), "
                f"got {type(backend).__name__}; use agents.openai_chat.ChatAgent for other backends"
            )
        super().__init__(backend, max_tokens=max_tokens, temperature=temperature, system_prompt=system_prompt)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The next turn for the latest user message ``observation`` and the env's ``info``."""
        return self.act_with_trace(observation, info).text

    def act_with_trace(self, observation: str, info: Mapping[str, Any]) -> Trace:
        """The next turn with its prompt and completion token ids and per-token log-probabilities."""
        return self._traces([observation], [info])[0]

    def act_batch(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """One turn per environment, generated as one batch; result ``i`` answers ``observations[i]``."""
        return [trace.text for trace in self._traces(observations, infos)]

    def _traces(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[Trace]:
        if len(observations) != len(infos):
            raise ValueError(f"got {len(observations)} observations but {len(infos)} infos; pass one info per env")
        if not observations:
            return []
        seed = self._next_seed(infos[0])
        conversations = [agent_messages(o, i, self.system_prompt) for o, i in zip(observations, infos, strict=True)]
        generations = self.backend.generate_with_logprobs(
            conversations, max_tokens=self.max_tokens, temperature=self.temperature, seed=seed
        )
        self.last_token_count = sum(len(g.completion_ids) for g in generations)
        return [
            Trace(
                text=g.text,
                messages=tuple(messages),
                prompt_ids=tuple(g.prompt_ids),
                completion_ids=tuple(g.completion_ids),
                logprobs=tuple(g.logprobs),
                seed=seed,
            )
            for g, messages in zip(generations, conversations, strict=True)
        ]
