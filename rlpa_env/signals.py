"""Deprecated alias of ``rlpa_env.reply_analysis`` (kept for one release)."""

from __future__ import annotations

import warnings

from rlpa_env.reply_analysis import (
    COPY_THRESHOLD,
    ECHO_THRESHOLD,
    LECTURE_LIST_LINES,
    ReplySignals,
    analyze_reply,
)
from rlpa_env.vocabulary import HOLLOW_WORDS

warnings.warn(
    "rlpa_env.signals is deprecated; import from rlpa_env.reply_analysis (and rlpa_env.vocabulary for HOLLOW_WORDS)",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["COPY_THRESHOLD", "ECHO_THRESHOLD", "HOLLOW_WORDS", "LECTURE_LIST_LINES", "ReplySignals", "analyze_reply"]
