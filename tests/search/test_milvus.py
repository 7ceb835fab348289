"""The Milvus backend on embedded milvus-lite (the Milvus C++ core): the same rankings and answers as the folder index."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.answer.assistant import Assistant
from assistant.config import Settings
from assistant.errors import IndexNotBuilt, IndexStale, SettingsError
from assistant.evaluation.gold import load_gold
from assistant.evaluation.results import DEPTH
from assistant.evaluation.runner import run_evaluation
from assistant.records import Kind
from assistant.search.backend import LocalBackend, open_backend
from assistant.search.milvus import ALIAS, STORE, STORE_DOCS, MilvusBackend, build_key, client_uri, connect, live_collection, publish
from assistant.search.retriever import Retriever
from assistant.search.steering import SteeredRetriever

pytestmark = pytest.mark.slow  # starts milvus-lite (about a second) and publishes the index

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl"


@pytest.fixture(scope="module")
def milvus(milvus_address):
    return milvus_address


@pytest.fixture(scope="module")
def on_milvus(index, milvus):
    backend = MilvusBackend.open(milvus, index)
    yield Retriever(index, backend=backend)
    backend.close()


def test_addresses_name_a_file_or_a_server():
    assert client_uri("milvus:///srv/index/units.db") == "/srv/index/units.db"
    assert client_uri("milvus://milvus.internal:19530") == "http://milvus.internal:19530"
    with pytest.raises(SettingsError, match="ASSISTANT_BACKEND is 'local'"):
        Settings.from_env({"ASSISTANT_BACKEND": "elastic://x"})
    assert Settings.from_env({"ASSISTANT_BACKEND": "milvus://h:19530"}).backend == "milvus://h:19530"
    assert Settings.from_env({}).backend == "local"


def test_the_published_tokens_are_the_builds_with_or_without_its_saved_words(index, settings):
    from assistant.search.milvus import row_tokens

    fresh = row_tokens(index)
    assert row_tokens(index, settings.index_dir) == fresh
    assert len(fresh) == len(index.rows)
    first = index.rows[0]
    assert sorted(fresh[0].split()) == sorted(index.tokenizer.analyse([[*first.path[-2:], first.label, first.body]]).tokens[0])


def test_local_is_the_default_backend(index, settings):
    assert isinstance(open_backend(settings, index), LocalBackend)


def test_every_mode_ranks_the_gold_questions_exactly_as_locally(index, local_retriever, on_milvus):
    retriever = local_retriever
    questions = [item.question for item in load_gold(GOLD, None)]
    for mode in ("bm25", "dense", "hybrid"):
        local = [[p for p, _ in ranked] for ranked in retriever.rank_batch(questions, 50, None, mode)]
        remote = [[p for p, _ in ranked] for ranked in on_milvus.rank_batch(questions, 50, None, mode)]
        assert [r[:10] for r in remote] == [r[:10] for r in local], mode


def test_gold_recall_and_mrr_are_the_local_figures(index, local_retriever, on_milvus):
    gold = load_gold(GOLD, None)
    steered = SteeredRetriever(local_retriever)
    milvus_steered = SteeredRetriever(on_milvus)
    report = run_evaluation(
        gold,
        {
            "hybrid+steering": lambda queries: steered.search_batch(queries, k=DEPTH),
            "milvus": lambda queries: milvus_steered.search_batch(queries, k=DEPTH),
        },
        None,
        progress=False,
    )
    local, remote = report.by_config["hybrid+steering"], report.by_config["milvus"]
    assert remote["recall@5"] == local["recall@5"]
    assert remote["mrr@10"] == local["mrr@10"]
    assert [r.ids for r in report.results for r in r.rankings if r.config == "milvus"] == [
        r.ids for r in report.results for r in r.rankings if r.config == "hybrid+steering"
    ]


def test_a_document_filter_and_an_empty_query_behave_as_locally(local_retriever, on_milvus):
    retriever = local_retriever
    for mode in ("bm25", "dense", "hybrid"):
        local = retriever.search("采煤沉陷区综合治理", k=10, doc="coal", mode=mode)
        remote = on_milvus.search("采煤沉陷区综合治理", k=10, doc="coal", mode=mode)
        assert [h.unit.id for h in remote] == [h.unit.id for h in local]
        assert {h.unit.doc_id for h in remote} == {"coal"}
    assert on_milvus.search("，。！", k=5, mode="bm25") == retriever.search("，。！", k=5, mode="bm25") == []


def test_answers_on_milvus_are_the_local_answers(index, settings, assistant, milvus):
    remote = Assistant(index, dataclasses.replace(settings, backend=milvus))
    assert remote.retriever.core.backend.name == "milvus"
    for item in load_gold(GOLD, None):
        here = assistant.ask(item.question, history=list(item.history))
        there = remote.ask(item.question, history=list(item.history))
        near, far = here.to_json(), there.to_json()
        # the scores of "related" clauses shown with a refusal differ in the 6th decimal (Milvus scores in float32)
        near_scores = [r.pop("score") for r in near.get("related", [])]
        assert [r.pop("score") for r in far.get("related", [])] == pytest.approx(near_scores, abs=1e-5)
        assert far == near, item.id


def test_a_build_is_a_new_collection_switched_in_when_whole(index, tmp_path):
    address = f"milvus://{tmp_path / 'units.db'}"
    with pytest.raises(IndexNotBuilt, match="holds no index yet"):
        MilvusBackend.open(address, index)
    first = publish(index, address)
    assert first == build_key(index)
    assert publish(index, address) == first  # the same build again: nothing rewritten
    rebuilt = dataclasses.replace(index, manifest={**index.manifest, "corpus_hash": "another corpus"})
    second = publish(rebuilt, address)
    assert second != first
    client = connect(address)
    try:
        assert live_collection(client) == second
        assert sorted(n for n in client.list_collections() if n.startswith("units_")) == sorted([first, second])
        assert ALIAS not in client.list_collections()
    finally:
        client.close()
    # a replica that has not reloaded yet keeps serving the build it knows; the new one serves the new build
    assert MilvusBackend.open(address, index).collection == first
    assert MilvusBackend.open(address, rebuilt).collection == second
    third = dataclasses.replace(index, manifest={**index.manifest, "corpus_hash": "a third corpus"})
    with pytest.raises(IndexStale, match="another build"):
        MilvusBackend.open(address, third)
    publish(third, address)
    client = connect(address)
    try:  # the build before the live one is kept for replicas still on it; older ones are dropped
        assert sorted(n for n in client.list_collections() if n.startswith("units_")) == sorted([second, build_key(third)])
    finally:
        client.close()


def _changed(index, doc_id: str, tag: str):
    """The index with one heading of `doc_id` reworded (a new corpus: another build)."""
    at = next(i for i, u in enumerate(index.units) if u.doc_id == doc_id and u.kind == Kind.HEADING)
    units = list(index.units)
    units[at] = dataclasses.replace(units[at], text=units[at].text + tag, label=units[at].label + tag)
    return dataclasses.replace(index, units=tuple(units), manifest={**index.manifest, "corpus_hash": f"reworded {tag}"})


def test_a_publish_sends_only_the_units_of_documents_that_changed(index, tmp_path, monkeypatch):
    from pymilvus import MilvusClient

    sent: list[tuple[str, str]] = []  # (collection, doc id of the unit or row sent)
    insert = MilvusClient.insert

    def spy(self, collection_name, data, *args, **kwargs):
        for entity in data:
            doc_id = entity.get("doc_id") or (json.loads(entity["data"])["doc_id"] if "data" in entity else "")
            sent.append((collection_name, doc_id))
        return insert(self, collection_name, data, *args, **kwargs)

    monkeypatch.setattr(MilvusClient, "insert", spy)
    address = f"milvus://{tmp_path / 'units.db'}"
    count = Counter(u.doc_id for u in index.units)
    publish(index, address)
    assert Counter(d for c, d in sent if c == STORE) == count  # the first publish sends every document
    sent.clear()
    reworded = _changed(index, "coal", "（一）")
    second = publish(reworded, address)
    assert Counter(d for c, d in sent if c == STORE) == {"coal": count["coal"]}  # jiangsu's units are not sent again
    assert len([d for c, d in sent if c == second]) == len(index.rows)  # BM25's statistics are per collection: every row
    old, new = MilvusBackend.open(address, index), MilvusBackend.open(address, reworded)
    try:
        assert new.units_of("coal") == tuple(u for u in reworded.units if u.doc_id == "coal") != old.units_of("coal")
        assert old.units_of("coal") == tuple(u for u in index.units if u.doc_id == "coal")  # a replica not yet reloaded
        assert new.units_of("jiangsu") == old.units_of("jiangsu") == tuple(u for u in index.units if u.doc_id == "jiangsu")
    finally:
        old.close()
        new.close()
    sent.clear()
    publish(_changed(index, "coal", "（二）"), address)
    assert Counter(d for c, d in sent if c == STORE) == {"coal": count["coal"]}
    client = connect(address)
    try:  # the first build is dropped, and with it the version of coal only it held
        held = client.query(STORE_DOCS, filter="", limit=100, output_fields=["doc_id"])
        assert sorted(row["doc_id"] for row in held) == ["coal", "coal", "jiangsu"]
        assert client.query(STORE, filter="", output_fields=["count(*)"])[0]["count(*)"] == 2 * count["coal"] + count["jiangsu"]
    finally:
        client.close()
