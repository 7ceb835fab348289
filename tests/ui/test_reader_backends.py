"""The reader and the briefing read their units through the search backend: the same pages on embedded Milvus (slow)."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.ui.handlers import find_unit, open_unit, read_document, step

pytestmark = pytest.mark.slow  # publishes the index to milvus-lite


@pytest.fixture(scope="module")
def on_milvus(index, settings, milvus_address):
    from assistant.answer.assistant import Assistant

    remote = Assistant(index, dataclasses.replace(settings, backend=milvus_address))
    assert remote.backend.name == "milvus"
    return remote


def test_the_reader_shows_the_same_pages_on_milvus(index, assistant, on_milvus):
    for document in index.documents:
        assert read_document(on_milvus, document.id) == read_document(assistant, document.id)
    for unit in index.units[::3]:
        assert find_unit(on_milvus, unit.id) == unit
        assert open_unit(on_milvus, unit.id, unit.body[:6]) == open_unit(assistant, unit.id, unit.body[:6])
        assert step(on_milvus, unit.id, 1) == step(assistant, unit.id, 1)
        assert step(on_milvus, unit.id, -1) == step(assistant, unit.id, -1)
    assert open_unit(on_milvus, "no/such") == open_unit(assistant, "no/such")


def test_a_briefing_on_milvus_is_the_local_briefing(assistant, on_milvus):
    import datetime

    from assistant.briefing import build_briefing, to_markdown

    day = datetime.date(2026, 1, 1)
    for topic, doc in (("采煤沉陷区综合治理", None), ("主要目标", "jiangsu"), ("人才", None)):
        here, there = build_briefing(assistant, topic, doc, day), build_briefing(on_milvus, topic, doc, day)
        assert to_markdown(there) == to_markdown(here), topic
