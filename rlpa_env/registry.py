"""A tiny name -> factory registry, so implementations are chosen by name.

Factories are either callables registered directly or ``"module:attr"`` strings that are imported
only when first used, which keeps heavy optional dependencies (torch, transformers, openai) out of
``import rlpa_env``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps names to factories that build one kind of component (users, scorers, judges, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T] | str] = {}

    def register(self, name: str, factory: Callable[..., T] | str) -> None:
        """Register ``factory`` (a callable or a lazy ``"module:attr"`` path) under ``name``."""
        if name in self._factories:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._factories[name] = factory

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._factories)

    def factory(self, name: str) -> Callable[..., T]:
        """Return the factory registered under ``name``, importing it if it was registered lazily."""
        try:
            factory = self._factories[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise KeyError(f"unknown {self.kind} {name!r}; registered: {known}") from None
        if isinstance(factory, str):
            module_name, _, attr = factory.partition(":")
            factory = getattr(importlib.import_module(module_name), attr)
            self._factories[name] = factory
        return factory

    def make(self, spec: str | T, **kwargs: Any) -> T:
        """Build the component named ``spec``; an already-built component is returned unchanged."""
        if not isinstance(spec, str):
            if kwargs:
                raise TypeError(f"keyword arguments given for an already-built {self.kind}: {sorted(kwargs)}")
            return spec
        return self.factory(spec)(**kwargs)
