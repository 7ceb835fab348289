"""Shared fixtures: the shipped corpus, parsed once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.corpus.manifest import load_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OTHER_CORPUS = ROOT / "eval" / "other" / "corpus"


SYSTEM = Path(__file__).resolve().parent / "system"


def pytest_collection_modifyitems(items):
    """Tests under tests/system/ (reliability, security, browser) are `system` tests: `make test-fast` leaves them out."""
    for item in items:
        if SYSTEM in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.system)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def documents():
    return {document.spec.id: document for document in load_corpus(CORPUS)}


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    """Settings pointing at the shipped corpus and an index built once for the session."""
    from assistant.config import Settings
    from assistant.indexing.build import build_index

    built = Settings(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("index") / "index")
    build_index(built)
    return built


@pytest.fixture(scope="session")
def other(tmp_path_factory):
    """The assistant over the other-shapes corpus (eval/other: notices, 第X条 regulations, Word plans), built once."""
    from assistant.answer.assistant import Assistant
    from assistant.config import Settings
    from assistant.indexing.build import build_index

    built = Settings(corpus_dir=OTHER_CORPUS, index_dir=tmp_path_factory.mktemp("other") / "index")
    build_index(built)
    return Assistant.load(built)


@pytest.fixture(scope="session")
def index(settings):
    from assistant.indexing.store import load_index

    return load_index(settings)


@pytest.fixture(scope="session")
def milvus_address(index, tmp_path_factory):
    """The session's index published to an embedded milvus-lite file (the Milvus C++ core); its address.

    tests/search and tests/answer run their retrieval and answer tests over it as well (their conftest.py).
    """
    from assistant.search.milvus import publish

    address = f"milvus://{tmp_path_factory.mktemp('milvus') / 'units.db'}"
    publish(index, address)
    return address


@pytest.fixture(scope="session")
def retriever(index):
    """The pure retriever: plain BM25, dense and hybrid search."""
    from assistant.search.retriever import Retriever

    return Retriever(index)


@pytest.fixture(scope="session")
def steered(retriever):
    """The retriever with steering on top: what the assistant searches with."""
    from assistant.search.steering import SteeredRetriever

    return SteeredRetriever(retriever)


@pytest.fixture(scope="session")
def assistant(index, settings):
    from assistant.answer.assistant import Assistant

    return Assistant(index, settings)


@pytest.fixture(scope="module")
def app(assistant, settings, tmp_path_factory):
    """The app (tests/ui/test_app.py, tests/system/test_browser.py) on a free port of 127.0.0.1 for a module; yields (url, settings)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.ui.app import build_app, launch_options
    from bench.app_load import free_port

    served = settings.with_overrides(feedback_db=tmp_path_factory.mktemp("feedback") / "feedback.sqlite3", port=free_port())
    demo = build_app(assistant, served)
    _, url, _ = demo.launch(**(launch_options(served) | {"prevent_thread_lock": True, "quiet": True}))
    yield url, served
    demo.close()
