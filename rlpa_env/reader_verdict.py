"""What the ``reader`` role returns (``ReaderVerdict``, a ``UnitReading`` per unit) and its ``ReplyReader`` protocol.

These records sit below ``rlpa_env.reading`` (which builds the one ``ReplyReading`` per turn and
registers the readers by name) so that a reader module such as ``rlpa_env.language_model_reading``
can return them without importing the registry that names it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class UnitReading:
    """A reader's reading of one unit of a reply (a sentence, or short sentences joined).

    ``fluency`` is the unit's mean token log-probability (nats per token), ``reordered_fluency`` the
    mean over reorderings of its own words, ``contrast`` their difference; ``swap_gain`` is the most
    that swapping two neighbouring words raises the log-probability of the words around them (nats;
    negative when every swap lowers it; ``-inf`` when no swap was tried); ``score`` is the reader's
    distance from its threshold (at least 0: coherent). A unit that is not ``judged`` (too short to
    say) has zeros and counts as coherent.
    """

    text: str
    judged: bool
    fluency: float
    reordered_fluency: float
    contrast: float
    score: float
    coherent: bool
    swap_gain: float = -math.inf


@dataclass(frozen=True)
class ReaderVerdict:
    """What a ``ReplyReader`` says about a reply: does it read as coherent language?

    Attributes:
        coherent: The reply reads as coherent language.
        units: The reader's reading of each unit (empty for a reader that measures nothing).
        near_threshold: Some unit's score lies within the reader's margin of its threshold: a
            decision that float rounding on another CPU could flip.
        lowest_score: The smallest judged unit score (``inf`` when nothing was judged).
    """

    coherent: bool = True
    units: tuple[UnitReading, ...] = ()
    near_threshold: bool = False
    lowest_score: float = math.inf

    @property
    def incoherent_units(self) -> tuple[str, ...]:
        """The texts of the judged units the reader found incoherent."""
        return tuple(unit.text for unit in self.units if unit.judged and not unit.coherent)


@runtime_checkable
class ReplyReader(Protocol):
    """Judges whether a reply's sentences are coherent (the ``reader`` role)."""

    def read(self, sentences: tuple[str, ...]) -> ReaderVerdict:
        """The verdict on ``sentences`` (a reply split by ``reply_analysis.split_sentences``)."""
        ...


@runtime_checkable
class BatchReader(ReplyReader, Protocol):
    """A ``ReplyReader`` that can also read many replies in one batch (and remember the verdicts)."""

    def read_many(self, replies: Sequence[Sequence[str]]) -> list[ReaderVerdict]:
        """The verdicts on ``replies`` (each a sequence of sentences), in order."""
        ...
