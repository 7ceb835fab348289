"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest


@pytest.fixture()
def env(monkeypatch, settings):
    """The shipped corpus and the session's index through the environment, no LLM: what the CLI reads."""
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    for name in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return settings
