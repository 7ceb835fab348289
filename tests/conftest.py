"""Shared fixtures: the shipped corpus, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents import load_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def documents():
    return {document.spec.id: document for document in load_corpus(CORPUS)}
