"""Agents that write their turns with a chat model: ``ChatAgent`` (any ``ChatBackend``) and ``OpenAIChatAgent``.

- **Prompt.** A system prompt that teaches the ``<profile>``/``<response>`` turn format
  (``rlpa_env.prompts.AGENT_SYSTEM`` unless replaced), then the public transcript
  ``info["messages"]`` as chat messages (the agent's earlier replies in the ``assistant`` role). When
  ``info`` has no transcript, the observation alone is the user message.
- **Output.** The model's text is returned as the action unchanged: a turn that breaks the format
  is the model's own failure, which the environment scores 0 and reports.
- **Seeds.** ``reset(seed)`` fixes the episode seed; the turn ``info["turn"]`` (or a count of
  ``act`` calls) is mixed in with ``numpy.random.SeedSequence``, so each turn gets its own seed and
  a rerun sends the same ones. Without a seed, calls are unseeded.
- ``OpenAIChatAgent(base_url, model)`` benchmarks any model behind an OpenAI-compatible server
  (vLLM, llama.cpp, Ollama, OpenAI). ``last_token_count`` is ``None``: the ``ChatBackend`` protocol
  returns text only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rlpa_env import prompts
from rlpa_env.backends.base import ChatBackend, check_generation_options, turn_seed


def agent_messages(observation: str, info: Mapping[str, Any], system_prompt: str) -> list[dict[str, str]]:
    """The chat the policy model completes: the system prompt, then the transcript ending with ``observation``."""
    transcript = [{"role": m["role"], "content": m["content"]} for m in info.get("messages", ())]
    if not transcript or transcript[-1] != {"role": "user", "content": observation}:
        transcript.append({"role": "user", "content": observation})
    return [{"role": "system", "content": system_prompt}, *transcript]


class ChatAgent:
    """An ``Agent`` whose turns a ``ChatBackend`` writes (see the module docstring).

    Args:
        backend: Any ``ChatBackend``.
        max_tokens: Token limit for one turn.
        temperature: Sampling temperature; 0 is greedy.
        system_prompt: Replaces the default prompt that teaches the turn format.
    """

    def __init__(
        self,
        backend: ChatBackend,
        *,
        max_tokens: int = 192,
        temperature: float = 0.7,
        system_prompt: str = prompts.AGENT_SYSTEM,
    ) -> None:
        check_generation_options(max_tokens, temperature)
        self.backend = backend
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.system_prompt = system_prompt
        self.last_token_count: int | None = None
        self._episode_seed: int | None = None
        self._acts = 0

    def reset(self, seed: int | None = None) -> None:
        """Start an episode; ``seed`` fixes the seed of every turn's completion."""
        self._episode_seed = seed
        self._acts = 0

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The next turn for the latest user message ``observation`` and the env's ``info``."""
        seed = self._next_seed(info)
        messages = agent_messages(observation, info, self.system_prompt)
        return self.backend.complete(messages, max_tokens=self.max_tokens, temperature=self.temperature, seed=seed)

    def _next_seed(self, info: Mapping[str, Any]) -> int | None:
        turn = int(info.get("turn", self._acts))
        self._acts += 1
        return turn_seed(self._episode_seed, turn)


class OpenAIChatAgent(ChatAgent):
    """A ``ChatAgent`` on a model behind an OpenAI-compatible server, for benchmarking third-party models.

    Args:
        base_url: The API root, e.g. ``http://127.0.0.1:8080/v1``.
        model: The model name the server serves.
        max_tokens: Token limit for one turn.
        temperature: Sampling temperature; 0 is greedy.
        system_prompt: Replaces the default prompt that teaches the turn format.
        backend_kwargs: Further ``OpenAICompatibleBackend`` arguments: ``api_key`` (the bearer token;
            defaults to ``$OPENAI_API_KEY``), timeouts, retries, ``extra_body``.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        max_tokens: int = 192,
        temperature: float = 0.7,
        system_prompt: str = prompts.AGENT_SYSTEM,
        **backend_kwargs: Any,
    ) -> None:
        from rlpa_env.backends.openai_backend import OpenAICompatibleBackend

        backend = OpenAICompatibleBackend(base_url, model, **backend_kwargs)
        super().__init__(backend, max_tokens=max_tokens, temperature=temperature, system_prompt=system_prompt)
