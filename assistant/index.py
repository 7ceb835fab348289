"""Index: build index/ from the corpus (BM25 + FAISS + embedder + manifest) and load it back, checked."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import records
from .config import LOCAL_EMBEDDER, Settings
from .dense import DenseIndex
from .documents import corpus_hash, load_corpus, load_manifest
from .embedding import Embedder, train_local_embedder
from .errors import AssistantError, CorpusError, IndexDamaged, IndexNotBuilt, IndexStale, IndexUnwritable
from .lexical import LexicalIndex, Tokenizer
from .records import Unit

FORMAT = 1
MANIFEST = "manifest.json"
UNITS = "units.jsonl"
BM25_DIR = "bm25"
VECTORS = "vectors.faiss"
EMBEDDER_DIR = "embedder"
OWNED = {MANIFEST, UNITS, BM25_DIR, VECTORS, EMBEDDER_DIR}
REBUILD = "run `assistant build` (or `make index`) to rebuild it"


def index_text(unit: Unit) -> str:
    """What BM25 sees: the two innermost headings, the label and the body (headings name topics)."""
    return " ".join([*unit.path[-2:], unit.label, unit.body])


def dense_text(unit: Unit) -> str:
    """What the embedder sees: the label and the body."""
    return f"{unit.label} {unit.body}"


def _versions() -> dict[str, str]:
    versions = {}
    for package in ("assistant", "bm25s", "faiss-cpu", "sentence-transformers", "jieba", "torch"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI to print."""

    index_dir: Path
    documents: int
    units: int
    searchable: int
    seconds: float
    embedder: str
    problems: tuple[str, ...] = ()


def build_index(settings: Settings) -> BuildReport:
    """Parses the corpus and writes a complete index, swapped in only when it is whole.

    The new index is written to a sibling staging folder; the old one stays usable until the
    final rename, so an interrupted or failed build leaves it untouched.

    Raises:
        CorpusError: the corpus cannot be read.
        AssistantError: the embedding model cannot be loaded.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    specs = load_manifest(corpus_dir)
    documents = load_corpus(corpus_dir)
    units = [unit for document in documents for unit in document.units]
    rows = [unit for unit in units if unit.kind in records.SEARCHABLE_KINDS]
    if not rows:
        raise CorpusError(f"The corpus in {corpus_dir} has no text to index; add documents and rebuild.")

    staging = index_dir.parent / f".{index_dir.name}.building-{os.getpid()}"
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    except OSError as error:
        raise _unwritable(index_dir, error) from None
    try:
        tokenizer = Tokenizer()
        lexical = LexicalIndex.build(tokenizer.tokens_batch([index_text(u) for u in rows]))
        lexical.save(staging / BM25_DIR)
        if settings.embedding_model == LOCAL_EMBEDDER:
            train_local_embedder([dense_text(u) for u in rows], staging / EMBEDDER_DIR, tokenizer)
            embedder = Embedder.load(staging / EMBEDDER_DIR, local=True)
        else:
            embedder = Embedder.load(settings.embedding_model)
        vectors = embedder.encode([dense_text(u) for u in rows])
        DenseIndex.build(vectors).save(staging / VECTORS)
        with open(staging / UNITS, "w", encoding="utf-8") as handle:
            for unit in units:
                handle.write(json.dumps(unit.to_json(), ensure_ascii=False) + "\n")
        manifest = {
            "format": FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "corpus_hash": corpus_hash(corpus_dir, specs),
            "documents": [
                {
                    "id": d.spec.id,
                    "title": d.spec.title,
                    "short": d.spec.short,
                    "file": d.spec.file,
                    "aliases": list(d.spec.aliases),
                    "units": len(d.units),
                }
                for d in documents
            ],
            "unit_count": len(units),
            "searchable_count": len(rows),
            "embedder": {"name": settings.embedding_model, "local": settings.embedding_model == LOCAL_EMBEDDER, "dim": embedder.dim},
            "versions": _versions(),
            "sizes": {UNITS: (staging / UNITS).stat().st_size, VECTORS: (staging / VECTORS).stat().st_size},
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(staging, index_dir)
    except OSError as error:  # disk full, permissions, index_dir is a file: the old index stays
        shutil.rmtree(staging, ignore_errors=True)
        raise _unwritable(index_dir, error) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(index_dir, len(documents), len(units), len(rows), time.perf_counter() - started, settings.embedding_model)


def _unwritable(index_dir: Path, error: OSError) -> IndexUnwritable:
    # Worded as the scale branch's staging.unwritable, which replaces this on merge.
    blocking = next((p for p in [*reversed(index_dir.parents), index_dir] if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        reason, remedy = f"{blocking} is a file, not a folder", f"move {blocking} away"
    else:
        reason, remedy = error.strerror or type(error).__name__, f"make {index_dir.parent} writable for this user"
    return IndexUnwritable(
        f"Cannot write the index to {index_dir} ({reason}); {remedy}, "
        "or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere."
    )


def _swap_in(staging: Path, index_dir: Path) -> None:
    """Replaces index_dir by staging, keeping files of index_dir that a build does not own (README)."""
    if index_dir.exists():
        for entry in index_dir.iterdir():
            if entry.name not in OWNED and not (staging / entry.name).exists() and entry.is_file():
                shutil.copy2(entry, staging / entry.name)
        old = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(index_dir, old)
        os.replace(staging, index_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, index_dir)


@dataclass(frozen=True)
class Index:
    """A loaded index: every unit, the searchable rows and the two search structures."""

    units: tuple[Unit, ...]
    rows: tuple[Unit, ...]
    lexical: LexicalIndex
    dense: DenseIndex
    embedder: Embedder
    tokenizer: Tokenizer
    manifest: dict

    def doc_range(self, doc_id: str) -> tuple[int, int]:
        """[start, end) of a document's rows (rows are in document order).

        Raises:
            CorpusError: no such document in the index.
        """
        positions = [i for i, unit in enumerate(self.rows) if unit.doc_id == doc_id]
        if not positions:
            known = ", ".join(d["id"] for d in self.manifest["documents"])
            raise CorpusError(f"There is no document with id {doc_id!r} in the index; known ids: {known}.")
        return positions[0], positions[-1] + 1

    @property
    def documents(self) -> list[dict]:
        return list(self.manifest["documents"])


def read_manifest(index_dir: Path) -> dict:
    """The manifest of an index folder.

    Raises:
        IndexNotBuilt / IndexDamaged: there is none, or it cannot be read.
    """
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise IndexNotBuilt(f"There is no index in {index_dir}; run `assistant build` (or `make run`, which builds it).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexDamaged(f"{path} is damaged; {REBUILD}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexStale(f"The index in {index_dir} was made by another version of the assistant; {REBUILD}.")
    if not _well_formed(manifest):
        raise IndexDamaged(f"{path} lacks part of what a build writes; {REBUILD}.")
    return manifest


def _well_formed(manifest: dict) -> bool:
    """True when the manifest has the fields loading and the app read, with their types."""
    documents = manifest.get("documents")
    return (
        isinstance(documents, list)
        and all(isinstance(d, dict) and all(isinstance(d.get(key), str) for key in ("id", "title", "short")) for d in documents)
        and isinstance(manifest.get("unit_count"), int)
        and isinstance(manifest.get("sizes", {}), dict)
        and isinstance(manifest.get("embedder"), dict)
    )


def check_fresh(settings: Settings, manifest: dict) -> None:
    """Raises IndexStale when the corpus or the embedder setting changed since the build."""
    corpus_dir = Path(settings.corpus_dir)
    if (corpus_dir / "documents.toml").is_file():
        specs = load_manifest(corpus_dir)
        try:
            current = corpus_hash(corpus_dir, specs)
        except OSError:
            current = ""
        if current != manifest.get("corpus_hash"):
            raise IndexStale(f"The index in {settings.index_dir} was built from another version of the corpus; {REBUILD}.")
    if manifest.get("embedder", {}).get("name") != settings.embedding_model:
        raise IndexStale(
            f"The index was built with the embedder {manifest.get('embedder', {}).get('name')!r}, "
            f"not {settings.embedding_model!r}; {REBUILD}."
        )


def load_index(settings: Settings, check_corpus: bool = True) -> Index:
    """Loads and checks the index.

    Raises:
        IndexNotBuilt, IndexStale, IndexDamaged: each with the command that repairs it.
    """
    index_dir = Path(settings.index_dir)
    manifest = read_manifest(index_dir)
    if check_corpus:
        check_fresh(settings, manifest)
    for name, size in manifest.get("sizes", {}).items():
        path = index_dir / name
        if not path.is_file() or path.stat().st_size != size:
            raise IndexDamaged(f"{path} is missing or truncated; {REBUILD}.")
    try:
        units = tuple(_unit(json.loads(line)) for line in (index_dir / UNITS).read_text(encoding="utf-8").splitlines() if line)
        lexical = LexicalIndex.load(index_dir / BM25_DIR)
        dense = DenseIndex.load(index_dir / VECTORS)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise IndexDamaged(f"The index in {index_dir} cannot be read ({type(error).__name__}); {REBUILD}.") from None
    rows = tuple(u for u in units if u.kind in records.SEARCHABLE_KINDS)
    if lexical.size != len(rows) or dense.size != len(rows) or len(units) != manifest.get("unit_count"):
        raise IndexDamaged(f"The files in {index_dir} disagree on the number of units; {REBUILD}.")
    embedder_info = manifest.get("embedder", {})
    if embedder_info.get("local"):
        try:
            embedder = Embedder.load(index_dir / EMBEDDER_DIR, local=True)
        except AssistantError:  # the index's own model folder: a rebuild makes it again
            raise IndexDamaged(f"The embedder in {index_dir / EMBEDDER_DIR} cannot be loaded; {REBUILD}.") from None
    else:
        embedder = Embedder.load(embedder_info.get("name", ""))
    if embedder.dim != dense.dim:
        raise IndexDamaged(f"The embedder and the vectors in {index_dir} have different sizes; {REBUILD}.")
    return Index(units, rows, lexical, dense, embedder, Tokenizer(), manifest)


def ensure_index(settings: Settings) -> Index:
    """Loads the index, building it first when it is missing, stale or damaged (the run command)."""
    try:
        return load_index(settings)
    except (IndexNotBuilt, IndexStale, IndexDamaged):
        build_index(settings)
        return load_index(settings)


def _unit(data: dict) -> Unit:
    data = dict(data)
    data["path"] = tuple(data["path"])
    return Unit(**data)


def warm(index: Index) -> None:
    """Runs one query through both sides so the first user does not pay for lazy set-up."""
    index.lexical.scores(index.tokenizer.tokens("老矿区"))
    index.dense.search(index.embedder.encode(["老矿区"]), 1)
