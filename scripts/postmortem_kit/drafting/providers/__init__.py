"""Model providers behind one protocol (``base.Provider``), looked up by name.

``REGISTRY`` maps a provider name to the module that builds it; the module is
imported only when that provider is used, so the offline path never imports
the openai client.  A new provider is one module with a ``build(config)``
function and one line here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from postmortem_kit.drafting.providers.base import ModelAnswer, Provider, ProviderError, SectionRequest, Usage

if TYPE_CHECKING:
    from postmortem_kit.drafting.config import DraftConfig

__all__ = ["REGISTRY", "ModelAnswer", "Provider", "ProviderError", "SectionRequest", "Usage", "make_provider"]

REGISTRY: dict[str, str] = {
    "openai": "postmortem_kit.drafting.providers.openai_compat",
    "offline": "postmortem_kit.drafting.providers.offline",
}


def make_provider(config: DraftConfig) -> Provider:
    """The provider the configuration asks for (see ``DraftConfig.resolved_provider``)."""
    name = config.resolved_provider()
    if name not in REGISTRY:
        raise ProviderError(f"unknown provider {name!r} (use {' or '.join(REGISTRY)})")
    return importlib.import_module(REGISTRY[name]).build(config)
