"""Loaders for the key-derivation test vectors (provenance: tests/vectors/*/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


def load(name: str) -> Any:
    """Parse ``tests/vectors/<name>`` as JSON."""
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


ABANDON_ABOUT = " ".join(["abandon"] * 11 + ["about"])
