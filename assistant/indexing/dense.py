"""Dense: unit vectors in FAISS, with stable ids (a unit's position in the index)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Exact search up to this many units, IVF above. Measured by bench/scale.py at 101,687 synthetic
# units x 256 dims, one query per call, one thread, on 2 cores (recall against exact search):
#   IndexIDMap2(IndexFlatIP)        p50 8.2 ms   p95 10.0 ms  recall@10 1.000   build 0.1 s
#   IVF1275 (4*sqrt(n)) nprobe=16   p50 0.13     p95 0.19     recall@10 0.955   build 12 s
#   IVF1275 nprobe=64               p50 0.35     p95 0.46     recall@10 0.998
#   IVF256 nprobe=16                p50 0.50     p95 0.67     recall@10 0.997
# Exact search costs ~10 ms per 100k units, so it stays exact (and builds in no time) until it
# would take ~20 ms of the 150 ms p95 budget; beyond, IVF with 4*sqrt(n) lists and nprobe 64
# loses well under 1% of the dense top 10. The old setting (IVF from 50k, nprobe 16) lost 4.5%.
# (The synthetic units recombine ~300 real sentences, so they cluster more than real plans would:
# re-measure IVF recall on a real corpus of that size before relying on it.)
FLAT_LIMIT = 200_000
NPROBE = 64


class DenseIndex:
    """Cosine similarity search over L2-normalised float32 vectors."""

    def __init__(self, index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dim = vectors.shape
        ids = np.arange(count, dtype=np.int64)
        if count <= FLAT_LIMIT:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        else:
            lists = int(4 * np.sqrt(count))
            quantizer = faiss.IndexFlatIP(dim)
            ivf = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
            train = vectors[np.linspace(0, count - 1, min(count, 64 * lists)).astype(np.int64)]
            ivf.cp.seed = 1234
            ivf.train(train)
            index = ivf  # IVF keeps ids itself
        index.add_with_ids(vectors, ids)
        return cls(index)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        """Opens a saved index; a flat index's vectors are memory-mapped, not read (100k x 64: 0.016 s, not 0.070 s).

        IVF inverted lists are still read: faiss maps those only for its on-disk list format.
        """
        import faiss

        return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def vectors(self, start: int, stop: int) -> np.ndarray:
        """The stored vectors of positions [start, stop), exactly as added (for reuse by a rebuild)."""
        import faiss

        if isinstance(self._index, faiss.IndexIVF) and self._index.direct_map.type == faiss.DirectMap.NoMap:
            self._index.make_direct_map()
        return np.ascontiguousarray(self._index.reconstruct_n(int(start), int(stop - start)), dtype=np.float32)

    def search(self, vectors: np.ndarray, k: int, id_range: tuple[int, int] | None = None) -> list[list[tuple[int, float]]]:
        """Top-k (unit position, cosine) per query row; zero query rows get no results.

        Args:
            vectors: (n, dim) normalised query vectors.
            k: results per query.
            id_range: only units whose position is in [start, end) (a document filter).
        """
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        k = min(k, self.size)
        if k <= 0 or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        selector = faiss.IDSelectorRange(int(id_range[0]), int(id_range[1])) if id_range is not None else None
        if isinstance(self._index, faiss.IndexIVF):
            params = faiss.SearchParametersIVF(sel=selector, nprobe=NPROBE) if selector else faiss.SearchParametersIVF(nprobe=NPROBE)
        else:
            params = faiss.SearchParameters(sel=selector) if selector else None
        # One OpenMP thread per search: with torch's threads still spinning after encoding the query,
        # faiss' second thread waits for a core; at 100k units flat search took 40 ms p50 with 2
        # threads and 8 ms with 1 (bench/scale.py, 2 cores). A server answers queries side by side anyway.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ids = self._index.search(vectors, k, params=params)
        finally:
            faiss.omp_set_num_threads(threads)
        results: list[list[tuple[int, float]]] = []
        for row, vector in enumerate(vectors):
            if not np.any(vector):
                results.append([])
                continue
            results.append([(int(i), float(s)) for i, s in zip(ids[row], scores[row], strict=True) if i >= 0])
        return results
