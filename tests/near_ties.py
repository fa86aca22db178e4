"""``assert_same_greedy_choices``: greedy decodes from different batch shapes agree up to near ties.

A batched pass and a one-prompt pass multiply matrices of other shapes, so their logits may differ in
the last bits (how much depends on the CPU's kernels). Greedy decoding then picks the same tokens
except where two candidates are tied to within that noise. The guaranteed property is therefore:
the two token sequences are equal, or they first part at a step where the two chosen tokens were
equally likely to within ``tie_nats`` (the log-probabilities each pass gave its own choice).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rlpa_env.backends.transformers_backend import Generation

TIE_NATS = 1e-3
"""Far above fp32 noise on any CPU (about 1e-6 nats), far below a real preference between tokens."""


def assert_same_greedy_choices(
    expected: Sequence[Generation], actual: Sequence[Generation], *, tie_nats: float = TIE_NATS
) -> None:
    """Fail unless each pair of greedy generations is equal or first differs at a near tie."""
    assert len(expected) == len(actual)
    for index, (one, other) in enumerate(zip(expected, actual, strict=True)):
        if one.completion_ids == other.completion_ids:
            continue
        pairs = zip(one.completion_ids, other.completion_ids, strict=False)
        step = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
        assert step is not None, f"generation {index}: {one.text!r} and {other.text!r} stop at different lengths"
        gap = abs(one.logprobs[step] - other.logprobs[step])
        assert gap < tie_nats, (
            f"generation {index} parts at step {step} ({one.text!r} vs {other.text!r}) where the chosen tokens "
            f"differ by {gap:.2e} nats: a real difference, not float noise"
        )
