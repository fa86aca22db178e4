"""The language-model reading of a reply: do its words form coherent sentences?

Rules can count words, but only a language model can tell "What kind of music do you listen to?"
from "music of kind listen do you what to?". ``LanguageModelReader`` reads a reply's sentences
with a causal LM (by default the embedded SmolLM2-135M-Instruct through
``backends.scoring.TransformersScorer``: forward passes, no sampling) and returns the seat's frozen
``reading.ReaderVerdict``; it is the ``"language-model"`` reader of the env's ``reader`` role
(``language_model_reader`` builds it, one per process and settings). The rules it follows:

- **Units.** Sentences are read in order. A sentence of fewer than ``min_words`` words (default 4;
  too short for its reorderings to mean much) is joined to the sentences after it until the unit has
  ``min_words`` words; a short tail joins the unit before it. A reply with fewer than ``min_words``
  words in all ("Got it!") has one unit that is not judged and counts as coherent: too short to say.
  Joining means a salad cut into 3-word sentences is still read, as one unit.
- **Contrast.** A unit's fluency is the mean log-probability per token of its text. Its *contrast*
  is that minus the mean fluency of ``orders`` reorderings of its own words (whitespace-separated
  words keep their attached commas; the unit's final punctuation stays last, and the capital moves
  to whichever word comes first). A reply built of rare words has rare-word reorderings too, and
  common words cannot carry a sentence whose order is wrong, so vocabulary alone cannot pass.
- **Seeded orders.** The reorderings come from a generator seeded by a BLAKE2b hash of the unit's
  text, and each differs from the original order: a verdict is a pure function of the text, the same
  in every run and process, and safe to cache.
- **A fluency floor.** A contrast cannot see words that have no good order at all (stop words
  dropped, then shuffled): every reordering is as bad as the original. A coherent unit's fluency
  must also reach ``fluency_threshold``. The floor cannot be passed by vocabulary alone either,
  since common words in a bad order still fail the contrast. (A SLOR-style floor, fluency minus the
  model's context-free log-probability of the same tokens, separated salad less well on the test
  split and was left out.)
- **Swaps of neighbouring words.** Random orders are far from the original, so a *local* disorder
  (two neighbouring words swapped: "What kind of music you do listen to?") keeps most of the
  contrast. The reader also tries every swap of two neighbouring words (``adjacent_swaps``: not
  equal words, not two list items) and scores the pair and the words after it (``swap_window`` of
  them; by default all, so a question is read to its question mark), as written and swapped, after
  the words before the pair. A coherent unit's order is locally the
  best one: no swap may raise that span's log-probability by more than ``swap_threshold`` nats
  (``swap_gain`` is the largest rise). The span as written is read off the unit's own forward pass
  and the swapped one forks off its key-value cache (``backends.scoring``), so a swap costs the
  tokens of its span, not of the unit. Vocabulary cannot game it: both orders have the same words.
  ``swap_threshold=None`` tries no swaps (the v1 ids' reader).
- **Decision with a margin.** A unit's score is ``min(contrast - contrast_threshold, fluency -
  fluency_threshold, swap_threshold - swap_gain)`` (the first two in nats per token, the last in
  nats); the unit is coherent when the score is at least 0. Float
  results differ in the last bits between CPUs (Intel AMX and AMD AVX-512 kernels sum in different
  orders), so the verdict also says whether any score lies within ``margin`` of 0: a test can check
  that golden decisions are not so close that another machine could flip them.
- **The reply.** A reply is incoherent when at least one of its judged units is (``max_incoherent
  = 0``): one salad sentence hidden among good ones still fails. Allowing one bad unit let 26% of
  stop-word-free salad replies through, against 4% with none allowed.
- **Defaults**, chosen on ``RLPA-Test-v0`` replies (200 heuristic and 200 oracle replies of seeds
  0..19, 50 salad variants of each kind; ``tests/red_team.py`` plays the same attacks as agents
  against ``RLPA-Test-v2``): contrast 0.5 and floor -8.0 judge
  0.5% of heuristic and 2% of oracle replies incoherent (each one a real slip: interests that are
  not interests, attribute lists as hobbies), and 96% of stop-word-free salad and 100% of full
  salad. 4 orders per unit; the margin of 0.05 is thousands of times the ~1e-5 by which
  batching or another CPU moves a score. The swap test (threshold 5 nats, spans to the end of the
  unit), chosen on the replies of seeds 0..2 of ``RLPA-Test-v0`` (106 heuristic units, 100 oracle
  units): a swapped pair raised its span by 5 nats or more in 97% of the units of replies with one
  adjacent swap per sentence (median 16.9), while no heuristic unit rose by more than 3.5 (median
  -7.5) and one oracle unit did (8.1: "The sydney part caught my attention.", a city written in
  lower case). Spans of two words after the pair separated less well (heuristic units up to 5.5) and
  failed questions such as "Is anime part of your life at all?", whose swap reads as a statement
  until the question mark.
- **Speed.** Verdicts of units are cached in a bounded LRU keyed by the unit's text (templates
  repeat); ``read_many`` reads many replies at once and scores all their uncached units (each with
  its reorderings and swaps) in one batched call, so vector envs and group members share forward passes.

Import this module only where a model may run: it imports torch through the scorer when the
default scorer is built.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rlpa_env.backends.scoring import SequenceScorer, Span
from rlpa_env.reader_verdict import ReaderVerdict, UnitReading

_END_PUNCTUATION = re.compile(r"[.!?]+$")


def reading_units(sentences: Sequence[str], min_words: int) -> tuple[str, ...]:
    """Join sentences shorter than ``min_words`` words to the next ones (a short tail to the previous unit)."""
    units: list[str] = []
    pending: list[str] = []
    for sentence in sentences:
        pending.append(sentence)
        if sum(len(part.split()) for part in pending) >= min_words:
            units.append(" ".join(pending))
            pending = []
    if pending:
        if units:
            units[-1] = " ".join([units[-1], *pending])
        else:
            units.append(" ".join(pending))
    return tuple(units)


def _order_seed(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _decapitalised(word: str) -> str:
    """The word with its first letter lowered, unless it is "I" or a contraction of it, or an acronym."""
    if word == "I" or word.startswith(("I'", "I\u2019")) or word[1:2].isupper():
        return word
    return word[:1].lower() + word[1:]


def reorderings(text: str, count: int) -> tuple[str, ...]:
    """``count`` orders of the words of ``text``, each unlike the original, drawn from a seed hashed from ``text``.

    The final punctuation stays at the end and the first word of each order is capitalised. A text
    with one word (or with all words equal) has no other order: then the text itself is returned
    ``count`` times, so its contrast is 0.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    words, ending = _split_ending(text)
    if not words:
        raise ValueError(f"cannot reorder {text!r}: it has no words")
    words[0] = _decapitalised(words[0])
    if len(set(words)) < 2:
        return (text,) * count
    rng = np.random.default_rng(_order_seed(text))
    orders = []
    while len(orders) < count:
        order = [words[i] for i in rng.permutation(len(words))]
        if order != words:
            order[0] = order[0][:1].upper() + order[0][1:]
            orders.append(" ".join(order) + ending)
    return tuple(orders)


def _split_ending(text: str) -> tuple[list[str], str]:
    """The words of ``text`` (split at whitespace) without its final punctuation, and that punctuation."""
    end = _END_PUNCTUATION.search(text)
    ending = end.group(0) if end else ""
    return text[: len(text) - len(ending)].split(), ending


def adjacent_swaps(text: str, window: int | None = None) -> tuple[tuple[Span, Span], ...]:
    """Each swap of two neighbouring words of ``text``, as the span it changes: ``(as written, swapped)``.

    A span is the pair and the ``window`` words after it (``None``: every word to the end), with the
    final punctuation when it reaches the end, after the words before the pair. Swapping the first two
    words moves the capital to the new first word. Equal words (in any case) are not swapped, nor two
    list items (both ending in a comma: "keto, boxing," and "boxing, keto," say the same).
    """
    words, ending = _split_ending(text)
    swaps = []
    for i in range(len(words) - 1):
        first, second = words[i], words[i + 1]
        if first.lower() == second.lower() or (first.endswith(",") and second.endswith(",")):
            continue
        after = words[i + 2 :] if window is None else words[i + 2 : i + 2 + window]
        tail = ending if i + 2 + len(after) >= len(words) else ""
        prefix, space = " ".join(words[:i]), " " if i else ""
        pair = [second, first] if i else [second[:1].upper() + second[1:], _decapitalised(first)]
        swaps.append(
            (
                Span(prefix, space + " ".join([first, second, *after]) + tail),
                Span(prefix, space + " ".join([*pair, *after]) + tail),
            )
        )
    return tuple(swaps)


@dataclass(frozen=True)
class CoherenceSettings:
    """How a ``LanguageModelReader`` decides (see the module docstring).

    Args:
        orders: reorderings of each unit's words to contrast it with.
        contrast_threshold: the least contrast (nats/token) a coherent unit shows over its reorderings.
        fluency_threshold: the least mean token log-prob (nats/token) of a coherent unit.
        swap_threshold: the most (nats) that swapping two neighbouring words may raise the log-probability
            of the words around them in a coherent unit; ``None`` tries no swaps (the v1 ids' reader).
        swap_window: words after a swapped pair that its log-probability covers; ``None``: all of them, so a
            question is read to its question mark ("Is anime part of your life?" against "Anime is part ...").
        margin: scores closer than this to 0 are reported as near the threshold.
        min_words: units have at least this many words (shorter sentences are joined).
        max_incoherent: a reply with more incoherent units than this is incoherent.
    """

    orders: int = 4
    contrast_threshold: float = 0.5
    fluency_threshold: float = -8.0
    swap_threshold: float | None = 5.0
    swap_window: int | None = None
    margin: float = 0.05
    min_words: int = 4
    max_incoherent: int = 0

    def __post_init__(self) -> None:
        if self.orders < 1:
            raise ValueError(f"orders must be at least 1, got {self.orders}")
        if self.swap_window is not None and self.swap_window < 0:
            raise ValueError(f"swap_window must be >= 0, got {self.swap_window}")
        if self.margin < 0:
            raise ValueError(f"margin must be >= 0, got {self.margin}")
        if self.min_words < 2:
            raise ValueError(f"min_words must be at least 2 (a single word has no other order), got {self.min_words}")
        if self.max_incoherent < 0:
            raise ValueError(f"max_incoherent must be >= 0, got {self.max_incoherent}")


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values))


class LanguageModelReader:
    """Reads replies' sentences with a causal LM and says whether they are coherent (see the module docstring).

    Args:
        scorer: the language model; the embedded SmolLM2-135M-Instruct through ``TransformersScorer`` by default
            (built on first use).
        settings: the decision rule.
        cache_size: unit verdicts kept (least recently used are dropped first).
    """

    def __init__(
        self,
        scorer: SequenceScorer | None = None,
        *,
        settings: CoherenceSettings | None = None,
        cache_size: int = 65536,
    ) -> None:
        if cache_size < 0:
            raise ValueError(f"cache_size must be >= 0, got {cache_size}")
        self._scorer = scorer
        self.settings = settings if settings is not None else CoherenceSettings()
        self.cache_size = cache_size
        self._cache: OrderedDict[str, UnitReading] = OrderedDict()
        self.forward_texts = 0
        """Texts sent to the scorer so far (units and their reorderings): a cache hit adds none."""

    @property
    def scorer(self) -> SequenceScorer:
        """The scorer, building the default one on first use."""
        if self._scorer is None:
            from rlpa_env.backends.scoring import TransformersScorer

            self._scorer = TransformersScorer()
        return self._scorer

    def read(self, sentences: Sequence[str]) -> ReaderVerdict:
        """The verdict on one reply given as its sentences."""
        return self.read_many([sentences])[0]

    def read_many(self, replies: Sequence[Sequence[str]]) -> list[ReaderVerdict]:
        """Verdicts on many replies (each a sequence of sentences), their uncached units scored in one batch."""
        if isinstance(replies, str):
            raise TypeError("replies must be a sequence of replies, each a sequence of sentences, not a string")
        per_reply = [self._units(index, sentences) for index, sentences in enumerate(replies)]
        known = {unit: self._cached(unit) for units in per_reply for unit in units}
        missing = [unit for unit, reading in known.items() if reading is None]
        for unit, reading in zip(missing, self._score_units(missing), strict=True):
            known[unit] = reading
            self._store(unit, reading)
        return [self._verdict([known[unit] for unit in units]) for units in per_reply]  # type: ignore[misc]

    def _units(self, index: int, sentences: Sequence[str]) -> tuple[str, ...]:
        if isinstance(sentences, str):
            raise TypeError(f"reply {index} must be a sequence of sentences, not a string; use split_sentences")
        cleaned = [s.strip() for s in sentences if isinstance(s, str)]
        if len(cleaned) != len(sentences):
            raise TypeError(f"reply {index} has a sentence that is not a string")
        cleaned = [s for s in cleaned if s]
        if not cleaned:
            raise ValueError(f"reply {index} has no sentences; an empty reply cannot be read")
        return reading_units(cleaned, self.settings.min_words)

    def _cached(self, unit: str) -> UnitReading | None:
        reading = self._cache.get(unit)
        if reading is not None:
            self._cache.move_to_end(unit)
        return reading

    def _store(self, unit: str, reading: UnitReading) -> None:
        if self.cache_size == 0:
            return
        self._cache[unit] = reading
        self._cache.move_to_end(unit)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _score_units(self, units: list[str]) -> list[UnitReading]:
        """Score the units, their reorderings and swaps in one scorer call; units too short to judge are not scored."""
        judged = [u for u in units if len(u.split()) >= self.settings.min_words]
        k, threshold = self.settings.orders, self.settings.swap_threshold
        swaps = {u: adjacent_swaps(u, self.settings.swap_window) if threshold is not None else () for u in judged}
        spans = [
            span
            for unit in judged
            for span in (
                Span("", unit),
                *(Span("", order) for order in reorderings(unit, k)),
                *(span for pair in swaps[unit] for span in pair),
            )
        ]
        logprobs = iter(self.scorer.span_logprobs(spans) if spans else [])
        self.forward_texts += len(spans)
        scored = {}
        for unit in judged:
            fluencies = [_mean(next(logprobs)) for _ in range(k + 1)]
            gains = []
            for _ in swaps[unit]:
                written, swapped = next(logprobs), next(logprobs)
                gains.append(sum(swapped) - sum(written))
            scored[unit] = self._unit_reading(unit, fluencies[0], _mean(fluencies[1:]), max(gains, default=-math.inf))
        return [scored.get(u) or UnitReading(u, False, 0.0, 0.0, 0.0, 0.0, True) for u in units]

    def _unit_reading(self, unit: str, fluency: float, reordered: float, swap_gain: float) -> UnitReading:
        contrast = fluency - reordered
        distances = [contrast - self.settings.contrast_threshold, fluency - self.settings.fluency_threshold]
        if self.settings.swap_threshold is not None and swap_gain > -math.inf:
            distances.append(self.settings.swap_threshold - swap_gain)
        score = min(distances)
        return UnitReading(unit, True, fluency, reordered, contrast, score, score >= 0, swap_gain)

    def _verdict(self, readings: list[UnitReading]) -> ReaderVerdict:
        judged = [r for r in readings if r.judged]
        incoherent = sum(not r.coherent for r in judged)
        near = any(abs(r.score) < self.settings.margin for r in judged)
        lowest = min((r.score for r in judged), default=float("inf"))
        return ReaderVerdict(incoherent <= self.settings.max_incoherent, tuple(readings), near, lowest)


@functools.cache
def _shared_reader(settings: CoherenceSettings) -> LanguageModelReader:
    return LanguageModelReader(settings=settings)


def language_model_reader(scorer: SequenceScorer | None = None, **settings: Any) -> LanguageModelReader:
    """The ``"language-model"`` reader (``reader_kwargs`` are ``scorer`` and ``CoherenceSettings`` fields).

    On the default scorer the reader is one per process for each settings, so every env of a process
    (vector envs, group members, evaluation workers) shares its model and its cache: a verdict is a
    pure function of the text, so sharing changes no result. A given ``scorer`` gets a reader of its own.
    """
    chosen = CoherenceSettings(**settings)
    return _shared_reader(chosen) if scorer is None else LanguageModelReader(scorer, settings=chosen)
