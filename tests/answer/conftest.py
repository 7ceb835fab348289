"""The answer tests run over the local folder index and over embedded Milvus (`[milvus]`, a slow test)."""

from __future__ import annotations

import dataclasses

import pytest

BACKENDS = ["local", pytest.param("milvus", marks=pytest.mark.slow)]  # the milvus_address fixture is in tests/conftest.py


@pytest.fixture(scope="session")
def local_assistant(index, settings):
    from assistant.answer.assistant import Assistant

    return Assistant(index, settings)


@pytest.fixture(scope="session", params=BACKENDS)
def assistant(request, index, settings, local_assistant):
    """The assistant searching through each backend."""
    if request.param == "local":
        return local_assistant
    from assistant.answer.assistant import Assistant

    return Assistant(index, dataclasses.replace(settings, backend=request.getfixturevalue("milvus_address")))
