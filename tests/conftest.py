"""Shared fixtures: where the real data lives, and a fresh workspace per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def data() -> Path:
    assert DATA.is_dir(), f"the shared data folder is missing: {DATA}"
    return DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
