"""Chat backends, chosen by name: ``make_backend("transformers")``, ``make_backend("openai", base_url=..., model=...)``.

Registered names (each imported only when first built, so importing this package never imports
torch, transformers, openai or llama_cpp):

- ``"transformers"``: :class:`~rlpa_env.backends.transformers_backend.TransformersBackend`, any local
  causal LM; the embedded SmolLM2-135M-Instruct by default.
- ``"openai"``: :class:`~rlpa_env.backends.openai_backend.OpenAICompatibleBackend`, any
  OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, OpenAI).
- ``"llamacpp"``: :class:`~rlpa_env.backends.llamacpp_backend.LlamaCppBackend`, a GGUF model run
  in-process by llama.cpp; the embedded SmolLM2-135M-Instruct by default.

:class:`~rlpa_env.backends.cached.CachedBackend` wraps any of them with an on-disk cache;
:class:`~rlpa_env.backends.pool.ReplicaPoolBackend` spreads requests over several replicas of one model;
:func:`~rlpa_env.backends.native_server.native_llama_server` runs llama.cpp's C++ ``llama-server`` with
parallel slots for ``"openai"``.
"""

from __future__ import annotations

from typing import Any

from rlpa_env.backends.base import BackendError, ChatBackend, Messages
from rlpa_env.backends.cached import CachedBackend
from rlpa_env.backends.embedded import embedded_gguf_path
from rlpa_env.backends.pool import ReplicaPoolBackend
from rlpa_env.registry import Registry

BACKENDS = Registry[ChatBackend]("chat backend")
BACKENDS.register("transformers", "rlpa_env.backends.transformers_backend:TransformersBackend")
BACKENDS.register("openai", "rlpa_env.backends.openai_backend:OpenAICompatibleBackend")
BACKENDS.register("llamacpp", "rlpa_env.backends.llamacpp_backend:LlamaCppBackend")


def make_backend(spec: str | ChatBackend, **kwargs: Any) -> ChatBackend:
    """Build the backend registered as ``spec`` with ``kwargs``; an already-built backend is returned as is."""
    return BACKENDS.make(spec, **kwargs)


__all__ = [
    "BACKENDS",
    "BackendError",
    "CachedBackend",
    "ChatBackend",
    "Messages",
    "ReplicaPoolBackend",
    "embedded_gguf_path",
    "make_backend",
]
