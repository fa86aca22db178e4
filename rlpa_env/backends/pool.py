"""``ReplicaPoolBackend``: one ``ChatBackend`` over several replicas of the same model.

Some servers answer one request at a time -- llama-cpp-python's ``python -m llama_cpp.server``
holds a global lock around its model -- so concurrent episodes only help when several replicas
serve them. The pool sends each request to the replica with the fewest requests in flight (the
first such replica on a tie), so a single caller always uses the first replica and N callers
spread over N replicas. The replicas must serve the same model with the same settings: the pool
reports the first replica's ``model_name``, and which replica answers a request must not matter.

It is safe to call from many threads; each replica keeps its own bound (``max_concurrency`` of an
``OpenAICompatibleBackend``). ``complete`` and ``complete_batch`` come from ``ChatBackendBase`` (the
options are checked once); a batch is spread over the replicas concurrently and the answers come
back in order.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from rlpa_env.backends.base import ChatBackend, ChatBackendBase, Messages


class ReplicaPoolBackend(ChatBackendBase):
    """Routes each request to the least busy of ``replicas`` (see the module docstring)."""

    def __init__(self, replicas: Sequence[ChatBackend]) -> None:
        if not replicas:
            raise ValueError("ReplicaPoolBackend needs at least one replica")
        names = {replica.model_name for replica in replicas}
        if len(names) > 1:
            raise ValueError(f"replicas must serve one model, got {sorted(names)}")
        self.replicas = tuple(replicas)
        self.model_name = self.replicas[0].model_name
        self._in_flight = [0] * len(self.replicas)
        self._lock = threading.Lock()

    def _complete_one(self, messages: Messages, max_tokens: int, temperature: float, seed: int | None) -> str:
        """Complete one conversation on the least busy replica."""
        with self._lock:
            index = min(range(len(self.replicas)), key=self._in_flight.__getitem__)
            self._in_flight[index] += 1
        try:
            return self.replicas[index].complete(messages, max_tokens=max_tokens, temperature=temperature, seed=seed)
        finally:
            with self._lock:
                self._in_flight[index] -= 1

    def _complete_batch(
        self, conversations: list[Messages], max_tokens: int, temperature: float, seed: int | None
    ) -> list[str]:
        """Spread the conversations over the replicas concurrently; one conversation goes straight to one."""
        if len(conversations) <= 1:
            return super()._complete_batch(conversations, max_tokens, temperature, seed)
        with ThreadPoolExecutor(max_workers=min(len(self.replicas), len(conversations))) as pool:
            futures = [
                pool.submit(self._complete_one, messages, max_tokens, temperature, seed) for messages in conversations
            ]
            return [future.result() for future in futures]

    def __repr__(self) -> str:
        return f"ReplicaPoolBackend({list(self.replicas)!r})"
