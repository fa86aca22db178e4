"""Property-based robustness: whatever string an agent sends, ``step`` answers and never crashes."""

from __future__ import annotations

import gymnasium as gym
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rlpa_env  # noqa: F401
from rlpa_env.parsing import format_turn

binary_looking = st.binary(max_size=300).map(lambda raw: raw.decode("latin-1"))
turn_shaped = st.builds(
    format_turn,
    st.lists(st.text(max_size=80), max_size=12),
    st.text(min_size=1, max_size=400).filter(str.strip),
)
actions = st.one_of(
    st.text(max_size=600),
    st.just(""),
    binary_looking,
    turn_shaped,
    st.text(alphabet="<>/profilersn-\n ", max_size=200),
    st.integers(4097, 20_000).map(lambda n: "<profile>\n- a\n</profile><response>" + "z" * n + "</response>"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), turns=st.lists(actions, min_size=1, max_size=4))
def test_step_never_crashes_and_bad_turns_earn_zero_with_a_reason(seed: int, turns: list[str]) -> None:
    # A fresh env per example: no state (rapport, caches, RNG) leaks from one example into the next.
    env = gym.make("RLPA-v0", max_action_length=4096).unwrapped
    env.reset(seed=seed)
    for action in turns:
        observation, reward, terminated, truncated, info = env.step(action)
        assert isinstance(observation, str) and observation
        assert 0.0 <= reward <= 2.0
        if not info["format_ok"]:
            assert reward == 0.0 and isinstance(info["format_error"], str) and info["format_error"]
        if terminated or truncated:
            break
