"""``UnicodeText``: a Gymnasium space holding any Unicode string up to a length bound.

Gymnasium's ``Text`` space only contains strings over a fixed character set, which rejects the
emoji, accents and CJK text that language models write. This space accepts every ``str``. It also
registers shared-memory handlers (a length then UTF-32 code points per string) so
``AsyncVectorEnv`` works with its default ``shared_memory=True``.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Sequence as CollectionsSequence
from multiprocessing.sharedctypes import SynchronizedArray
from types import ModuleType
from typing import Any

import numpy as np
from gymnasium.spaces import Space
from gymnasium.vector.utils import create_shared_memory, read_from_shared_memory, write_to_shared_memory

_SAMPLE_ALPHABET = np.array(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?'-\néüñçß中文😀"), dtype=object
)


class UnicodeText(Space[str]):
    """Any ``str`` with ``min_length <= len(s) <= max_length`` characters."""

    def __init__(self, max_length: int, min_length: int = 0, seed: int | np.random.Generator | None = None) -> None:
        if not 0 <= min_length <= max_length:
            raise ValueError(f"need 0 <= min_length <= max_length, got {min_length} and {max_length}")
        self.min_length = min_length
        self.max_length = max_length
        super().__init__(shape=None, dtype=str, seed=seed)

    @property
    def is_np_flattenable(self) -> bool:
        """Strings have no fixed-size numeric form."""
        return False

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        """A random string over a mixed-script alphabet, of uniformly drawn length."""
        if mask is not None or probability is not None:
            raise NotImplementedError("UnicodeText.sample does not support masks")
        length = int(self.np_random.integers(self.min_length, min(self.max_length, 256) + 1))
        return "".join(self.np_random.choice(_SAMPLE_ALPHABET, size=length))

    def contains(self, x: Any) -> bool:
        """True for a ``str`` whose length is within the bounds."""
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UnicodeText)
            and self.min_length == other.min_length
            and self.max_length == other.max_length
        )

    def to_jsonable(self, sample_n: Any) -> list[str]:
        """Strings are already JSON values."""
        return list(sample_n)

    def from_jsonable(self, sample_n: list[str]) -> list[str]:
        """Strings are already JSON values."""
        return list(sample_n)


class SharedStrings(CollectionsSequence[str]):
    """A live, read-only view of the strings an ``AsyncVectorEnv`` keeps in shared memory.

    Gymnasium reads shared memory once and relies on numpy views staying current; strings have no
    such view, so this sequence decodes row ``i`` on every access. ``copy.deepcopy`` (what the vector
    env returns when ``copy=True``) yields a plain tuple of the current strings.
    """

    def __init__(self, rows: np.ndarray) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        row = self._rows[index]
        return row[1 : 1 + row[0]].astype("<u4").tobytes().decode("utf-32-le")

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[str, ...]:
        return tuple(self)


def _rows(space: UnicodeText, shared_memory: SynchronizedArray) -> np.ndarray:
    return np.frombuffer(shared_memory.get_obj(), dtype=np.int32).reshape((-1, space.max_length + 1))


@create_shared_memory.register(UnicodeText)
def _create_shared_strings(space: UnicodeText, n: int = 1, ctx: ModuleType = mp) -> SynchronizedArray:
    return ctx.Array(np.dtype(np.int32).char, n * (space.max_length + 1))


@read_from_shared_memory.register(UnicodeText)
def _read_shared_strings(space: UnicodeText, shared_memory: SynchronizedArray, n: int = 1) -> SharedStrings:
    return SharedStrings(_rows(space, shared_memory)[:n])


@write_to_shared_memory.register(UnicodeText)
def _write_shared_string(space: UnicodeText, index: int, value: str, shared_memory: SynchronizedArray) -> None:
    if not space.contains(value):
        raise ValueError(f"cannot share {type(value).__name__} of length {len(value)}: not in {space}")
    code_points = np.frombuffer(value.encode("utf-32-le"), dtype="<u4").astype(np.int32)
    row = _rows(space, shared_memory)[index]
    row[0] = len(code_points)
    row[1 : 1 + len(code_points)] = code_points
