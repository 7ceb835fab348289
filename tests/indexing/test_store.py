"""The index on disk: manifest checks, one-sentence errors, and a pretrained model one setting away."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import AssistantError, IndexDamaged, IndexNotBuilt, IndexStale
from assistant.indexing.build import build_index, ensure_index
from assistant.indexing.embedding import Embedder
from assistant.indexing.store import load_index
from assistant.records import DocumentSpec
from assistant.search.retriever import Retriever


def test_the_manifest_records_what_was_built(index):
    manifest = index.manifest
    assert manifest["unit_count"] == len(index.units) == 167
    assert manifest["searchable_count"] == len(index.rows) == 130
    assert [d["id"] for d in manifest["documents"]] == ["coal", "jiangsu"]
    assert {k: manifest["embedder"][k] for k in ("name", "local", "dim")} == {"name": "local", "local": True, "dim": 256}
    assert set(manifest["versions"]) == {"assistant", "bm25s", "faiss-cpu", "sentence-transformers", "jieba", "torch"}


def test_the_documents_of_an_index_are_typed_entries_of_the_corpus_manifest(index):
    coal, jiangsu = index.documents
    assert isinstance(coal, DocumentSpec)
    assert (coal.id, coal.file, jiangsu.id) == ("coal", "coal-old-mining-areas.txt", "jiangsu")
    assert "江苏" in jiangsu.aliases


def test_the_local_embedder_is_a_real_sentence_transformers_folder(settings):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(settings.index_dir / "embedder"), device="cpu")
    vectors = model.encode(["采煤沉陷区综合治理", "工业遗产保护利用"])
    assert vectors.shape == (2, 256)


def test_a_missing_index_is_one_sentence_with_the_repair(tmp_path):
    with pytest.raises(IndexNotBuilt, match=r"There is no index in .*; run `assistant build`"):
        load_index(Settings(index_dir=tmp_path / "none"))


def _copy(settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    return settings.with_overrides(corpus_dir=corpus, index_dir=index)


@pytest.mark.slow
def test_a_changed_corpus_makes_the_index_stale_and_the_run_command_rebuilds(settings, tmp_path):
    copied = _copy(settings, tmp_path)
    with open(copied.corpus_dir / "coal-old-mining-areas.txt", "a", encoding="utf-8") as handle:
        handle.write("\n（十九）新增条款。本条为测试新增。\n")
    with pytest.raises(IndexStale, match=r"built from another version of the corpus; run `assistant build`"):
        load_index(copied)
    rebuilt = ensure_index(copied)
    assert "coal/19" in {u.id for u in rebuilt.units}


def test_a_truncated_or_damaged_file_is_named(settings, tmp_path):
    copied = _copy(settings, tmp_path)
    units = copied.index_dir / "docs" / "coal.units.jsonl"
    units.write_bytes(units.read_bytes()[:1000])
    with pytest.raises(IndexDamaged, match=r"coal\.units\.jsonl is missing or truncated; run `assistant build`"):
        load_index(copied)
    (copied.index_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexDamaged, match=r"manifest\.json is damaged"):
        load_index(copied)


def test_another_embedder_setting_makes_the_index_stale(settings):
    with pytest.raises(IndexStale, match=r"built with the embedder .local., not .BAAI/bge-small-zh-v1\.5."):
        load_index(settings.with_overrides(embedding_model="BAAI/bge-small-zh-v1.5"))


def test_a_model_that_cannot_be_loaded_is_one_sentence(tmp_path):
    with pytest.raises(AssistantError, match=r"Could not load the embedding model .*; pass a local model folder"):
        Embedder.load(tmp_path / "not-a-model")


def _tiny_pretrained_model(path):
    """A small sentence-transformers model made here, standing in for a downloaded one."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Regex, Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel

    chars = sorted(set("采煤沉陷区综合治理工业遗产保护利用人才融资老矿区江苏规划面积亩目标"))
    vocab = {"[UNK]": 0, **{ch: i + 1 for i, ch in enumerate(chars)}}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    weights = np.random.default_rng(7).normal(size=(len(vocab), 16)).astype(np.float32)
    SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu").save(str(path))
    return path


@pytest.mark.slow
def test_a_pretrained_model_is_one_setting_away(settings, tmp_path):
    model = _tiny_pretrained_model(tmp_path / "tiny-model")
    custom = settings.with_overrides(index_dir=tmp_path / "index", embedding_model=str(model))
    build_index(custom)
    manifest = json.loads((custom.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {k: manifest["embedder"][k] for k in ("name", "local", "dim")} == {"name": str(model), "local": False, "dim": 16}
    assert not (custom.index_dir / "embedder").exists()
    retriever = Retriever(load_index(custom))
    assert retriever.index.embedder.name == str(model)
    assert len(retriever.search("采煤沉陷区综合治理", k=5, mode="dense")) == 5
    assert retriever.search("采煤沉陷区综合治理", k=1)[0].unit.doc_id == "jiangsu"


def test_the_build_writes_the_scorers_token_counts_equal_to_counting_every_unit_again(index, settings):
    from collections import Counter

    from assistant.answer.evidence import Scorer
    from assistant.indexing.store import STATISTICS, read_statistics

    counted: Counter[str] = Counter()
    for unit in index.rows:
        counted.update(set(index.tokenizer.tokens(f"{unit.label} {unit.body}")))
    assert index.statistics == dict(counted)
    assert Scorer(index).df == counted
    assert read_statistics(settings.index_dir, len(index.rows) + 1) is None  # counts of another build are not used
    assert (settings.index_dir / STATISTICS).is_file()
