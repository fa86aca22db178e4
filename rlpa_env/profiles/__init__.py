"""Hidden user profiles: records, the catalog, the seeded generator, banks, JSONL files and persona import.

Importing this package generates and loads nothing. The record types come from ``types`` directly;
every other export is imported from its submodule on first access, which keeps ``import rlpa_env``
cheap and lets ``python -m rlpa_env.profiles.regenerate`` run without the package having imported
that module first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rlpa_env.profiles.types import Fact, Profile, StylePreferences

if TYPE_CHECKING:
    from rlpa_env.profiles.aloe import load_aloe_profiles, profile_from_text
    from rlpa_env.profiles.bank import ProfileBank, split_overlap_report
    from rlpa_env.profiles.catalog import CATEGORIES, category_topic_words, category_vocabulary
    from rlpa_env.profiles.generator import generate_profile, generate_profiles
    from rlpa_env.profiles.io import ProfileFileError, load_jsonl, save_jsonl
    from rlpa_env.profiles.personas import ImportReport, PersonaRecord, import_persona_files, import_personas

_LAZY_EXPORTS: dict[str, str] = {
    "CATEGORIES": "catalog",
    "category_topic_words": "catalog",
    "category_vocabulary": "catalog",
    "generate_profile": "generator",
    "generate_profiles": "generator",
    "ProfileBank": "bank",
    "split_overlap_report": "bank",
    "ProfileFileError": "io",
    "load_jsonl": "io",
    "save_jsonl": "io",
    "load_aloe_profiles": "aloe",
    "profile_from_text": "aloe",
    "ImportReport": "personas",
    "PersonaRecord": "personas",
    "import_persona_files": "personas",
    "import_personas": "personas",
}

__all__ = [
    "CATEGORIES",
    "Fact",
    "ImportReport",
    "PersonaRecord",
    "Profile",
    "ProfileBank",
    "ProfileFileError",
    "StylePreferences",
    "category_topic_words",
    "category_vocabulary",
    "generate_profile",
    "generate_profiles",
    "import_persona_files",
    "import_personas",
    "load_aloe_profiles",
    "load_jsonl",
    "profile_from_text",
    "save_jsonl",
    "split_overlap_report",
]


def __getattr__(name: str) -> Any:
    try:
        module_name = _LAZY_EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
