"""Dense: exact and IVF FAISS indexes give stable ids, honour a document range and give their vectors back."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.indexing import dense
from assistant.indexing.dense import DenseIndex


def unit_vectors(count: int, dim: int = 16) -> np.ndarray:
    vectors = np.random.default_rng(7).standard_normal((count, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("flat_limit", [10_000, 100])
def test_search_filters_and_reuse_work_for_flat_and_ivf(tmp_path, monkeypatch, flat_limit):
    monkeypatch.setattr(dense, "FLAT_LIMIT", flat_limit)
    vectors = unit_vectors(4000)
    DenseIndex.build(vectors).save(tmp_path / "vectors.faiss")
    index = DenseIndex.load(tmp_path / "vectors.faiss")
    assert (index.size, index.dim) == (4000, 16)
    assert np.array_equal(index.vectors(100, 2100), vectors[100:2100])
    [hits] = index.search(vectors[[1234]], 5)
    assert hits[0][0] == 1234
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    [filtered] = index.search(vectors[[1234]], 5, id_range=(2000, 2500))
    assert len(filtered) == 5
    assert all(2000 <= position < 2500 for position, _ in filtered)
    assert index.search(np.zeros((1, 16), dtype=np.float32), 5) == [[]]
