"""Cold start: the local embedder read with numpy, the jieba dictionary cache, bm25s read with numpy, and what a command imports.

Each fast path is checked against the library it stands in for, on every unit and gold question:
sentence-transformers' vectors, jieba's own dictionary, bm25s' scores; and the gold set's rankings
and replies are the same through the fast paths as through the libraries.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.indexing import tokenizer as tokenizer_module
from assistant.indexing.build import dense_text
from assistant.indexing.embedding import Embedder, StaticModel
from assistant.indexing.lexical import LexicalIndex, SavedBM25
from assistant.indexing.store import BM25_DIR, EMBEDDER_DIR
from assistant.indexing.tokenizer import DICTIONARY_CACHE, TAGS_CACHE, Tokenizer

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold.jsonl"
QUESTION = "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"


def gold_items() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_texts() -> list[str]:
    """Every gold question and every earlier question of its conversation."""
    return [text for item in gold_items() for text in [item["question"], *item.get("history", [])]]


def sentence_transformer_embedder(index_dir: Path) -> Embedder:
    """The index's own embedder as sentence-transformers loads it (what every query went through before)."""
    return Embedder(Embedder._sentence_transformer(index_dir / EMBEDDER_DIR), str(index_dir / EMBEDDER_DIR), local=True)


def test_the_local_embedder_is_read_with_numpy(index, settings):
    assert isinstance(index.embedder.model, StaticModel)
    assert index.embedder.dim == 256
    assert not index.embedder.encode(["", "   ", "？！"]).any()  # no known token: zero rows
    assert index.embedder.encode([]).shape == (0, 256)


@pytest.mark.slow
def test_numpy_vectors_equal_sentence_transformers_on_every_unit_and_gold_question(index, settings):
    texts = [dense_text(unit) for unit in index.units] + gold_texts()
    expected = sentence_transformer_embedder(Path(settings.index_dir)).encode(texts)
    got = index.embedder.encode(texts)
    assert got.shape == expected.shape == (167 + 214, 256)
    assert float(np.abs(got - expected).max()) < 1e-6
    assert float(np.abs(index.dense.vectors(0, len(index.rows)) - expected[[index.units.index(u) for u in index.rows]]).max()) < 1e-6


@pytest.mark.slow
def test_a_pretrained_model_setting_still_loads_sentence_transformers(settings):
    from sentence_transformers import SentenceTransformer

    folder = Path(settings.index_dir) / EMBEDDER_DIR
    assert isinstance(Embedder.load(folder).model, SentenceTransformer)  # a model name or path: local=False
    assert isinstance(Embedder.load(folder, local=True).model, StaticModel)


def test_a_folder_that_is_not_a_lone_static_embedding_is_left_to_sentence_transformers(settings, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("modules.json", "model.safetensors", "tokenizer.json"):
        (folder / name).write_bytes((Path(settings.index_dir) / EMBEDDER_DIR / name).read_bytes())
    assert StaticModel.load(folder) is not None
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    (folder / "modules.json").write_text(json.dumps([*modules, {**modules[0], "idx": 1, "type": "x.Normalize"}]), encoding="utf-8")
    assert StaticModel.load(folder) is None
    assert StaticModel.load(tmp_path / "missing") is None


def _state(tokenizer: Tokenizer) -> tuple:
    jieba = tokenizer._jieba
    return jieba.FREQ, jieba.total, jieba.user_word_tag_tab, jieba.initialized


def test_the_dictionary_cache_restores_jiebas_exact_state(tmp_path, documents):
    plain = Tokenizer()
    first = Tokenizer(cache=tmp_path)  # writes the cache
    assert (tmp_path / DICTIONARY_CACHE).is_file()
    cached = Tokenizer(cache=tmp_path)  # reads it
    assert _state(cached) == _state(first) == _state(plain)
    assert list(cached._jieba.FREQ) == list(plain._jieba.FREQ)
    texts = [unit.text for document in documents.values() for unit in document.units] + gold_texts()
    assert [cached.tokens(t) for t in texts] == [plain.tokens(t) for t in texts]
    assert [cached.words(t) for t in texts] == [plain.words(t) for t in texts]


def test_a_stale_or_damaged_dictionary_cache_is_rebuilt(tmp_path):
    plain = Tokenizer()
    Tokenizer(cache=tmp_path)
    cache = tmp_path / DICTIONARY_CACHE
    text = cache.read_text(encoding="utf-8")
    cache.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated
    assert _state(Tokenizer(cache=tmp_path)) == _state(plain)
    assert cache.read_text(encoding="utf-8") == text  # written again, whole
    # another domain dictionary: the cached one is not used
    words = tmp_path / "words.txt"
    words.write_text("老矿区转型示范 3000 n\n", encoding="utf-8")
    other = Tokenizer(dictionary=words, cache=tmp_path)
    assert other._jieba.FREQ["老矿区转型示范"] == 3000 and "采煤沉陷区" not in other._jieba.FREQ
    assert _state(other) == _state(Tokenizer(dictionary=words))


def test_a_folder_that_cannot_take_the_cache_goes_without_one(tmp_path):
    # (tests run as root here, so a chmod-ed folder would still be written: a missing folder, and
    # a folder where the cache's name is taken by a directory, cannot be)
    assert _state(Tokenizer(cache=tmp_path / "missing")) == _state(Tokenizer())
    assert not (tmp_path / "missing").exists()
    (tmp_path / DICTIONARY_CACHE).mkdir()
    assert _state(Tokenizer(cache=tmp_path)) == _state(Tokenizer())
    assert [p.name for p in tmp_path.iterdir()] == [DICTIONARY_CACHE]  # no temporary file left behind


def test_place_names_and_nouns_are_the_same_from_the_cache(tmp_path):
    try:
        tokenizer_module.use_cache(tmp_path)
        tokenizer_module._tagged.cache_clear()
        written = tokenizer_module._tagged()
        assert (tmp_path / TAGS_CACHE).is_file()
        tokenizer_module._tagged.cache_clear()
        read = tokenizer_module._tagged()
    finally:
        tokenizer_module.use_cache(None)
        tokenizer_module._tagged.cache_clear()
    assert read == written == tokenizer_module._read_tags()
    assert {"沛县", "徐州"} <= read[0] and "城市" not in read[0]
    assert tokenizer_module.is_noun("采煤沉陷区") and not tokenizer_module.is_noun("加快")


def test_bm25_read_with_numpy_scores_exactly_as_bm25s(index, settings):
    import bm25s

    folder = Path(settings.index_dir) / BM25_DIR
    assert isinstance(index.lexical._bm25, SavedBM25)
    library = LexicalIndex(bm25s.BM25.load(str(folder), mmap=False))
    assert index.lexical.size == library.size == len(index.rows)
    for text in [*gold_texts(), "", "zzzz"]:
        tokens = index.tokenizer.tokens(text)
        assert index.lexical.scores(tokens).tolist() == library.scores(tokens).tolist()


def _rankings_and_replies(assistant) -> list:
    from assistant.search.retriever import Retriever

    core = Retriever(assistant.index)
    out = []
    for item in gold_items():
        question, history = item["question"], item.get("history", [])
        ranked = [[(hit.unit.id, hit.score) for hit in core.search(question, k=10, mode=mode)] for mode in ("bm25", "dense", "hybrid")]
        steered = [(hit.unit.id, hit.score) for hit in assistant.retriever.search(question, k=10)]
        out.append((item["id"], ranked, steered, assistant.ask(question, history).to_json()))
    return out


@pytest.mark.slow
def test_gold_rankings_and_replies_are_the_same_as_through_the_libraries(index, settings):
    """The fast paths (numpy encoder, jieba cache, bm25s and word lists read directly) against the libraries they replace."""
    import bm25s
    import faiss

    from assistant.answer.assistant import Assistant
    from assistant.indexing.dense import DenseIndex

    index_dir = Path(settings.index_dir)
    try:
        tokenizer_module.use_cache(index_dir)
        tokenizer_module._tagged.cache_clear()
        fast = _rankings_and_replies(Assistant(index, settings))
        assert (index_dir / TAGS_CACHE).is_file()
    finally:
        tokenizer_module._tagged.cache_clear()
    embedder = sentence_transformer_embedder(index_dir)
    library = replace(
        index,
        embedder=embedder,
        dense=DenseIndex(faiss.read_index(str(index_dir / "vectors.faiss"))),  # read, not mapped
        lexical=LexicalIndex(bm25s.BM25.load(str(index_dir / BM25_DIR), mmap=False)),
        tokenizer=Tokenizer(),
    )
    # and the vectors of every unit as sentence-transformers encodes them
    library = replace(library, dense=DenseIndex.build(embedder.encode([dense_text(unit) for unit in index.rows])))
    try:
        tokenizer_module.use_cache(None)
        tokenizer_module._tagged.cache_clear()
        slow = _rankings_and_replies(Assistant(library, settings))
    finally:
        tokenizer_module._tagged.cache_clear()
    assert len(fast) == 194
    assert fast == slow


def _imported_after(code: str, index_dir: Path) -> set[str]:
    """The top-level modules a fresh interpreter has imported after running `code`."""
    script = f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    env = {"PYTHONPATH": str(ROOT), "ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_CORPUS_DIR": str(ROOT / "corpus")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    return set(done.stdout.split()[-1000:])


# what a lookup must not pay for: models, the web app, Word, LangChain, and bm25s (with scipy) once built
HEAVY = {"torch", "sentence_transformers", "transformers", "gradio", "docx", "langchain_core", "langchain_openai", "bm25s", "scipy"}


@pytest.mark.slow
def test_ask_and_search_import_no_heavy_library(settings):
    code = (
        "import io, contextlib\nfrom assistant.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['ask', {QUESTION!r}, '--json'])\n    main(['search', {QUESTION!r}])"
    )
    imported = _imported_after(code, Path(settings.index_dir))
    assert {"jieba", "numpy", "faiss", "tokenizers"} <= imported
    assert imported & HEAVY == set()


@pytest.mark.slow
def test_help_and_units_import_neither_models_nor_indexes(settings):
    code = (
        "import io, contextlib\nfrom assistant.cli import main, build_parser\nbuild_parser().format_help()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['units', '--json'])"
    )
    imported = _imported_after(code, Path(settings.index_dir))
    assert imported & (HEAVY | {"faiss", "jieba", "tokenizers", "safetensors"}) == set()


def test_a_loaded_index_keeps_the_dictionary_in_its_folder_and_reads_it_next_time(settings, monkeypatch):
    import jieba

    from assistant.indexing.store import load_index

    index_dir = Path(settings.index_dir)
    load_index(settings)
    assert (index_dir / DICTIONARY_CACHE).is_file()

    def initialize(self, dictionary=None):
        raise AssertionError("jieba's dictionary was loaded again")

    monkeypatch.setattr(jieba.Tokenizer, "initialize", initialize)
    again = load_index(settings)
    assert again.tokenizer.words("江苏采煤沉陷区治理") == ["江苏", "采煤沉陷区", "治理"]
