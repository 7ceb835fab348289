"""Search over the real corpus: the pure retriever, steering on top of it, fusion, determinism, and the LangChain adapter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AssistantError, CorpusError
from assistant.indexing.build import build_index
from assistant.indexing.store import load_index
from assistant.search.fusion import DENSE_ONLY, Fusion, score_fusion
from assistant.search.langchain import PolicyRetriever
from assistant.search.retriever import Retriever, _top
from assistant.search.steering import interleave_documents


def ids(hits):
    return [hit.unit.id for hit in hits]


def test_a_numeric_question_finds_its_clause_first(steered):
    hits = steered.search("江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？", k=5)
    # The clause with the target and the table row of the same indicator, in either order.
    assert set(ids(hits[:2])) == {"jiangsu/ch4.1/p1", "jiangsu/table1/r11"}
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_table_question_finds_the_row(retriever):
    hits = retriever.search("历史遗留矿山（区）环境恢复治理率2025年目标是多少", k=3)
    assert "jiangsu/table1/r10" in ids(hits)


def test_a_heading_word_finds_the_clause(retriever):
    assert retriever.search("老矿区的保障措施：拓展融资渠道", k=1)[0].unit.id == "coal/17"


def test_document_filter_is_honoured(retriever):
    for mode in ("bm25", "dense", "hybrid"):
        hits = retriever.search("采煤沉陷区综合治理", k=10, doc="coal", mode=mode)
        assert hits
        assert {h.unit.doc_id for h in hits} == {"coal"}


def test_an_unknown_document_or_mode_is_one_sentence(retriever):
    with pytest.raises(CorpusError, match="no document with id 'shanxi'"):
        retriever.search("老矿区", doc="shanxi")
    with pytest.raises(AssistantError, match="Unknown search mode"):
        retriever.search("老矿区", mode="magic")


def test_cross_document_questions_get_both_documents(steered):
    hits = steered.search("两份文件在人才方面分别怎么说？", k=4)
    assert [h.unit.doc_id for h in hits[:2]] in (["coal", "jiangsu"], ["jiangsu", "coal"])


def test_empty_and_unknown_queries_return_nothing(retriever):
    assert retriever.search("", k=5, mode="bm25") == []
    assert retriever.search("？？？", k=5) == []
    assert retriever.search("qwxz", k=5, mode="dense") == []


def test_batch_is_the_single_call_repeated(retriever):
    queries = ["工业遗产保护利用", "那沛县呢", "老矿区人才支撑"]
    batch = retriever.search_batch(queries, k=5)
    assert [ids(hits) for hits in batch] == [ids(retriever.search(q, k=5)) for q in queries]


@pytest.mark.slow
def test_same_query_same_ranking_across_runs_and_rebuilds(retriever, settings, tmp_path):
    query = "贾汪区重点采煤沉陷区沉陷面积"
    first = [(h.unit.id, round(h.score, 6)) for h in retriever.search(query, k=10)]
    assert [(h.unit.id, round(h.score, 6)) for h in retriever.search(query, k=10)] == first
    rebuilt = settings.with_overrides(index_dir=tmp_path / "again")
    build_index(rebuilt)
    again = Retriever(load_index(rebuilt))
    assert [(h.unit.id, round(h.score, 6)) for h in again.search(query, k=10)] == first


def test_fusion_functions_are_deterministic():
    fused = score_fusion([(4, 10.0), (2, 5.0)], [(2, 0.9), (7, 0.5), (9, -0.2)], Fusion(lexical=1.0, dense=0.5))
    assert fused == [(4, 1.0), (2, pytest.approx(0.95)), (7, 0.25), (9, 0.0)]
    # nothing matched lexically: the dense-only ranking is kept, its scores scaled down
    assert score_fusion([], [(7, 0.5), (2, 0.4)], Fusion(dense=0.5)) == [(7, 0.25 * DENSE_ONLY), (2, pytest.approx(0.2 * DENSE_ONLY))]
    doc_of = {0: "a", 1: "a", 5: "b"}
    assert interleave_documents([(0, 3.0), (1, 2.0), (5, 1.0)], doc_of, 3) == [(0, 3.0), (5, 1.0), (1, 2.0)]


def test_langchain_adapter_returns_citable_documents(retriever):
    documents = PolicyRetriever(retriever=retriever, k=3, doc="coal").invoke("强化人才支撑")
    assert len(documents) == 3
    first = documents[0]
    assert first.metadata["id"] == "coal/18"
    assert first.metadata["citation"] == "《煤炭行业“十四五”老矿区转型发展指导意见》（十八）强化人才支撑"
    assert first.page_content.startswith("（十八）强化人才支撑。")


def test_top_k_by_partition_equals_a_full_sort(index):
    gold = Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl"
    questions = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    start, end = index.doc_range("jiangsu")
    for question in questions:
        scores = index.lexical.scores(index.tokenizer.tokens(question))
        ranked = [(int(i), float(scores[i])) for i in np.lexsort((np.arange(len(scores)), -scores)) if scores[i] > 0]
        assert _top(scores, 50, None) == ranked[:50]
        assert _top(scores, 5, (start, end)) == [(i, s) for i, s in ranked if start <= i < end][:5]
    tied = np.array([0.0, 2.0, 1.0, 2.0, 2.0, 0.5, 2.0], dtype=np.float32)
    assert _top(tied, 3, None) == [(1, 2.0), (3, 2.0), (4, 2.0)]
    assert _top(tied, 2, (3, 6)) == [(3, 2.0), (4, 2.0)]
    assert _top(np.zeros(5, dtype=np.float32), 3, None) == []


def test_a_heading_named_in_the_question_lifts_all_its_units(steered):
    # names a document (江苏) and a heading (基本原则): the four principles lead, in any order
    hits = steered.search("江苏规划确定的基本原则有哪些？", k=4)
    assert sorted(ids(hits)) == [f"jiangsu/ch2.2/p{n}" for n in range(1, 5)]


def test_plain_bm25_is_bm25_whatever_the_question_names(retriever, index):
    # a question naming a document and a heading: no rule re-orders plain BM25
    for question in ("江苏规划确定的基本原则有哪些？", "两份文件在人才方面分别怎么说？", "指导意见提出的保障措施"):
        scores = index.lexical.scores(index.tokenizer.tokens(question))
        expected = [(index.rows[i].id, float(scores[i])) for i in np.lexsort((np.arange(len(scores)), -scores))[:10]]
        hits = retriever.search(question, k=10, mode="bm25")
        assert [h.unit.id for h in hits] == [unit_id for unit_id, _ in expected]
        # exact locally; Milvus computes the same BM25 in its own float32 arithmetic
        assert [h.score for h in hits] == pytest.approx([score for _, score in expected], rel=1e-5)


def test_steering_applies_on_top_of_the_same_candidates(retriever, steered):
    question = "江苏规划确定的基本原则有哪些？"
    plain = ids(retriever.search(question, k=50))
    lifted = ids(steered.search(question, k=4))
    assert plain[:4] != lifted  # the heading's four units lead only with steering
    assert set(lifted) <= set(plain)  # the lifted units were among the plain candidates
    # with a document filter no rule applies: the steered search is the plain one
    assert ids(steered.search(question, k=10, doc="jiangsu")) == ids(retriever.search(question, k=10, doc="jiangsu"))


def test_a_named_document_is_favoured_only_with_steering(retriever, steered):
    question = "指导意见的保障措施有哪些"
    assert {h.unit.doc_id for h in steered.search(question, k=5)} == {"coal"}
    assert "jiangsu" in {h.unit.doc_id for h in retriever.search(question, k=5)}
