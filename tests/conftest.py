"""Shared fixtures: tests run from the repository root, the law is loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def corpus():  # type: ignore[no-untyped-def]
    from lexgraph.api import load_law

    os.chdir(ROOT)
    return load_law()
