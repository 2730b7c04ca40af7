"""The recap as its own versioned JSON: what the web app and other tools read back."""

from __future__ import annotations

from chatrecap.recap.model import Recap


def render(recap: Recap) -> bytes:
    return recap.to_json()
