"""Scale benchmark: build time, size, peak memory and warm search latency at 1k, 10k and 100k units.

Each size is a synthetic corpus recombined from the shipped documents' sentences (bench/synthetic.py,
fixed seed). Every measurement that reports memory runs in its own child process, so its peak RSS
is its own. At the largest size it also compares FAISS index types (exact flat vs IVF with several
nlist / nprobe) on latency and recall against exact search, and the BM25 scoring path against
bm25s' own, in the same process. Prints a table and writes bench/results/scale.md; asserts nothing.

    python bench/scale.py [--sizes 1000,10000,100000] [--queries 200] [--quick] [--out DIR] [--backend milvus]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the checkout's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import ROOT, cpu_seconds, folder_size, machine, measure, peak_rss, questions, ratio, table, write_result

MODES = ("bm25", "dense", "hybrid")
CHANGED_CLAUSE = "\n（九十九）新增示范条款。支持老矿区开展转型发展示范，总结推广典型经验。\n"


# -- child processes: one measurement each, one JSON line on stdout ----------------------------------
def child_build(corpus: Path, index_dir: Path) -> dict:
    from assistant.config import Settings
    from assistant.indexing.build import build_index

    started = time.perf_counter()
    report = build_index(Settings(corpus_dir=corpus, index_dir=index_dir))
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(),
        "rss": peak_rss(),
        "documents": report.documents,
        "units": report.units,
        "searchable": report.searchable,
        "parsed": report.parsed,
        "reused": report.reused,
        "embedded": report.embedded,
        "trained": report.embedder_trained,
    }


def child_search(corpus: Path, index_dir: Path, count: int) -> dict:
    import numpy as np

    from assistant.config import Settings
    from assistant.indexing.store import load_index
    from assistant.search.retriever import CANDIDATES, Retriever

    started = time.perf_counter()
    index = load_index(Settings(corpus_dir=corpus, index_dir=index_dir))
    load_seconds = time.perf_counter() - started
    retriever = Retriever(index)
    texts = _queries(count)
    result = {"load": load_seconds}
    for mode in MODES:
        latency = measure(mode, lambda q, mode=mode: retriever.search(q, k=5, mode=mode), texts)
        result[mode] = [latency.p50, latency.p95]

    # BM25 candidates (tokenise, score every unit, top 50) as the retriever takes them now (np.partition),
    # against a full sort of every positive score (the code before this benchmark): same ranking?
    bm25 = index.lexical._bm25

    def reference(query: str) -> list[int]:
        ids = bm25.get_tokens_ids(index.tokenizer.tokens(query))
        if not ids:
            return []
        scores = np.asarray(bm25.get_scores_from_ids(ids), dtype=np.float32)
        order = np.lexsort((np.arange(len(scores)), -scores))[:CANDIDATES]
        return [int(i) for i in order if scores[i] > 0]

    def fast(query: str) -> list[int]:
        return [p for p, _ in retriever.backend.lexical(index.tokenizer.tokens(query), CANDIDATES)]

    result["bm25_fast"] = list(_p50_p95(measure("fast", fast, texts)))
    result["bm25_reference"] = list(_p50_p95(measure("reference", reference, texts)))
    result["bm25_same"] = sum(fast(q) == reference(q) for q in texts)
    result["queries"] = len(texts)
    result["rss"] = peak_rss()
    return result


def child_publish(corpus: Path, index_dir: Path, db: Path) -> dict:
    """The first build published to an empty milvus-lite file: every row and every document's units."""
    from assistant.config import Settings
    from assistant.indexing.store import load_index
    from assistant.search.milvus import publish

    index = load_index(Settings(corpus_dir=corpus, index_dir=index_dir))
    started = time.perf_counter()
    publish(index, f"milvus://{db}", index_dir)
    return {"publish": time.perf_counter() - started, "rss": peak_rss()}


def child_milvus(corpus: Path, index_dir: Path, count: int, db: Path) -> dict:
    """The rebuilt index published over the first build (only the changed document's units are sent): publish time,
    latency per mode, rankings vs local."""
    from assistant.config import Settings
    from assistant.indexing.store import load_index
    from assistant.search.milvus import MilvusBackend, publish
    from assistant.search.retriever import CANDIDATES, Retriever

    index = load_index(Settings(corpus_dir=corpus, index_dir=index_dir))
    address = f"milvus://{db}"
    started = time.perf_counter()
    publish(index, address, index_dir)
    result: dict = {"publish": time.perf_counter() - started}
    local, remote = Retriever(index), Retriever(index, backend=MilvusBackend.open(address, index))
    texts = _queries(count)
    for mode in MODES:
        latency = measure(mode, lambda q, mode=mode: remote.search(q, k=5, mode=mode), texts)
        result[mode] = [latency.p50, latency.p95]
        here = local.rank_batch(texts, CANDIDATES, None, mode)
        there = remote.rank_batch(texts, CANDIDATES, None, mode)
        result[f"{mode}_same"] = sum([p for p, _ in a[:10]] == [p for p, _ in b[:10]] for a, b in zip(here, there, strict=True))
    result["queries"] = len(texts)
    result["rss"] = peak_rss()
    result["disk"] = folder_size(db.parent)
    return result


def child_faiss(index_dir: Path, count: int, quick: bool) -> dict:
    """Flat vs IVF on this index's vectors: build time, single-query latency, recall@10/@50 vs exact."""
    import faiss
    import numpy as np

    from assistant.indexing.dense import DenseIndex
    from assistant.indexing.embedding import Embedder

    dense = DenseIndex.load(index_dir / "vectors.faiss")
    vectors = dense.vectors(0, dense.size)
    embedder = Embedder.load(index_dir / "embedder", local=True)
    queries = embedder.encode(_queries(count))
    queries = queries[np.any(queries, axis=1)]
    size, dim = vectors.shape
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    _, truth = exact.search(queries, 50)
    configs: list[tuple[str, object, int]] = []
    started = time.perf_counter()
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    flat.add_with_ids(vectors, np.arange(size, dtype=np.int64))
    configs.append(("IndexIDMap2(IndexFlatIP)", flat, 0))
    builds = {"IndexIDMap2(IndexFlatIP)": time.perf_counter() - started}
    lists_options = [16, 64] if quick else [256, int(4 * np.sqrt(size)), 4096]
    probes = [1, 4, 16] if quick else [4, 8, 16, 32, 64, 128]
    for lists in lists_options:
        started = time.perf_counter()
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
        ivf.cp.seed = 1234
        ivf.train(vectors[np.linspace(0, size - 1, min(size, 64 * lists)).astype(np.int64)])
        ivf.add_with_ids(vectors, np.arange(size, dtype=np.int64))
        builds[f"IVF{lists}"] = time.perf_counter() - started
        for nprobe in probes:
            if nprobe < lists:
                configs.append((f"IVF{lists},Flat nprobe={nprobe}", ivf, nprobe))
    faiss.omp_set_num_threads(1)  # as DenseIndex.search runs them; one row below shows 2 threads
    rows = []
    for name, index, nprobe in configs:
        params = faiss.SearchParametersIVF(nprobe=nprobe) if nprobe else None
        latency = measure(name, lambda q, index=index, params=params: index.search(q[None, :], 50, params=params), list(queries))
        _, found = index.search(queries, 50, params=params)
        recall10 = np.mean([len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth, strict=True)])
        recall50 = np.mean([len(set(f) & set(t)) / 50 for f, t in zip(found, truth, strict=True)])
        build = builds[name.split(",")[0]] if nprobe else builds[name]
        rows.append([name, build, latency.p50, latency.p95, float(recall10), float(recall50)])
    faiss.omp_set_num_threads(2)
    latency = measure("flat, 2 threads", lambda q: flat.search(q[None, :], 50), list(queries))
    rows.insert(1, ["IndexIDMap2(IndexFlatIP), 2 OpenMP threads", builds["IndexIDMap2(IndexFlatIP)"], latency.p50, latency.p95, 1.0, 1.0])
    return {"rows": rows, "vectors": size, "dim": dim, "queries": len(queries)}


def _queries(count: int) -> list[str]:
    texts = [item["question"] for item in questions(ROOT / "eval" / "gold.jsonl")]
    return [texts[i % len(texts)] for i in range(count)]


def _p50_p95(latency) -> tuple[float, float]:
    return latency.p50, latency.p95


def _child(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the parent: sizes, tables, growth ----------------------------------------------------------------
def run(sizes: list[int], count: int, quick: bool, out_dir: Path | None = None, backend: str = "local") -> str:
    """Measures every size (and FAISS at the largest); returns the report (Markdown)."""
    from bench.synthetic import write_corpus

    header = f"Scale benchmark: synthetic corpora, {count} warm queries per mode (gold questions, cycled). {machine()}."
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
        for size in sizes:
            corpus, index_dir = Path(scratch) / f"corpus{size}", Path(scratch) / f"index{size}"
            write_corpus(corpus, size, ROOT / "corpus")
            print(f"[{size}] building ...", file=sys.stderr, flush=True)
            build = _child("build", str(corpus), str(index_dir))
            parts = {name: folder_size(index_dir / name) for name in ("bm25", "vectors.faiss", "docs", "embedder")}
            db = Path(scratch) / f"milvus{size}" / "units.db"
            if backend == "milvus":
                print(f"[{size}] publishing to milvus-lite ...", file=sys.stderr, flush=True)
                first_publish = _child("publish", str(corpus), str(index_dir), str(db))
            first = sorted(corpus.glob("*.txt"))[0]
            first.write_text(first.read_text(encoding="utf-8") + CHANGED_CLAUSE, encoding="utf-8")
            print(f"[{size}] rebuilding after changing one document ...", file=sys.stderr, flush=True)
            rebuild = _child("build", str(corpus), str(index_dir))
            print(f"[{size}] searching ...", file=sys.stderr, flush=True)
            search = _child("search", str(corpus), str(index_dir), str(count))
            disk = folder_size(index_dir)
            results.append({"size": size, "build": build, "rebuild": rebuild, "search": search, "disk": disk, "parts": parts})
            if backend == "milvus":
                print(f"[{size}] publishing the rebuild to milvus-lite and searching there ...", file=sys.stderr, flush=True)
                results[-1]["milvus"] = _child("milvus", str(corpus), str(index_dir), str(count), str(db))
                results[-1]["milvus"]["first_publish"] = first_publish["publish"]
            if size == sizes[-1]:
                print(f"[{size}] comparing FAISS index types ...", file=sys.stderr, flush=True)
                faiss_result = _child("faiss", str(index_dir), str(count), "quick" if quick else "full")
    milvus = [_milvus_table(results)] if backend == "milvus" else []
    text = "\n\n".join([header, *_tables(results), *milvus, _faiss_table(faiss_result)])
    write_result("scale", text, out_dir)
    return text


def _tables(results: list[dict]) -> list[str]:
    mb = 1e6
    rows = []
    for r in results:
        b, rb, s = r["build"], r["rebuild"], r["search"]
        rows.append(
            [
                f"{b['searchable']:,}",
                b["documents"],
                f"{b['seconds']:.1f} s ({b['cpu']:.0f} s CPU)",
                f"{b['rss'] / mb:,.0f} MB",
                f"{rb['seconds']:.1f} s (parsed {rb['parsed']}, reused {rb['reused']})",
                f"{r['disk'] / mb:,.1f} MB",
                f"{s['load']:.2f} s",
                *(f"{s[m][0]:.1f} / {s[m][1]:.1f}" for m in MODES),
                f"{s['rss'] / mb:,.0f} MB",
            ]
        )
    headers = ["units", "docs", "build", "build peak RSS", "rebuild, 1 doc changed", "index on disk", "load"]
    headers += [f"{m} p50 / p95 ms" for m in MODES] + ["search peak RSS"]
    out = [table(headers, rows)]
    names = ("bm25", "vectors.faiss", "docs", "embedder")
    parts = [[f"{r['build']['searchable']:,}", *(f"{r['parts'][k] / mb:,.1f} MB" for k in names)] for r in results]
    out.append(table(["units", "bm25/", "vectors.faiss", "docs/ (units)", "embedder/"], parts))
    growth = []
    for before, after in itertools.pairwise(results):
        units = after["build"]["searchable"] / before["build"]["searchable"]
        growth.append(
            [
                f"{before['size']:,} → {after['size']:,} (units x{units:.1f})",
                ratio(after["build"]["seconds"], before["build"]["seconds"]),
                ratio(after["build"]["rss"], before["build"]["rss"]),
                ratio(after["disk"], before["disk"]),
                *(ratio(after["search"][m][1], before["search"][m][1]) for m in MODES),
            ]
        )
    if growth:
        out.append(table(["growth", "build time", "build RSS", "disk", *(f"{m} p95" for m in MODES)], growth))
    bm25 = [
        [
            f"{r['build']['searchable']:,}",
            f"{r['search']['bm25_reference'][0]:.1f} / {r['search']['bm25_reference'][1]:.1f}",
            f"{r['search']['bm25_fast'][0]:.1f} / {r['search']['bm25_fast'][1]:.1f}",
            ratio(r["search"]["bm25_fast"][1], r["search"]["bm25_reference"][1]),
            f"{r['search']['bm25_same']} / {r['search']['queries']}",
        ]
        for r in results
    ]
    out.append(
        "BM25 top-50 candidates per query, same process: bm25s scores + a sort of every positive score (before) vs "
        "the same scores + `np.partition` to the 50th best, then a sort of those (now).\n\n"
        + table(["units", "before p50 / p95 ms", "now p50 / p95 ms", "p95 now/before", "identical rankings"], bm25)
    )
    return out


def _milvus_table(results: list[dict]) -> str:
    mb = 1e6
    rows = []
    for r in results:
        s, m = r["search"], r["milvus"]
        for name, part in (("local (bm25s + FAISS)", s), ("milvus-lite 2.5.1, embedded", m)):
            rows.append(
                [
                    f"{r['build']['searchable']:,}",
                    name,
                    f"{m['first_publish']:.1f} / {m['publish']:.1f} s" if part is m else "",
                    *(f"{part[mode][0]:.1f} / {part[mode][1]:.1f}" for mode in MODES),
                    " / ".join(f"{m[f'{mode}_same']}" for mode in MODES) + f" of {m['queries']}" if part is m else "",
                    f"{part['rss'] / mb:,.0f} MB",
                ]
            )
    return (
        "The same index searched through the Milvus backend (tokens space-joined under the whitespace tokenizer, "
        "top 50 per side from Milvus, fusion in Python), beside local; one query per call, k=5.\n\n"
        + table(
            [
                "units",
                "backend",
                "publish: all / one document changed",
                *(f"{mode} p50 / p95 ms" for mode in MODES),
                "same top 10 bm25 / dense / hybrid",
                "peak RSS",
            ],
            rows,
        )
    )


def _faiss_table(result: dict) -> str:
    rows = [
        [name, f"{build:.2f} s", f"{p50:.2f}", f"{p95:.2f}", f"{recall10:.3f}", f"{recall50:.3f}"]
        for name, build, p50, p95, recall10, recall50 in result["rows"]
    ]
    return (
        f"FAISS at {result['vectors']:,} vectors x {result['dim']} dims, {result['queries']} non-zero query vectors, one query per call, "
        "1 OpenMP thread unless said; recall against exact inner-product search.\n\n"
        + table(["index", "build", "p50 ms", "p95 ms", "recall@10", "recall@50"], rows)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="searchable units per corpus, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per mode (gold questions, cycled)")
    parser.add_argument("--quick", action="store_true", help="one corpus of 300 units, 20 queries: checks that the benchmark runs")
    parser.add_argument("--out", type=Path, help="folder for scale.md (default bench/results)")
    parser.add_argument("--backend", choices=("local", "milvus"), default="local", help="milvus: also search via milvus-lite")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            result = child_build(Path(rest[0]), Path(rest[1]))
        elif kind == "search":
            result = child_search(Path(rest[0]), Path(rest[1]), int(rest[2]))
        elif kind == "publish":
            result = child_publish(Path(rest[0]), Path(rest[1]), Path(rest[2]))
        elif kind == "milvus":
            result = child_milvus(Path(rest[0]), Path(rest[1]), int(rest[2]), Path(rest[3]))
        else:
            result = child_faiss(Path(rest[0]), int(rest[1]), rest[2] == "quick")
        print(json.dumps(result))
        return 0
    sizes, count = ([300], 20) if args.quick else ([int(s) for s in args.sizes.split(",")], args.queries)
    print(run(sizes, count, args.quick, args.out, args.backend))
    return 0


if __name__ == "__main__":
    sys.exit(main())
