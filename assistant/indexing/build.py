"""Build: index/ from the corpus (units, BM25, the embedder, FAISS, manifest), reusing what is unchanged.

A build reuses what the previous index already holds for unchanged documents (reuse.py) and writes
into a staging folder that replaces the index only when it is whole (staging.py).
"""

from __future__ import annotations

import json
import logging
import shutil
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from ..config import LOCAL_EMBEDDER, Settings
from ..corpus.manifest import Source, left_out, read_or_report, scan_corpus, unlisted_warning
from ..errors import CorpusError, IndexDamaged, IndexNotBuilt, IndexStale, IndexUnwritable
from ..records import SEARCHABLE_KINDS, DocumentSpec, Unit
from .dense import DenseIndex
from .embedding import Embedder, train_local_embedder
from .lexical import LexicalIndex
from .reuse import DOCS_DIR, Previous, embedder_fingerprint, parser_version, texts_hash, tokenizer_version, write_units, write_words
from .staging import staged
from .store import BM25_DIR, EMBEDDER_DIR, FORMAT, MANIFEST, OWNED, VECTORS, Index, load_index, read_manifest, write_statistics
from .tokenizer import Analysis, Tokenizer

log = logging.getLogger(__name__)


def index_text(unit: Unit) -> str:
    """What BM25 sees: the two innermost headings, the label and the body (headings name topics)."""
    return " ".join(index_pieces(unit))


def index_pieces(unit: Unit) -> list[str]:
    """`index_text` in pieces, the last two being `dense_text`'s (see `Tokenizer.analyse`)."""
    return [*unit.path[-2:], unit.label, unit.body]


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
    """What a build did, for the CLI to print.

    `parsed` documents were read and structured, `reused` ones taken from the previous index
    unchanged; `embedded` documents were encoded, `vectors_reused` ones kept their vectors.
    """

    index_dir: Path
    documents: int
    units: int
    searchable: int
    seconds: float
    embedder: str
    problems: tuple[str, ...] = ()
    parsed: int = 0
    reused: int = 0
    embedded: int = 0
    vectors_reused: int = 0
    embedder_trained: bool = False


@dataclass(frozen=True)
class _Document:
    """A document as the build holds it: its entry, its file's hash, its units, and whether they were cached."""

    spec: DocumentSpec
    sha256: str
    units: tuple[Unit, ...]
    cached: bool
    rows: tuple[Unit, ...]  # the searchable ones


def build_index(settings: Settings, strict: bool | None = None) -> BuildReport:
    """Writes a complete index of the corpus, reusing what is unchanged, swapped in only when it is whole.

    A file that cannot be read is left out and named in `BuildReport.problems` (unless strict).
    The new index is written to a sibling staging folder; the old one stays usable until the
    final rename, so an interrupted or failed build leaves it untouched.

    Args:
        settings: the corpus and index folders, the embedding model, and `strict`.
        strict: overrides `settings.strict`: fail at the first file that cannot be read.

    Raises:
        CorpusError: the corpus cannot be read, has nothing to index, or (strict) a file is bad.
        IndexUnwritable: the index folder cannot be written.
        AssistantError: the embedding model cannot be loaded; another build is running.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    strict = settings.strict if strict is None else strict
    scan = scan_corpus(corpus_dir, strict=strict)
    local = settings.embedding_model == LOCAL_EMBEDDER
    with staged(index_dir, OWNED, MANIFEST) as staging:
        previous = Previous.open(index_dir, MANIFEST, FORMAT)
        problems = list(scan.problems)
        parser = parser_version()
        found = (_document(source, previous, parser, strict, problems) for source in scan.sources)
        documents = [document for document in found if document is not None]
        problems.extend(left_out(path) for path in scan.others)
        rows = [unit for document in documents for unit in document.rows]
        if not rows:
            raise CorpusError(f"The corpus in {corpus_dir} has no text to index; add documents and rebuild.")

        sizes = {}
        for document in documents:
            path = write_units(staging, document.spec.id, document.units)
            sizes[f"{DOCS_DIR}/{path.name}"] = path.stat().st_size
        tokenizer, words_version = Tokenizer(), tokenizer_version()
        analysis = _lexical(documents, rows, previous, tokenizer, words_version, staging, sizes)
        dense_hashes = [texts_hash([dense_text(unit) for unit in document.rows]) for document in documents]
        fingerprint = embedder_fingerprint(settings.embedding_model, local, dense_hashes)
        reused_embedder = previous.embedder_dir(fingerprint, EMBEDDER_DIR) if local else None
        if local:
            if reused_embedder is not None:
                shutil.copytree(reused_embedder, staging / EMBEDDER_DIR)
            else:
                train_local_embedder([dense_text(u) for u in rows], staging / EMBEDDER_DIR, tokenizer, words=analysis.words)
        vectors, embedded = _vectors(documents, dense_hashes, previous, fingerprint, settings.embedding_model, staging)
        DenseIndex.build(vectors).save(staging / VECTORS)
        sizes[VECTORS] = (staging / VECTORS).stat().st_size
        embedder = {"name": settings.embedding_model, "local": local, "dim": int(vectors.shape[1]), "fingerprint": fingerprint}
        manifest = _manifest(scan.digest, documents, dense_hashes, (parser, words_version), embedder, sizes)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    cached = sum(d.cached for d in documents)
    return BuildReport(
        index_dir, len(documents), manifest["unit_count"], len(rows), time.perf_counter() - started, settings.embedding_model,
        tuple(problems), parsed=len(documents) - cached, reused=cached, embedded=embedded, vectors_reused=len(documents) - embedded,
        embedder_trained=local and reused_embedder is None,
    )  # fmt: skip


def _lexical(
    documents: list[_Document], rows: list[Unit], previous: Previous, tokenizer: Tokenizer, words_version: str, staging: Path, sizes: dict
) -> Analysis:
    """Segments every row (reusing the words of unchanged documents), writes each document's words and the BM25 index."""
    segmented: dict[str, list[str]] = {}
    for document in documents:
        if document.cached:
            segmented.update(previous.segmented(document.spec.id, words_version, document.rows))
    analysis = tokenizer.analyse([index_pieces(unit) for unit in rows], segmented)
    for document in documents:
        path = write_words(staging, document.spec.id, document.rows, analysis.segmented)
        sizes[f"{DOCS_DIR}/{path.name}"] = path.stat().st_size
    LexicalIndex.build(analysis.tokens).save(staging / BM25_DIR)
    path = write_statistics(staging, rows, tokenizer, analysis.segmented)
    sizes[path.name] = path.stat().st_size
    return analysis


def _manifest(
    digest: str, documents: list[_Document], dense_hashes: list[str], versions: tuple[str, str], embedder: dict, sizes: dict
) -> dict:
    """What the index folder holds: per document its file, hash, parser and tokenizer versions and counts; the embedder."""
    parser, words_version = versions
    return {
        "format": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus_hash": digest,
        "documents": [
            {
                "id": d.spec.id,
                "title": d.spec.title,
                "short": d.spec.short,
                "file": d.spec.file,
                "aliases": list(d.spec.aliases),
                "sha256": d.sha256,
                "parser": parser,
                "tokenizer": words_version,
                "units": len(d.units),
                "searchable": len(d.rows),
                "dense_hash": dense_hash,
            }
            for d, dense_hash in zip(documents, dense_hashes, strict=True)
        ],
        "unit_count": sum(len(d.units) for d in documents),
        "searchable_count": sum(len(d.rows) for d in documents),
        "embedder": embedder,
        "versions": _versions(),
        "sizes": sizes,
    }


def _document(source: Source, previous: Previous, parser: str, strict: bool, problems: list[str]) -> _Document | None:
    """A document's units, from the previous index when its file is unchanged, else parsed; None if unreadable."""
    spec = source.spec
    units = previous.units(spec.id, spec.file, source.sha256, parser, spec.title if source.listed else None)
    cached = units is not None
    if units is None:
        with _reader_warnings(source, problems):
            parsed = read_or_report(source, strict, problems)
        if parsed is None:
            return None
        spec, units = parsed.spec, parsed.units
    elif not source.listed:
        title = previous.title(spec.id)  # a file without an entry is titled from its first line, unchanged
        spec = DocumentSpec(id=spec.id, title=title, short=title, file=spec.file)
    if not source.listed:
        problems.append(unlisted_warning(source, spec.title))
    rows = tuple(unit for unit in units if unit.kind in SEARCHABLE_KINDS)
    return _Document(spec, source.sha256, units, cached, rows)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _reader_warnings(source: Source, problems: list[str]) -> Iterator[None]:
    """What pypdf logs or warns while reading a file becomes one problem naming the file (it printed unprefixed).

    A file that could not be read at all is named by its own problem already; its warnings are left out.
    """
    if source.path.suffix.lower() != ".pdf":
        yield
        return
    logger = logging.getLogger("pypdf")
    handler, propagate, before = _Collect(), logger.propagate, len(problems)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    said = list(dict.fromkeys([*handler.messages, *(str(w.message) for w in caught)]))
    if said and len(problems) == before:
        problems.append(f"{source.path}: the PDF reader warned: {'; '.join(m.strip() for m in said)}.")


def _vectors(
    documents: list[_Document], dense_hashes: list[str], previous: Previous, fingerprint: str, model: str, staging: Path
) -> tuple[np.ndarray, int]:
    """Every row's vector in index order, and how many documents had to be encoded."""
    parts: list[np.ndarray | None] = [
        previous.vectors(d.spec.id, fingerprint, dense_hash, VECTORS) for d, dense_hash in zip(documents, dense_hashes, strict=True)
    ]
    missing = [i for i, part in enumerate(parts) if part is None]
    if missing:
        embedder = Embedder.load(staging / EMBEDDER_DIR, local=True) if model == LOCAL_EMBEDDER else Embedder.load(model)
        texts = [dense_text(unit) for i in missing for unit in documents[i].rows]
        encoded = embedder.encode(texts)
        start = 0
        for i in missing:
            count = len(documents[i].rows)
            parts[i] = encoded[start : start + count]
            start += count
    return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32), len(missing)



def ensure_index(settings: Settings) -> Index:
    """Loads the index, building it first when it is missing, stale or damaged (the run command).

    An index that is only behind a changed corpus but cannot be rebuilt (a read-only index folder)
    is served as it is, with a warning saying so, rather than not at all.
    """
    try:
        return load_index(settings)
    except (IndexNotBuilt, IndexStale, IndexDamaged) as reason:
        try:
            build_index(settings)
        except IndexUnwritable as error:
            if not isinstance(reason, IndexStale) or not _same_embedder(settings):
                raise
            log.warning("warning: %s The index built from the previous corpus is served until it can be rebuilt.", error)
            return load_index(settings, check_corpus=False)
        return load_index(settings)


def _same_embedder(settings: Settings) -> bool:
    """Whether the index was built with the configured embedder (then only the corpus changed)."""
    try:
        return read_manifest(Path(settings.index_dir)).get("embedder", {}).get("name") == settings.embedding_model
    except (IndexNotBuilt, IndexDamaged):
        return False


