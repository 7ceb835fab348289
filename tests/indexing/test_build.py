"""Building the index: bad files reported one by one, --strict, and incremental rebuilds that reuse what is unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.corpus import structure
from assistant.errors import CorpusError, IndexStale, SettingsError
from assistant.indexing import build as index_module
from assistant.indexing.build import build_index, dense_text, index_pieces, index_text
from assistant.indexing.embedding import Embedder, train_local_embedder
from assistant.indexing.store import load_index
from assistant.indexing.tokenizer import Tokenizer, normalise
from assistant.search.retriever import Retriever

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
COAL_TITLE = "煤炭行业“十四五”老矿区转型发展指导意见"
ADDED_CLAUSE = "\n\n（二十）加强示范引领。选择条件较好的老矿区开展转型发展示范，总结推广典型经验。\n"
QUERIES = ["贾汪区重点采煤沉陷区沉陷面积", "老矿区人才支撑", "工业遗产保护利用", "煤矿转型示范"]


@pytest.fixture
def workspace(tmp_path, settings) -> Settings:
    """A copy of the shipped corpus and of the session's index of it, free to change."""
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(settings.index_dir, tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


@pytest.fixture
def calls(monkeypatch):
    """Counts parse_document calls (by document id), texts encoded and local embedder trainings."""
    seen = {"parsed": [], "encoded": 0, "trained": 0}
    parse, encode = structure.parse_document, Embedder.encode

    def spy_parse(spec, raw):
        seen["parsed"].append(spec.id)
        return parse(spec, raw)

    def spy_encode(self, texts, batch_size=256):
        seen["encoded"] += len(texts)
        return encode(self, texts, batch_size)

    def spy_train(*args, **kwargs):
        seen["trained"] += 1
        return train_local_embedder(*args, **kwargs)

    monkeypatch.setattr(structure, "parse_document", spy_parse)
    monkeypatch.setattr(Embedder, "encode", spy_encode)
    monkeypatch.setattr(index_module, "train_local_embedder", spy_train)
    return seen


def rankings(settings: Settings) -> list[list[tuple[str, float]]]:
    retriever = Retriever(load_index(settings))
    modes = ("bm25", "dense", "hybrid")
    return [[(h.unit.id, round(h.score, 6)) for h in retriever.search(q, k=10, mode=mode)] for q in QUERIES for mode in modes]


def add_clause(corpus_dir: Path) -> None:
    path = corpus_dir / "coal-old-mining-areas.txt"
    path.write_text(path.read_text(encoding="utf-8") + ADDED_CLAUSE, encoding="utf-8")


def counts(report) -> tuple[int, int, int, int, bool]:
    return report.parsed, report.reused, report.embedded, report.vectors_reused, report.embedder_trained


# -- bad files ---------------------------------------------------------------------------------------
def bad_files(corpus_dir: Path) -> None:
    manifest = corpus_dir / "documents.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + '\n[[document]]\nid = "empty"\ntitle = "空文件"\nfile = "empty.txt"\n'
        + '\n[[document]]\nid = "scan"\ntitle = "扫描件"\nfile = "scan.pdf"\n'
        + '\n[[document]]\nid = "coal"\ntitle = "重复"\nfile = "copy.txt"\n',
        encoding="utf-8",
    )
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "scan.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")
    (corpus_dir / "image.txt").write_bytes(PNG)
    (corpus_dir / "copy.txt").write_text("第一条 复制的文件。\n", encoding="utf-8")


@pytest.mark.slow
def test_each_bad_file_is_one_problem_and_the_rest_is_built(workspace):
    folder = workspace.corpus_dir
    bad_files(folder)
    report = build_index(workspace)
    assert list(report.problems) == [
        f"{folder / 'documents.toml'}: the id 'coal' is used twice; give each document its own id (entry 5, file copy.txt, was left out).",
        f"{folder / 'empty.txt'} is empty; put the document's text in it or remove it from the corpus.",
        f"{folder / 'scan.pdf'} is not a readable PDF (it is damaged or its encryption is not supported); "
        "export it again or supply a .txt or .docx version.",
        f"{folder / 'copy.txt'} has no entry in documents.toml; gave it the id copy and titled it “第一条 复制的文件。” "
        "from its first line; add an entry to name it.",
        f"{folder / 'image.txt'} is not a text file (it looks binary or its encoding is unknown); save it as UTF-8 text and rebuild.",
    ]
    assert (report.documents, report.units, report.searchable) == (3, 168, 131)
    index = load_index(workspace)
    assert [d.id for d in index.documents] == ["coal", "jiangsu", "copy"]
    assert Retriever(index).search("复制的文件", k=1)[0].unit.id == "copy/1"


def test_strict_makes_the_first_bad_file_fatal_and_keeps_the_index(workspace, capsys):
    folder = workspace.corpus_dir
    bad_files(folder)
    before = (workspace.index_dir / "manifest.json").read_bytes()
    argv = ["--corpus", str(folder), "--index", str(workspace.index_dir), "build", "--strict"]
    assert cli.main(argv) == 1
    assert capsys.readouterr().err == (
        f"assistant: {folder / 'documents.toml'}: the id 'coal' is used twice; give each document its own id.\n"
    )
    (folder / "documents.toml").write_text(
        (folder / "documents.toml").read_text(encoding="utf-8").replace('id = "coal"\ntitle = "重复"', 'id = "copy"\ntitle = "复制"'),
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as caught:
        build_index(workspace.with_overrides(strict=True))
    assert str(caught.value) == f"{folder / 'empty.txt'} is empty; put the document's text in it or remove it from the corpus."
    assert (workspace.index_dir / "manifest.json").read_bytes() == before
    with pytest.raises(IndexStale):
        load_index(workspace)
    assert len(load_index(workspace, check_corpus=False).rows) == 130


def test_strict_can_be_set_in_the_environment():
    assert Settings.from_env({"ASSISTANT_STRICT": "1"}).strict is True
    assert Settings.from_env({"ASSISTANT_STRICT": "off"}).strict is False
    assert Settings.from_env({}).strict is False
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"ASSISTANT_STRICT": "maybe"})
    assert str(caught.value) == "ASSISTANT_STRICT must be 1 or 0 (true or false), got 'maybe'."


@pytest.mark.slow
def test_the_cli_says_what_was_parsed_and_what_was_reused(workspace, capsys):
    add_clause(workspace.corpus_dir)
    assert cli.main(["--corpus", str(workspace.corpus_dir), "--index", str(workspace.index_dir), "build"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"Built {workspace.index_dir}: 2 documents, 168 units (131 searchable), embedder local, in ")
    assert lines[1:] == [
        "Documents parsed: 1, unchanged and reused: 1; trained the local embedder; documents embedded: 2, vectors reused: 0.",
        "  coal: 46 units — 9 headings, 15 clauses, 0 专栏 (0 items), 0 table rows, 22 paragraphs",
        "  jiangsu: 122 units — 28 headings, 0 clauses, 6 专栏 (29 items), 12 table rows, 52 paragraphs",
    ]


# -- incremental rebuilds ------------------------------------------------------------------------------
@pytest.mark.slow
def test_an_unchanged_corpus_is_neither_parsed_nor_embedded_again(workspace, calls):
    before = rankings(workspace)
    calls.update(parsed=[], encoded=0, trained=0)  # forget the queries' encoding
    report = build_index(workspace)
    assert counts(report) == (0, 2, 0, 2, False)
    assert calls == {"parsed": [], "encoded": 0, "trained": 0}
    assert rankings(workspace) == before


@pytest.mark.slow
def test_changing_one_document_parses_only_it_and_retrains_the_local_embedder(workspace, calls, tmp_path):
    add_clause(workspace.corpus_dir)
    report = build_index(workspace)
    assert counts(report) == (1, 1, 2, 0, True)
    assert calls == {"parsed": ["coal"], "encoded": 131, "trained": 1}
    # the same ranking as a build from scratch of the changed corpus
    fresh = workspace.with_overrides(index_dir=tmp_path / "fresh")
    build_index(fresh)
    assert rankings(workspace) == rankings(fresh)
    assert load_index(workspace).rows[36].id == "coal/20"


@pytest.mark.slow
def test_a_new_title_reuses_units_embedder_and_vectors(workspace, calls):
    before = rankings(workspace)
    calls.update(parsed=[], encoded=0, trained=0)  # forget the queries' encoding
    manifest = workspace.corpus_dir / "documents.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(COAL_TITLE, "老矿区转型指导意见（修订）"), encoding="utf-8")
    report = build_index(workspace)
    assert counts(report) == (0, 2, 0, 2, False)
    assert calls == {"parsed": [], "encoded": 0, "trained": 0}
    index = load_index(workspace)
    assert {u.doc_title for u in index.units if u.doc_id == "coal"} == {"老矿区转型指导意见（修订）"}
    assert index.documents[0].title == "老矿区转型指导意见（修订）"
    assert rankings(workspace) == before


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory, documents) -> Path:
    """A small sentence-transformers model folder standing in for a pretrained embedder."""
    texts = [dense_text(u) for d in documents.values() for u in d.units]
    return train_local_embedder(texts, tmp_path_factory.mktemp("model") / "model", Tokenizer(), dim=32)


@pytest.mark.slow
def test_a_pretrained_embedder_encodes_only_the_changed_document(workspace, calls, pretrained):
    external = workspace.with_overrides(embedding_model=str(pretrained))
    assert counts(build_index(external)) == (0, 2, 2, 0, False)
    assert calls["encoded"] == 130
    before = load_index(external).dense.vectors(36, 130)
    add_clause(workspace.corpus_dir)
    report = build_index(external)
    assert counts(report) == (1, 1, 1, 1, False)
    assert calls == {"parsed": ["coal"], "encoded": 130 + 37, "trained": 0}
    index = load_index(external)
    assert index.manifest["embedder"]["local"] is False
    assert (index.dense.vectors(37, 131) == before).all()
    assert index.dense.vectors(36, 37).tolist() == Embedder.load(pretrained).encode([dense_text(index.rows[36])]).tolist()


@pytest.mark.slow
def test_a_file_without_an_entry_keeps_its_title_when_reused(workspace, calls):
    (workspace.corpus_dir / "extra.md").write_text("# 补充通知\n\n第一条 做好老矿区补充工作。\n", encoding="utf-8")
    assert counts(build_index(workspace)) == (1, 2, 3, 0, True)
    report = build_index(workspace)
    assert counts(report) == (0, 3, 0, 3, False)
    assert calls["parsed"] == ["extra"]
    assert report.problems[-1].endswith("gave it the id extra and titled it “补充通知” from its first line; add an entry to name it.")
    assert load_index(workspace).rows[-1].doc_title == "补充通知"


def test_a_new_parser_version_parses_everything_again(workspace, calls, monkeypatch):
    monkeypatch.setattr(index_module, "parser_version", lambda: "another")
    assert counts(build_index(workspace)) == (2, 0, 0, 2, False)
    assert calls["parsed"] == ["coal", "jiangsu"]


def test_the_code_a_cache_depends_on_is_named_by_import_so_a_move_cannot_make_it_stale(monkeypatch):
    from assistant.indexing import reuse

    # every listed module or data file exists where it is named (a moved module fails loudly, never silently)
    assert all(reuse.source_bytes(name) for name in (*reuse.PARSER_MODULES, *reuse.EMBEDDER_MODULES))
    assert {"assistant.corpus.structure", "assistant.corpus.headings", "assistant.corpus.readers"} <= set(reuse.PARSER_MODULES)
    with pytest.raises(ModuleNotFoundError, match=r"assistant\.corpus\.gone is listed"):
        reuse.source_bytes("assistant.corpus.gone")
    # a change to any parsing module's code gives another parser version, so cached units are parsed again
    before = reuse.parser_version()
    real = reuse.source_bytes
    monkeypatch.setattr(reuse, "source_bytes", lambda name: real(name) + (b"#" if name == "assistant.corpus.headings" else b""))
    assert reuse.parser_version() != before
    assert reuse.tokenizer_version() == reuse.tokenizer_version()


def test_a_damaged_cache_file_is_parsed_again(workspace, calls):
    (workspace.index_dir / "docs" / "jiangsu.units.jsonl").write_text("{}\n", encoding="utf-8")
    assert counts(build_index(workspace)) == (1, 1, 0, 2, False)
    assert calls["parsed"] == ["jiangsu"]


@pytest.mark.slow
def test_words_of_unchanged_documents_are_not_segmented_again(workspace, monkeypatch):
    import jieba

    segmented = []
    lcut = jieba.Tokenizer.lcut

    def spy(self, text, *args, **kwargs):
        segmented.append(text)
        return lcut(self, text, *args, **kwargs)

    monkeypatch.setattr(jieba.Tokenizer, "lcut", spy)
    before = rankings(workspace)
    bodies = {doc: {normalise(u.body) for u in load_index(workspace).rows if u.doc_id == doc} for doc in ("coal", "jiangsu")}
    add_clause(workspace.corpus_dir)
    segmented.clear()
    build_index(workspace)
    assert bodies["coal"] <= set(segmented)
    assert bodies["jiangsu"] & set(segmented) == set()
    segmented.clear()
    add_clause(workspace.corpus_dir)  # the clause again: coal changes, rankings of the rest stay exact
    build_index(workspace)
    assert bodies["jiangsu"] & set(segmented) == set()
    fresh = workspace.with_overrides(index_dir=workspace.index_dir.parent / "fresh")
    build_index(fresh)
    assert rankings(workspace) == rankings(fresh)
    assert rankings(workspace) != before


@pytest.mark.slow
def test_another_tokenizer_version_segments_everything_again(workspace, monkeypatch):
    calls = []
    analyse = Tokenizer.analyse

    def spy(self, pieces, segmented=None):
        calls.append(len(segmented or {}))
        return analyse(self, pieces, segmented)

    monkeypatch.setattr(Tokenizer, "analyse", spy)
    build_index(workspace)
    monkeypatch.setattr(index_module, "tokenizer_version", lambda: "another")
    build_index(workspace)
    rows = load_index(workspace).rows
    assert calls == [len({u.label for u in rows} | {u.body for u in rows}), 0]


def test_one_pass_of_jieba_gives_the_tokens_and_words_of_each_unit(documents):
    tokenizer = Tokenizer()
    rows = [u for d in documents.values() for u in d.units]
    analysis = tokenizer.analyse([index_pieces(u) for u in rows])
    assert [sorted(tokens) for tokens in analysis.tokens] == [sorted(tokenizer.tokens(index_text(u))) for u in rows]
    assert analysis.words == [tokenizer.words(dense_text(u)) for u in rows]
