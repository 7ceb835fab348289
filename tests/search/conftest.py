"""The retrieval tests run over the local folder index and over embedded Milvus (`[milvus]`, a slow test)."""

from __future__ import annotations

import pytest

BACKENDS = ["local", pytest.param("milvus", marks=pytest.mark.slow)]  # the milvus_address fixture is in tests/conftest.py


@pytest.fixture(scope="session")
def local_retriever(index):
    """Always the folder index: what Milvus is compared against."""
    from assistant.search.retriever import Retriever

    return Retriever(index)


@pytest.fixture(scope="session", params=BACKENDS)
def retriever(request, index, local_retriever):
    """The pure retriever on each backend."""
    if request.param == "local":
        return local_retriever
    from assistant.search.milvus import MilvusBackend
    from assistant.search.retriever import Retriever

    return Retriever(index, backend=MilvusBackend.open(request.getfixturevalue("milvus_address"), index))


@pytest.fixture(scope="session")
def steered(retriever):
    from assistant.search.steering import SteeredRetriever

    return SteeredRetriever(retriever)
