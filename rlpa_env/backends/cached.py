"""``CachedBackend``: an on-disk cache in front of any ``ChatBackend``.

Completions are stored in a SQLite file keyed by the SHA-256 of a canonical JSON document holding
the wrapped backend's class name and ``model_name``, the messages, ``max_tokens``, ``temperature``
and ``seed``. Any change to one of these is a different key; the class name is part of the key so
that two backends running the same model (say transformers and llama.cpp, whose outputs differ) can
share a file without mixing answers. Settings the cache cannot see (stop strings, ``extra_body``)
are not part of the key: give differently configured backends different files.

``complete_batch`` looks every conversation up, sends only the misses to the wrapped backend in one
``complete_batch`` call, stores them and returns the answers in order. ``hits`` and ``misses``
count lookups.

Threads: one lock guards the SQLite connection and the counters, and is never held while the
wrapped backend works, so many threads can wait on a server at once through one cache. Two
threads that miss the same key at the same moment both ask the backend; the later answer is
stored. A cache file shared between processes works too (SQLite locks it; a writer waits up to
``timeout_s`` for another), but duplicate work is possible there.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from rlpa_env.backends.base import ChatBackend, ChatBackendBase, Messages


class CachedBackend(ChatBackendBase):
    """Wraps ``backend`` with a SQLite cache at ``path`` (created, with its folder, if missing)."""

    def __init__(self, backend: ChatBackend, path: str | Path, *, timeout_s: float = 30.0) -> None:
        self.backend = backend
        self.model_name = backend.model_name
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=timeout_s, check_same_thread=False)
        with self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS completions (key TEXT PRIMARY KEY, text TEXT NOT NULL)")

    def __repr__(self) -> str:
        # The file is where answers are kept, not what they are, so a report names only the backend.
        return f"CachedBackend({self.backend!r})"

    def key(self, messages: Messages, *, max_tokens: int, temperature: float, seed: int | None) -> str:
        """The cache key of one request (a hex SHA-256)."""
        document = {
            "backend": type(self.backend).__qualname__,
            "model": self.backend.model_name,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "max_tokens": max_tokens,
            "temperature": float(temperature),
            "seed": seed,
        }
        canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def _complete_batch(
        self, conversations: list[Messages], max_tokens: int, temperature: float, seed: int | None
    ) -> list[str]:
        """Answer from the cache where possible; the misses go to the wrapped backend in one batched call."""
        keys = [self.key(m, max_tokens=max_tokens, temperature=temperature, seed=seed) for m in conversations]
        with self._lock:
            found = self._lookup(keys)
            misses = sum(key not in found for key in keys)
            self.hits += len(keys) - misses
            self.misses += misses
        # Identical requests in one batch are computed once.
        first_index: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key not in found:
                first_index.setdefault(key, index)
        if first_index:
            texts = self.backend.complete_batch(
                [conversations[i] for i in first_index.values()],
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
            )
            fresh = dict(zip(first_index, texts, strict=True))
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO completions VALUES (?, ?)", fresh.items())
            found.update(fresh)
        return [found[key] for key in keys]

    def _lookup(self, keys: list[str]) -> dict[str, str]:
        unique = sorted(set(keys))
        found: dict[str, str] = {}
        # SQLite caps the number of bound parameters per statement, so look keys up in slices.
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, text FROM completions WHERE key IN ({marks})", chunk)
            found.update(rows.fetchall())
        return found

    def close(self) -> None:
        """Close the cache file."""
        with self._lock:
            self._db.close()
