"""The language-model reader: mechanics on a tiny random Llama, decisions on the embedded SmolLM2 (slow).

The tiny model (tests/tiny_lm.py) has random seeded weights: its scores are fixed but mean nothing,
so it checks batching, caching, seeding and errors; only the embedded model can say what is coherent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rlpa_env.language_model_reading import (
    CoherenceSettings,
    LanguageModelReader,
    adjacent_swaps,
    reading_units,
    reorderings,
)

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_lm import tiny_model, tiny_tokenizer  # noqa: E402

from rlpa_env.backends.embedded import embedded_gguf_path  # noqa: E402
from rlpa_env.backends.scoring import SequenceScorer, Span, TransformersScorer, assistant_header_ids  # noqa: E402
from rlpa_env.backends.transformers_backend import TransformersBackend  # noqa: E402
from rlpa_env.reply_analysis import split_sentences  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"
REPLY = ("Cooking at home can be really relaxing.", "Do you follow any particular diet?")
OTHER = ("Travel always gives people stories to tell.", "Where would you go next?")


@pytest.fixture(scope="module")
def tiny_scorer() -> TransformersScorer:
    tokenizer = tiny_tokenizer()
    return TransformersScorer(TransformersBackend(tiny_model(len(tokenizer)), tokenizer, name="tiny-llama"))


class CountingScorer:
    """Passes calls to a scorer and records the spans of each ``span_logprobs`` call."""

    def __init__(self, inner: SequenceScorer) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.calls: list[list[Span]] = []

    def span_logprobs(self, spans: Sequence[Span]) -> list[tuple[float, ...]]:
        self.calls.append(list(spans))
        return self.inner.span_logprobs(spans)


def test_scorer_gives_one_logprob_per_token_after_the_assistant_header(tiny_scorer: TransformersScorer) -> None:
    tokenizer = tiny_scorer.backend.tokenizer
    assert tokenizer.decode(assistant_header_ids(tokenizer)) == "<|im_start|>assistant\n"
    [logprobs] = tiny_scorer.token_logprobs(["hi there"])
    assert len(logprobs) == len("hi there")  # byte-level tokenizer without merges: one token per character
    assert all(value < 0 for value in logprobs)


def test_batched_scores_equal_one_text_at_a_time(tiny_scorer: TransformersScorer) -> None:
    texts = ["a", "Do you follow any particular diet?", "Cooking at home", "What else is new with you today, friend?"]
    batched = tiny_scorer.token_logprobs(texts)
    for text, together in zip(texts, batched, strict=True):
        [alone] = tiny_scorer.token_logprobs([text])
        assert len(alone) == len(together)
        assert max(abs(a - b) for a, b in zip(alone, together, strict=True)) < 1e-4


def test_scorer_rejects_blank_texts_and_a_bare_string(tiny_scorer: TransformersScorer) -> None:
    with pytest.raises(ValueError, match="span 1 has a blank text"):
        tiny_scorer.token_logprobs(["fine", "  "])
    with pytest.raises(TypeError, match="not the single string"):
        tiny_scorer.token_logprobs("fine")
    with pytest.raises(TypeError, match="span 0 must be a"):
        tiny_scorer.span_logprobs([("fine",)])  # type: ignore[list-item]


SPANS = (
    Span("", "Do you follow any particular diet at home?"),
    Span("Do you", " any follow particular"),  # forks off the sentence's cache after "Do you"
    Span("Do you follow", " particular any diet"),
    Span("", "Do you"),  # the sentence's first words: read off its pass
    Span("Do", " follow you any"),
    Span("Travel", " stories tell"),  # no text begins with its prefix: scored in full
)


def test_a_span_scores_as_its_tokens_do_in_the_whole_text(tiny_scorer: TransformersScorer) -> None:
    together = tiny_scorer.span_logprobs(SPANS)
    for span, logprobs in zip(SPANS, together, strict=True):
        [whole] = tiny_scorer.token_logprobs([span.prefix + span.text])
        prefix = len(tiny_scorer.token_logprobs([span.prefix])[0]) if span.prefix else 0
        assert len(logprobs) == len(whole) - prefix
        assert max(abs(a - b) for a, b in zip(logprobs, whole[prefix:], strict=True)) < 1e-4


def test_spans_share_forward_passes_through_a_cache(tiny_scorer: TransformersScorer) -> None:
    context = len(tiny_scorer.context_ids)
    tiny_scorer.forward_tokens = 0
    tiny_scorer.span_logprobs(SPANS)
    shared = tiny_scorer.forward_tokens
    tiny_scorer.forward_tokens = 0
    for span in SPANS:
        tiny_scorer.token_logprobs([span.prefix + span.text])
    # One character per token: the sentence in full; each fork its text and the token before it (22, 20 and 15
    # characters); "Do you" nothing; "Travel stories tell" in full.
    assert shared == (context + 42) + 23 + 21 + 16 + (context + 19)
    assert shared < tiny_scorer.forward_tokens


def test_swap_spans_run_to_the_end_of_the_text_by_default() -> None:
    assert adjacent_swaps("Is anime part of your life?")[0] == (
        Span("", "Is anime part of your life?"),
        Span("", "Anime is part of your life?"),
    )


def test_adjacent_swaps_keep_the_words_before_and_skip_equal_words_and_list_items() -> None:
    swaps = adjacent_swaps("With keto, boxing, and jazz it is busy.", 1)
    assert swaps[0] == (Span("", "With keto, boxing,"), Span("", "Keto, with boxing,"))
    assert swaps[1] == (Span("With keto,", " boxing, and jazz"), Span("With keto,", " and boxing, jazz"))
    written = [pair[0] for pair in swaps]
    assert Span("With", " keto, boxing, and") not in written  # two list items are not swapped
    assert swaps[-1] == (
        Span("With keto, boxing, and jazz it", " is busy."),
        Span("With keto, boxing, and jazz it", " busy is."),
    )
    assert adjacent_swaps("Very very good.", 1)[0][0].prefix == "Very"  # "Very very" is not swapped


def test_reorderings_are_seeded_by_the_text_and_differ_from_it() -> None:
    orders = reorderings("Do you follow any particular diet?", 3)
    assert orders == reorderings("Do you follow any particular diet?", 3)
    assert orders == (
        "Particular any you do follow diet?",
        "Do diet you follow any particular?",
        "Follow any diet do you particular?",
    )
    assert reorderings("Do you follow any particular diet!", 3) != orders  # another text, another seed


def test_reorderings_keep_i_capitalised_and_a_one_word_text_unchanged() -> None:
    for order in reorderings("I love jazz a lot.", 4):
        assert "I" in order.removesuffix(".").split() and order.endswith(".")
    assert reorderings("Hello!", 2) == ("Hello!", "Hello!")


def test_short_sentences_join_the_next_ones_and_a_short_tail_joins_the_last_unit() -> None:
    sentences = ("Got it.", "Cooking at home is relaxing.", "Nice!", "What do you cook?", "Cool.")
    assert reading_units(sentences, 4) == (
        "Got it. Cooking at home is relaxing.",
        "Nice! What do you cook? Cool.",
    )


def test_a_reply_too_short_to_reorder_is_not_judged_and_counts_as_coherent(tiny_scorer: TransformersScorer) -> None:
    reader = LanguageModelReader(CountingScorer(tiny_scorer))
    verdict = reader.read(["Got it!"])
    assert verdict.coherent and not verdict.units[0].judged
    assert verdict.lowest_score == float("inf")
    assert reader.forward_texts == 0


def test_many_replies_are_scored_in_one_call_with_k_orders_per_unit(tiny_scorer: TransformersScorer) -> None:
    counting = CountingScorer(tiny_scorer)
    reader = LanguageModelReader(counting, settings=CoherenceSettings(orders=3, swap_threshold=None))
    verdicts = reader.read_many([REPLY, OTHER, REPLY])
    assert len(counting.calls) == 1
    assert len(counting.calls[0]) == 4 * (1 + 3)  # 4 distinct units (REPLY twice is scored once), 3 orders each
    assert verdicts[0] == verdicts[2]


def test_batched_verdicts_equal_one_reply_at_a_time(tiny_scorer: TransformersScorer) -> None:
    together = LanguageModelReader(tiny_scorer).read_many([REPLY, OTHER])
    alone = [LanguageModelReader(tiny_scorer).read(reply) for reply in (REPLY, OTHER)]
    for a, b in zip(together, alone, strict=True):
        for unit_a, unit_b in zip(a.units, b.units, strict=True):
            assert unit_a.score == pytest.approx(unit_b.score, abs=1e-4)


def test_a_cache_hit_runs_no_forward_pass(tiny_scorer: TransformersScorer) -> None:
    counting = CountingScorer(tiny_scorer)
    reader = LanguageModelReader(counting)
    first = reader.read(REPLY)
    sent = reader.forward_texts
    assert reader.read(REPLY) == first
    assert reader.forward_texts == sent and len(counting.calls) == 1


def test_the_cache_is_bounded_and_drops_the_least_recently_used(tiny_scorer: TransformersScorer) -> None:
    counting = CountingScorer(tiny_scorer)
    reader = LanguageModelReader(counting, cache_size=1)
    reader.read(REPLY[:1])
    reader.read(OTHER[:1])  # evicts REPLY's sentence
    reader.read(OTHER[:1])
    reader.read(REPLY[:1])
    assert len(counting.calls) == 3


def test_the_verdict_carries_raw_scores_and_flags_a_decision_within_the_margin(
    tiny_scorer: TransformersScorer,
) -> None:
    [unit] = LanguageModelReader(tiny_scorer).read(["Do you follow any particular diet?"]).units
    assert unit.contrast == pytest.approx(unit.fluency - unit.reordered_fluency)
    assert unit.score == pytest.approx(min(unit.contrast - 0.5, unit.fluency + 8.0, 5.0 - unit.swap_gain))
    close = CoherenceSettings(
        contrast_threshold=unit.contrast - 0.01, fluency_threshold=-1e9, swap_threshold=None, margin=0.05
    )
    verdict = LanguageModelReader(tiny_scorer, settings=close).read(["Do you follow any particular diet?"])
    assert verdict.coherent and verdict.near_threshold
    assert verdict.lowest_score == pytest.approx(0.01, abs=1e-6)
    far = CoherenceSettings(
        contrast_threshold=unit.contrast + 1.0, fluency_threshold=-1e9, swap_threshold=None, margin=0.05
    )
    verdict = LanguageModelReader(tiny_scorer, settings=far).read(["Do you follow any particular diet?"])
    assert not verdict.coherent and not verdict.near_threshold
    assert verdict.incoherent_units == ("Do you follow any particular diet?",)


def test_a_swap_of_neighbouring_words_that_reads_better_makes_the_unit_incoherent(
    tiny_scorer: TransformersScorer,
) -> None:
    lenient = {"contrast_threshold": -1e9, "fluency_threshold": -1e9}
    [unit] = LanguageModelReader(tiny_scorer, settings=CoherenceSettings(**lenient)).read(REPLY[1:]).units
    swaps = adjacent_swaps(REPLY[1], CoherenceSettings.swap_window)
    scored = tiny_scorer.span_logprobs([span for pair in swaps for span in pair])
    gains = [sum(swapped) - sum(written) for written, swapped in zip(scored[::2], scored[1::2], strict=True)]
    assert unit.swap_gain == pytest.approx(max(gains), abs=1e-4)
    below = CoherenceSettings(**lenient, swap_threshold=unit.swap_gain - 0.1)
    assert not LanguageModelReader(tiny_scorer, settings=below).read(REPLY[1:]).coherent
    above = CoherenceSettings(**lenient, swap_threshold=unit.swap_gain + 0.1)
    assert LanguageModelReader(tiny_scorer, settings=above).read(REPLY[1:]).coherent
    off = CoherenceSettings(**lenient, swap_threshold=None)
    assert LanguageModelReader(tiny_scorer, settings=off).read(REPLY[1:]).units[0].swap_gain == float("-inf")


def test_max_incoherent_sets_how_many_bad_units_a_reply_may_have(tiny_scorer: TransformersScorer) -> None:
    units = LanguageModelReader(tiny_scorer).read(REPLY).units
    between = CoherenceSettings(
        contrast_threshold=sorted(u.contrast for u in units)[1] - 1e-3, fluency_threshold=-1e9, swap_threshold=None
    )
    assert not LanguageModelReader(tiny_scorer, settings=between).read(REPLY).coherent
    lenient = CoherenceSettings(**{**between.__dict__, "max_incoherent": 1})
    assert LanguageModelReader(tiny_scorer, settings=lenient).read(REPLY).coherent


@pytest.mark.parametrize(
    ("replies", "error", "message"),
    [
        ([[]], ValueError, "reply 0 has no sentences"),
        ([["ok."], ["  "]], ValueError, "reply 1 has no sentences"),
        (["Cooking is fun."], TypeError, "reply 0 must be a sequence of sentences"),
        ("Cooking is fun.", TypeError, "not a string"),
        ([["fine", 3]], TypeError, "reply 0 has a sentence that is not a string"),
    ],
)
def test_bad_replies_get_a_clear_error(
    tiny_scorer: TransformersScorer, replies: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        LanguageModelReader(tiny_scorer).read_many(replies)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"orders": 0}, "orders must be at least 1"),
        ({"margin": -0.1}, "margin must be >= 0"),
        ({"min_words": 1}, "min_words must be at least 2"),
        ({"max_incoherent": -1}, "max_incoherent must be >= 0"),
        ({"swap_window": -1}, "swap_window must be >= 0"),
    ],
)
def test_bad_settings_get_a_clear_error(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CoherenceSettings(**settings)


def test_a_negative_cache_size_is_refused(tiny_scorer: TransformersScorer) -> None:
    with pytest.raises(ValueError, match="cache_size must be >= 0"):
        LanguageModelReader(tiny_scorer, cache_size=-1)


REAL_REPLIES = (
    ("Cooking at home can be really relaxing.", "Do you follow any particular diet?"),
    ("Good to know about the punk, that paints a picture.", "What kind of music do you listen to?"),
    ("Travel always gives people stories to tell.", "Where would you go on your next vacation?"),
)
SALAD_REPLIES = (
    ("Good soul relaxing know paints.", "Home diet cooking particular follow picture?"),
    ("Listen music kind do what of you to punk.", "Picture that paints know good about?"),
    ("Vacation stories next people tell always.", "Travel gives go would where your on?"),
)

SWAPPED_REPLIES = (  # REAL_REPLIES with two neighbouring words swapped in one sentence
    ("Cooking at home can be really relaxing.", "Do you any follow particular diet?"),
    ("Good to know about the punk, that paints a picture.", "What kind of music you do listen to?"),
    ("Travel always gives stories people to tell.", "Where would you go on your next vacation?"),
)


@pytest.fixture(scope="module")
def embedded_reader() -> LanguageModelReader:
    try:
        embedded_gguf_path()
    except FileNotFoundError as missing:
        pytest.skip(str(missing))
    return LanguageModelReader()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_embedded_model_passes_real_replies_and_fails_salad_beyond_the_margin(
    embedded_reader: LanguageModelReader,
) -> None:
    real = embedded_reader.read_many(REAL_REPLIES)
    salad = embedded_reader.read_many(SALAD_REPLIES)
    assert [v.coherent for v in real] == [True, True, True]
    assert [v.coherent for v in salad] == [False, False, False]
    assert not any(v.near_threshold for v in real + salad)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_embedded_model_fails_one_swap_of_neighbouring_words_and_v1_does_not(
    embedded_reader: LanguageModelReader,
) -> None:
    swapped = embedded_reader.read_many(SWAPPED_REPLIES)
    assert [v.coherent for v in swapped] == [False, False, False]
    assert all(v.lowest_score < -CoherenceSettings.margin for v in swapped)
    v1_reader = LanguageModelReader(embedded_reader.scorer, settings=CoherenceSettings(swap_threshold=None))
    assert [v.coherent for v in v1_reader.read_many(SWAPPED_REPLIES)] == [True, True, True]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_no_golden_reply_is_decided_within_the_margin(embedded_reader: LanguageModelReader) -> None:
    replies = [
        split_sentences(message["content"])
        for path in sorted(GOLDEN.glob("*.json"))
        for message in json.loads(path.read_text(encoding="utf-8"))["messages"]
        if message["role"] == "assistant"
    ]
    verdicts = embedded_reader.read_many(replies)
    near = [" ".join(r) for r, v in zip(replies, verdicts, strict=True) if v.near_threshold]
    assert len(replies) > 30 and near == []
