"""Where packaged resources (default templates, JSON schemas) live.

In a wheel they are copied under ``disputectl/_resources``; in a source checkout
(editable install) they are the top-level ``templates/`` and ``schemas/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    packaged = _PACKAGE / "_resources" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name
