"""The backend protocol's units and statistics: the same on the folder index and on embedded Milvus (`[milvus]`, slow)."""

from __future__ import annotations

from assistant.records import SEARCHABLE_KINDS, Kind


def test_units_of_a_document_are_its_units_in_order(index, retriever):
    backend = retriever.backend
    for document in index.documents:
        expected = tuple(u for u in index.units if u.doc_id == document.id)
        assert expected and backend.units_of(document.id) == expected
        assert backend.units_of(document.id, (Kind.HEADING,)) == tuple(u for u in expected if u.kind == Kind.HEADING)
        assert backend.units_of(document.id, SEARCHABLE_KINDS) == tuple(u for u in index.rows if u.doc_id == document.id)
    assert backend.units_of("no-such-document") == ()


def test_a_unit_is_found_by_its_id_searchable_or_not(index, retriever):
    backend = retriever.backend
    heading = next(u for u in index.units if u.kind == Kind.HEADING)
    for unit in (heading, index.rows[0], index.rows[-1], index.units[len(index.units) // 2]):
        assert backend.unit(unit.id) == unit
    assert backend.unit("no-such/unit") is None
    assert backend.unit("") is None


def test_the_statistics_are_the_builds_counts(index, retriever):
    statistics = retriever.backend.statistics()
    assert statistics is not None and statistics == index.statistics
    assert list(statistics) == list(index.statistics)  # in the build's order too
    assert max(statistics.values()) <= len(index.rows)


def test_the_answer_scorer_reads_the_same_corpus_through_either_backend(index, retriever):
    from assistant.answer.evidence import Scorer

    here, there = Scorer(index), Scorer(index, retriever.backend)
    assert there.df == here.df
    assert there.corpus == here.corpus
    assert there.by_document == here.by_document
    assert there.table_headings == here.table_headings and there.table_headings
    assert there.sections == here.sections


def test_several_documents_read_together_are_each_documents_units(index, retriever, monkeypatch):
    import assistant.search.milvus as milvus

    backend = retriever.backend
    ids = [d.id for d in index.documents]
    one_by_one = {doc_id: backend.units_of(doc_id) for doc_id in ids}
    for window in (16_384, 60, 10):  # a window smaller than a document: it is read by windows, alone
        monkeypatch.setattr(milvus, "WINDOW", window)
        if hasattr(backend, "_documents"):
            backend._documents.clear()  # Milvus' cache of documents read: make it read them again
        assert backend.units_of_each([*reversed(ids), "no-such-document"]) == {**dict(reversed(one_by_one.items())), "no-such-document": ()}
        tables = backend.units_of_each(ids, (Kind.TABLE_ROW,))
        assert tables == {d: tuple(u for u in us if u.kind == Kind.TABLE_ROW) for d, us in one_by_one.items()}
        assert any(tables.values())
