"""The form in which published numbers are stored (:mod:`mwlib.eh16.published`, :mod:`mwlib.bird22.published`)."""

from __future__ import annotations

from typing import Any


def quoted(value: float | None, low: float | None = None, high: float | None = None, interval: str | None = None,
           where: str = "") -> dict[str, Any]:
    """A published estimate: central value, interval bounds, what the interval is, and where it is printed."""
    return {"value": value, "low": low, "high": high, "interval": interval, "where": where}
