"""How a resource URL is named (see ignition_py.url_names, where it lives so that the
config's reprs can use it without the config importing the resources layer)."""

from __future__ import annotations

from ..url_names import scheme_of, shown_url

__all__ = ["scheme_of", "shown_url"]
