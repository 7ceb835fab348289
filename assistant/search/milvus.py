"""Milvus: the search backend on Milvus (pymilvus), embedded milvus-lite in tests, a server or cluster in production.

One collection per build, named after what was built (corpus hash, embedder, unit count), and an
alias switched to it once it is whole — the same atomic swap as the index folder. Its text field
holds the product's own tokens joined by spaces under Milvus' `whitespace` tokenizer, so Milvus'
BM25 sees exactly the terms bm25s sees; each side returns its top k and fusion and steering stay
in Python (Milvus' own RRF and WeightedRanker lost recall on the gold set).

The units themselves (what the viewer, the briefing and the answer stage read by id or by document)
live in one store shared by every build, keyed by each document's content: a publish sends only the
units of documents whose units changed, and a replica reads its build's version of each document.
Beside each build collection, `docs_<build>` names the version of each document it holds and
`stats_<build>` the corpus statistics (token → searchable units holding it).

Addresses: `milvus:///abs/path/units.db` opens an embedded milvus-lite file (one process only);
`milvus://host:19530` talks to a server (`milvus-lite` run with an address is one too).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import types
from collections import OrderedDict
from collections.abc import Collection
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import AssistantError, IndexNotBuilt, IndexStale
from ..records import Unit

if TYPE_CHECKING:
    from ..indexing.store import Index

MILVUS = "milvus"
Ranked = list[tuple[int, float]]  # as in backend.py (which imports this module lazily: no circle)
ALIAS = "assistant_units"  # what a build switches when it is whole
POINTER = "assistant_alias"  # milvus-lite has no aliases: one row naming the live collection instead
PREFIX = "units_"
DOCS_OF, STATS_OF = "docs_", "stats_"  # + a build's name: its document versions, its corpus statistics
STORE, STORE_DOCS = "assistant_unit_store", "assistant_unit_docs"  # every unit of every document version, and the whole versions
WINDOW = 16_384  # Milvus' largest query result: bigger reads go by windows of `seq`
DOC_CACHE = 64  # documents whose units a backend keeps after reading them
MAX_TEXT = 65_535  # bytes of a VARCHAR field
BATCH = 1_000  # rows per insert: well under gRPC's message limit at 1,024 dims
# Milvus' BM25 is Lucene's with the (k1 + 1) numerator bm25s leaves out; dividing it out gives the
# local scores (equal to float32 rounding), so `search --json` shows the same score on either backend.
K1, B = 1.2, 0.75  # bm25s' parameters (indexing/lexical.py)
BM25_SCALE = 1 / (1 + K1)
REBUILD = "run `assistant build` with the same ASSISTANT_BACKEND to publish the index to Milvus"


def _install_pkg_resources_shim() -> None:
    """milvus-lite 2.5.1 reads its own version through `pkg_resources`, which setuptools ≥ 81 no longer has.

    Downgrading setuptools would break torch's requirement (setuptools ≥ 77.0.3) and make jieba warn
    on every import, so only the two names milvus-lite uses are provided, from importlib.metadata.
    """
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        shim = types.ModuleType("pkg_resources")

        class DistributionNotFound(Exception):
            pass

        def get_distribution(name: str):
            try:
                return types.SimpleNamespace(version=metadata.version(name))
            except metadata.PackageNotFoundError:
                raise DistributionNotFound(name) from None

        shim.DistributionNotFound = DistributionNotFound
        shim.get_distribution = get_distribution
        sys.modules["pkg_resources"] = shim


def client_uri(address: str) -> str:
    """What pymilvus' MilvusClient takes for a `milvus://` address.

    Raises:
        AssistantError: not a milvus:// address, or an embedded file without an absolute path ending in .db.
    """
    if not address.startswith(f"{MILVUS}://"):
        raise AssistantError(f"A Milvus address starts with milvus://, not {address!r}.")
    rest = address[len(f"{MILVUS}://") :]
    if rest.startswith("/"):
        if not rest.endswith(".db"):
            raise AssistantError(f"An embedded Milvus file ends in .db: milvus:///path/units.db, not {address!r}.")
        return rest
    return f"http://{rest}"


def connect(address: str):
    """A MilvusClient for a `milvus://` address (the folder of an embedded file is made).

    Each client gets a connection of its own: pymilvus shares one per address by default, and a
    client's `close()` would then cut off every other client of that address in the process (a
    replica's backend while a build in the same process publishes).
    """
    _install_pkg_resources_shim()
    import uuid

    from pymilvus import MilvusClient

    uri = client_uri(address)
    if not uri.startswith("http"):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    return MilvusClient(uri=uri, alias=f"assistant-{uuid.uuid4().hex}")


def lite_server(db: Path, address: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment that serve an embedded milvus-lite file over gRPC at `host:port`.

    milvus-lite 2.5.1 has no `milvus-lite server` command; its binary takes the address itself (what
    `milvus_lite.server.Server(db, address)` runs). Several processes then share one file through
    `milvus://host:port`, as they would a Milvus server.
    """
    import importlib.util
    import os

    spec = importlib.util.find_spec("milvus_lite")
    if spec is None or not spec.submodule_search_locations:
        raise AssistantError("milvus-lite is not installed; pip install -c constraints.txt -e '.[deploy]'.")
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{lib}:{os.environ.get('LD_LIBRARY_PATH', '')}"}
    return [str(lib / "milvus"), str(Path(db).absolute()), address, "ERROR"], env


def build_key(index: Index) -> str:
    """The name of the collection that holds this build: same corpus, embedder and units, same name."""
    manifest = index.manifest
    what = {
        "corpus": manifest.get("corpus_hash"),
        "embedder": manifest.get("embedder", {}).get("fingerprint") or manifest.get("embedder", {}).get("name"),
        "rows": len(index.rows),
        "ids": hashlib.sha256("\n".join(u.id for u in index.rows).encode()).hexdigest(),
    }
    return PREFIX + hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:16]


def _lite(client) -> bool:
    """True for milvus-lite (embedded or served): it answers alias calls with UNIMPLEMENTED."""
    known = getattr(client, "_assistant_lite", None)
    if known is None:
        quiet = logging.getLogger("pymilvus.decorators")
        level, quiet.level = quiet.level, logging.CRITICAL  # pymilvus logs every failed call at ERROR
        try:
            client.list_aliases()
            known = False
        except Exception as error:  # pymilvus raises the server's gRPC error as it comes
            known = "UNIMPLEMENTED" in repr(error) or "UNIMPLEMENTED" in str(error)
        finally:
            quiet.level = level
        client._assistant_lite = known
    return known


def live_collection(client) -> str | None:
    """The collection the alias names (the pointer row on milvus-lite), or None before the first build."""
    if not _lite(client):
        try:
            return client.describe_alias(ALIAS).get("collection_name") or None
        except Exception:  # no such alias (pymilvus raises the server's error as it comes)
            return None
    if not client.has_collection(POINTER):
        return None
    rows = client.query(POINTER, filter=f'name == "{ALIAS}"', output_fields=["target"])
    return rows[0]["target"] if rows else None


def _switch(client, target: str) -> None:
    """Points the alias at `target` in one step (an upsert of the pointer row where aliases are missing)."""
    if not _lite(client):
        try:
            client.alter_alias(target, ALIAS)
        except Exception:  # no alias yet (pymilvus raises the server's error as it comes)
            client.create_alias(target, ALIAS)
        return
    from pymilvus import DataType

    if not client.has_collection(POINTER):
        schema = client.create_schema(auto_id=False)
        schema.add_field("name", DataType.VARCHAR, is_primary=True, max_length=128)
        schema.add_field("target", DataType.VARCHAR, max_length=128)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in every collection
        params = client.prepare_index_params()
        params.add_index("v", index_type="FLAT", metric_type="L2")
        client.create_collection(POINTER, schema=schema, index_params=params, consistency_level="Strong")
    client.upsert(POINTER, [{"name": ALIAS, "target": target, "v": [0.0, 0.0]}])
    client.flush(POINTER)


def _schema(client, dim: int):
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("pos", DataType.INT64, is_primary=True)  # the row's position in the index
    schema.add_field("doc_id", DataType.VARCHAR, max_length=256)
    schema.add_field("unit_id", DataType.VARCHAR, max_length=512)
    # the product's tokens, space-joined: the whitespace tokenizer gives BM25 exactly those terms
    schema.add_field("tokens", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True, analyzer_params={"tokenizer": "whitespace"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["tokens"], output_field_names=["sparse"]))
    params = client.prepare_index_params()
    # bm25s' parameters, so the scores differ only by the (k1 + 1) factor that BM25_SCALE divides out
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": K1, "bm25_b": B})
    params.add_index("vector", index_type="FLAT", metric_type="IP")  # exact, as FAISS flat is locally
    return schema, params


def row_tokens(index: Index, index_dir: Path | None = None) -> list[str]:
    """Each row's BM25 tokens as the build made them, joined by spaces.

    With the index folder, the words the build saved per document (docs/<id>.words) are reused, so
    jieba, most of the cost, runs only on headings.
    """
    from ..indexing.build import index_pieces
    from ..indexing.reuse import Previous, tokenizer_version

    segmented: dict[str, list[str]] = {}
    if index_dir is not None:
        previous, version = Previous(Path(index_dir), index.manifest), tokenizer_version()
        rows: dict[str, list[Unit]] = {}
        for unit in index.rows:  # one pass: a scan of every row per document was most of this at 1,667 documents
            rows.setdefault(unit.doc_id, []).append(unit)
        for document in index.documents:
            segmented.update(previous.segmented(document.id, version, tuple(rows.get(document.id, ()))))
    tokens = index.tokenizer.analyse([index_pieces(unit) for unit in index.rows], segmented).tokens
    return [" ".join(t) for t in tokens]


def publish(index: Index, address: str, index_dir: Path | None = None) -> str:
    """Writes the index's rows into a new collection and switches the alias to it once it is whole.

    A collection that already holds this build is reused; builds older than the one it replaces are dropped.
    The search rows of a build are all written (Milvus' BM25 statistics are per collection, so a
    collection must hold exactly one build's rows); the units go to the shared store only for the
    documents whose units the store does not hold yet. `index_dir` (the folder `index` was loaded
    from) lets the build's saved words be reused.

    Returns:
        The name of the live collection.

    Raises:
        AssistantError: a row's tokens or a unit do not fit Milvus' text field.
    """
    client = connect(address)
    try:
        target = build_key(index)
        previous = live_collection(client)
        if previous == target and client.has_collection(DOCS_OF + target):
            return target
        if not client.has_collection(target) or not client.has_collection(DOCS_OF + target):
            _publish_rows(client, index, target, index_dir)
        versions = _publish_units(client, index)
        _publish_build(client, index, target, versions)
        _switch(client, target)
        keep = {target, previous}
        for name in client.list_collections():  # the build before stays for replicas still on it
            build = next((name[len(p) :] for p in (DOCS_OF, STATS_OF) if name.startswith(p + PREFIX)), name)
            if build.startswith(PREFIX) and build not in keep:
                client.drop_collection(name)
        _forget_versions(client, keep)
        return target
    finally:
        client.close()


def _publish_rows(client, index: Index, target: str, index_dir: Path | None) -> None:
    """The build's search collection: every row's tokens and vector, checked whole."""
    texts = row_tokens(index, index_dir)
    vectors = index.dense.vectors(0, index.dense.size)
    too_long = next((i for i, t in enumerate(texts) if len(t.encode()) > MAX_TEXT), None)
    if too_long is not None:
        raise AssistantError(f"The unit {index.rows[too_long].id} has more tokens than Milvus' text field holds ({MAX_TEXT} bytes).")
    if client.has_collection(target):  # a build that stopped half-way
        client.drop_collection(target)
    schema, params = _schema(client, int(vectors.shape[1]))
    client.create_collection(target, schema=schema, index_params=params, consistency_level="Strong")
    rows = index.rows
    for start in range(0, len(texts), BATCH):
        batch = range(start, min(start + BATCH, len(texts)))
        client.insert(target, [_entity(p, rows[p], texts[p], vectors[p]) for p in batch])
    client.flush(target)
    _check_count(client, target, len(texts))


def _check_count(client, collection: str, expected: int, where: str = "") -> None:
    count = client.query(collection, filter=where, output_fields=["count(*)"])[0]["count(*)"]
    if count != expected:
        raise AssistantError(f"Milvus holds {count} of the {expected} rows written to {collection}; run the build again.")


def _side_collection(client, name: str, fields: list[tuple[str, object, dict]]) -> None:
    """A collection of plain fields (the first is the primary key) with the vector field Milvus wants in every collection."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    for i, (field, kind, extra) in enumerate(fields):
        schema.add_field(field, kind, is_primary=i == 0, **extra)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    params = client.prepare_index_params()
    params.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")


def document_versions(index: Index) -> dict[str, tuple[str, tuple[Unit, ...]]]:
    """Per document id, the key of its units' content (what the store keeps them under) and the units."""
    by_document: dict[str, list[Unit]] = {d.id: [] for d in index.documents}
    for unit in index.units:
        by_document.setdefault(unit.doc_id, []).append(unit)
    versions = {}
    for doc_id, units in by_document.items():
        digest = hashlib.sha256(doc_id.encode())
        for unit in units:
            digest.update(_unit_json(unit).encode())
        versions[doc_id] = ("v" + digest.hexdigest()[:24], tuple(units))
    return versions


def _unit_json(unit: Unit) -> str:
    return json.dumps(unit.to_json(), ensure_ascii=False, sort_keys=True)


def _publish_units(client, index: Index) -> dict[str, tuple[str, int]]:
    """Sends the units of every document version the store lacks; returns per document (its version, its unit count)."""
    from pymilvus import DataType

    text = {"max_length": 512}
    if not client.has_collection(STORE):
        _side_collection(
            client,
            STORE,
            [
                ("key", DataType.VARCHAR, {"max_length": 64}),
                ("version", DataType.VARCHAR, text),
                ("unit_id", DataType.VARCHAR, text),
                ("kind", DataType.VARCHAR, {"max_length": 32}),
                ("seq", DataType.INT64, {}),
                ("data", DataType.VARCHAR, {"max_length": MAX_TEXT}),
            ],
        )
        _side_collection(
            client, STORE_DOCS, [("version", DataType.VARCHAR, text), ("doc_id", DataType.VARCHAR, text), ("units", DataType.INT64, {})]
        )
    client.load_collection(STORE)
    client.load_collection(STORE_DOCS)
    versions = document_versions(index)
    wanted = [version for version, _ in versions.values()]
    held = {row["version"] for row in client.query(STORE_DOCS, filter=f"version in {json.dumps(wanted)}", output_fields=["version"])}
    missing = [(doc_id, version, units) for doc_id, (version, units) in versions.items() if version not in held]
    chunks = [missing[start : start + BATCH] for start in range(0, len(missing), BATCH)]
    for chunk in chunks:  # what a publish that stopped half-way left of these versions
        client.delete(STORE, filter=f"version in {json.dumps([version for _, version, _ in chunk])}")
    batch: list[dict] = []
    for _, version, units in missing:
        for seq, unit in enumerate(units):
            batch.append(_unit_entity(version, seq, unit))
            if len(batch) == BATCH:
                client.insert(STORE, batch)
                batch = []
    if batch:
        client.insert(STORE, batch)
    client.flush(STORE)
    for chunk in chunks:
        _check_count(client, STORE, sum(len(units) for _, _, units in chunk), f"version in {json.dumps([v for _, v, _ in chunk])}")
    # a version is whole only once all of its units are in: a later publish trusts these rows
    for chunk in chunks:
        client.insert(STORE_DOCS, [{"version": v, "doc_id": d, "units": len(units), "v": [0.0, 0.0]} for d, v, units in chunk])
    client.flush(STORE_DOCS)
    return {doc_id: (version, len(units)) for doc_id, (version, units) in versions.items()}


def _unit_entity(version: str, seq: int, unit: Unit) -> dict:
    data = _unit_json(unit)
    if len(data.encode()) > MAX_TEXT:
        raise AssistantError(f"The unit {unit.id} is longer than Milvus' text field holds ({MAX_TEXT} bytes).")
    return {
        "key": f"{version}:{seq}",
        "version": version,
        "unit_id": unit.id,
        "kind": str(unit.kind),
        "seq": seq,
        "data": data,
        "v": [0.0, 0.0],
    }


def _publish_build(client, index: Index, target: str, versions: dict[str, tuple[str, int]]) -> None:
    """The build's side collections: which version of each document it holds, and its corpus statistics."""
    from pymilvus import DataType

    for name in (STATS_OF + target, DOCS_OF + target):
        if client.has_collection(name):
            client.drop_collection(name)
    stats = STATS_OF + target
    if index.statistics is not None:
        _side_collection(
            client, stats, [("n", DataType.INT64, {}), ("token", DataType.VARCHAR, {"max_length": MAX_TEXT}), ("count", DataType.INT64, {})]
        )
        counted = list(index.statistics.items())
        for start in range(0, len(counted), BATCH):
            batch = counted[start : start + BATCH]
            client.insert(stats, [{"n": start + i, "token": t, "count": c, "v": [0.0, 0.0]} for i, (t, c) in enumerate(batch)])
        client.flush(stats)
        _check_count(client, stats, len(counted))
    docs = DOCS_OF + target  # written last: its presence says the build is whole
    _side_collection(
        client,
        docs,
        [
            ("doc_id", DataType.VARCHAR, {"max_length": 512}),
            ("version", DataType.VARCHAR, {"max_length": 512}),
            ("units", DataType.INT64, {}),
        ],
    )
    client.insert(docs, [{"doc_id": d, "version": v, "units": n, "v": [0.0, 0.0]} for d, (v, n) in versions.items()])
    client.flush(docs)
    _check_count(client, docs, len(versions))


def _all_rows(client, name: str, fields: list[str]) -> list[dict]:
    """Every row of a collection (past Milvus' largest query result, through an iterator)."""
    quiet = logging.getLogger("pymilvus")
    level, quiet.level = quiet.level, logging.ERROR  # the iterator warns that milvus-lite gives it no timestamp
    try:
        iterator = client.query_iterator(name, batch_size=WINDOW // 4, filter="", output_fields=fields)
        rows: list[dict] = []
        while batch := iterator.next():
            rows += batch
        iterator.close()
        return rows
    finally:
        quiet.level = level


def _forget_versions(client, builds: set[str | None]) -> None:
    """Deletes the document versions no kept build holds."""
    used: set[str] = set()
    for build in builds:
        if build and client.has_collection(DOCS_OF + build):
            client.load_collection(DOCS_OF + build)
            used.update(row["version"] for row in _all_rows(client, DOCS_OF + build, ["version"]))
    stale = [row["version"] for row in _all_rows(client, STORE_DOCS, ["version"]) if row["version"] not in used]
    for start in range(0, len(stale), BATCH):
        names = json.dumps(stale[start : start + BATCH])
        client.delete(STORE_DOCS, filter=f"version in {names}")
        client.delete(STORE, filter=f"version in {names}")


def _entity(position: int, unit, tokens: str, vector: np.ndarray) -> dict:
    return {"pos": position, "doc_id": unit.doc_id, "unit_id": unit.id, "tokens": tokens, "vector": vector.tolist()}


class MilvusBackend:
    """Candidates from one Milvus collection: BM25 over the tokens field, cosine over the vector field."""

    name = MILVUS

    def __init__(self, client, collection: str, size: int, versions: dict[str, tuple[str, int]] | None = None) -> None:
        self._client = client
        self.collection = collection
        self._size = size
        self._versions = versions or {}  # doc id → (version in the unit store, unit count)
        self._documents: OrderedDict[str, tuple[Unit, ...]] = OrderedDict()  # the last DOC_CACHE documents read
        self._statistics: dict[str, int] | None = None

    @classmethod
    def open(cls, address: str, index: Index) -> MilvusBackend:
        """The live collection at `address`, checked to hold the build of `index`.

        The backend searches that collection by name, not the alias: positions must match the
        replica's loaded index, so a replica moves to a new build when it reloads, not mid-request.

        Raises:
            IndexNotBuilt: nothing published yet; IndexStale: Milvus holds another build.
        """
        client = connect(address)
        live = live_collection(client)
        wanted = build_key(index)
        if live is None:
            client.close()
            raise IndexNotBuilt(f"Milvus at {address} holds no index yet; {REBUILD}.")
        if live != wanted:
            if not client.has_collection(wanted):
                client.close()
                raise IndexStale(f"Milvus at {address} holds another build than the index in this folder; {REBUILD}.")
            live = wanted  # a replica not yet reloaded after a newer build: keep serving the one it knows
        if not client.has_collection(DOCS_OF + live):
            client.close()
            raise IndexStale(f"Milvus at {address} holds this build's search rows but not its units (an older publish); {REBUILD}.")
        for name in (live, DOCS_OF + live, STORE):
            client.load_collection(name)
        if client.has_collection(STATS_OF + live):
            client.load_collection(STATS_OF + live)
        rows = _all_rows(client, DOCS_OF + live, ["doc_id", "version", "units"])
        return cls(client, live, len(index.rows), {row["doc_id"]: (row["version"], int(row["units"])) for row in rows})

    @property
    def size(self) -> int:
        return self._size

    def close(self) -> None:
        self._client.close()

    def _filter(self, doc: str | None) -> str:
        return f"doc_id == {json.dumps(doc, ensure_ascii=False)}" if doc else ""

    def lexical(self, tokens: list[str], k: int, doc: str | None = None) -> Ranked:
        if not tokens or k <= 0:
            return []
        found = self._client.search(
            self.collection,
            data=[" ".join(tokens)],
            anns_field="sparse",
            limit=min(k, self._size),
            filter=self._filter(doc),
            search_params={"metric_type": "BM25"},
        )
        return [(position, score * BM25_SCALE) for position, score in _ranked(found[0], k)]

    def dense(self, vectors: np.ndarray, k: int, doc: str | None = None) -> list[Ranked]:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        results: list[Ranked] = [[] for _ in range(len(vectors))]
        asked = [i for i, v in enumerate(vectors) if np.any(v)]  # a zero vector matches nothing (as locally)
        if not asked or k <= 0:
            return results
        found = self._client.search(
            self.collection,
            data=[vectors[i].tolist() for i in asked],
            anns_field="vector",
            limit=min(k, self._size),
            filter=self._filter(doc),
            search_params={"metric_type": "IP"},
        )
        for i, hits in zip(asked, found, strict=True):
            results[i] = _ranked(hits, k)
        return results

    def unit(self, unit_id: str) -> Unit | None:
        if not isinstance(unit_id, str) or not unit_id or not self._versions:
            return None
        versions = json.dumps([version for version, _ in self._versions.values()])
        rows = self._client.query(
            STORE, filter=f"unit_id == {json.dumps(unit_id, ensure_ascii=False)} and version in {versions}", limit=1, output_fields=["data"]
        )
        return Unit.from_json(json.loads(rows[0]["data"])) if rows else None

    def units_of(self, doc_id: str, kinds: Collection[str] | None = None) -> tuple[Unit, ...]:
        units = self._documents.get(doc_id)
        if units is None:
            units = self._read_document(doc_id)
            self._documents[doc_id] = units
            if len(self._documents) > DOC_CACHE:
                self._documents.popitem(last=False)
        else:
            self._documents.move_to_end(doc_id)
        return units if kinds is None else tuple(u for u in units if u.kind in kinds)

    def units_of_each(self, doc_ids: list[str], kinds: Collection[str] | None = None) -> dict[str, tuple[Unit, ...]]:
        """Reads the documents not in the cache together, as many per query as fit in Milvus' largest result."""
        found = {doc_id: self._documents[doc_id] for doc_id in doc_ids if doc_id in self._documents}
        missing = [d for d in dict.fromkeys(doc_ids) if d not in found and self._versions.get(d, ("", 0))[1] > 0]
        group: list[str] = []
        for doc_id in [*missing, None]:
            size = sum(self._versions[d][1] for d in group)
            if group and (doc_id is None or size + self._versions[doc_id][1] > WINDOW):
                if len(group) == 1:  # one document as large as a window or more: read by windows
                    found[group[0]] = self._read_document(group[0])
                else:
                    found.update(self._read_documents(group))
                group = []
            if doc_id is not None:
                group.append(doc_id)
        units = {doc_id: found.get(doc_id, ()) for doc_id in doc_ids}
        return units if kinds is None else {d: tuple(u for u in us if u.kind in kinds) for d, us in units.items()}

    def _read_documents(self, doc_ids: list[str]) -> dict[str, tuple[Unit, ...]]:
        by_version = {self._versions[d][0]: d for d in doc_ids}
        rows = self._client.query(
            STORE, filter=f"version in {json.dumps(list(by_version))}", limit=WINDOW, output_fields=["version", "seq", "data"]
        )
        grouped: dict[str, list[dict]] = {d: [] for d in doc_ids}
        for row in rows:
            grouped[by_version[row["version"]]].append(row)
        read = {}
        for doc_id, found in grouped.items():
            if len(found) != self._versions[doc_id][1]:
                raise IndexStale(f"Milvus holds {len(found)} of the {self._versions[doc_id][1]} units of {doc_id}; {REBUILD}.")
            read[doc_id] = tuple(Unit.from_json(json.loads(row["data"])) for row in sorted(found, key=lambda row: row["seq"]))
        return read

    def _read_document(self, doc_id: str) -> tuple[Unit, ...]:
        version, count = self._versions.get(doc_id, ("", 0))
        rows: list[dict] = []
        for start in range(0, count, WINDOW):
            where = f'version == "{version}" and seq >= {start} and seq < {start + WINDOW}'
            rows += self._client.query(STORE, filter=where, limit=WINDOW, output_fields=["seq", "data"])
        if len(rows) != count:
            raise IndexStale(f"Milvus holds {len(rows)} of the {count} units of {doc_id}; {REBUILD}.")
        return tuple(Unit.from_json(json.loads(row["data"])) for row in sorted(rows, key=lambda row: row["seq"]))

    def statistics(self) -> dict[str, int] | None:
        if self._statistics is None and self._client.has_collection(STATS_OF + self.collection):
            name = STATS_OF + self.collection
            total = self._client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"]
            rows: list[dict] = []
            for start in range(0, total, WINDOW):
                rows += self._client.query(
                    name, filter=f"n >= {start} and n < {start + WINDOW}", limit=WINDOW, output_fields=["n", "token", "count"]
                )
            self._statistics = {row["token"]: int(row["count"]) for row in sorted(rows, key=lambda row: row["n"])}
        return self._statistics


def _ranked(hits, k: int) -> Ranked:
    """Milvus' hits as (position, score), best first, ties broken by position as locally."""
    pairs = [(int(hit["id"]), float(hit["distance"])) for hit in hits]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))[:k]
