"""Shared fixtures: where the real data lives, and a fresh workspace per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

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


# CI explores the same examples on every run (a fixed seed), so main stays green for the
# same code; a developer's runs keep exploring new ones.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, print_blob=True)
    settings.load_profile("ci")
