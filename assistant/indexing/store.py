"""Store: the index folder's layout, and loading it back checked (manifest, sizes, counts, embedder).

`build.py` writes the folder; a loaded `Index` holds every unit, the searchable rows, BM25, FAISS,
the embedder and the tokenizer.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..config import Settings
from ..corpus.headings import HeadingFamilies
from ..corpus.manifest import corpus_hash
from ..errors import AssistantError, CorpusError, IndexDamaged, IndexNotBuilt, IndexStale
from ..records import SEARCHABLE_KINDS, DocumentSpec, Unit
from .dense import DenseIndex
from .embedding import Embedder
from .lexical import LexicalIndex
from .reuse import DOCS_DIR, read_units, units_file
from .staging import recover_swap
from .tokenizer import Tokenizer, use_cache

FORMAT = 2
MANIFEST = "manifest.json"
BM25_DIR = "bm25"
VECTORS = "vectors.faiss"
EMBEDDER_DIR = "embedder"
STATISTICS = "statistics.tsv"  # per token, the searchable units holding it (label and body): the scorer's weights
OWNED = frozenset({MANIFEST, DOCS_DIR, BM25_DIR, VECTORS, EMBEDDER_DIR, STATISTICS, "units.jsonl"})  # units.jsonl: format 1
REBUILD = "run `assistant build` (or `make index`) to rebuild it"


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
    statistics: dict[str, int] | None = None  # token → searchable units holding it (None: an index from before)

    def doc_range(self, doc_id: str) -> tuple[int, int]:
        """[start, end) of a document's rows (rows are in document order).

        Raises:
            CorpusError: no such document in the index.
        """
        if not isinstance(doc_id, str) or doc_id not in self._ranges:
            known = ", ".join(d["id"] for d in self.manifest["documents"])
            raise CorpusError(f"There is no document with id {doc_id!r} in the index; known ids: {known}.")
        return self._ranges[doc_id]

    @cached_property
    def _ranges(self) -> dict[str, tuple[int, int]]:
        ranges: dict[str, tuple[int, int]] = {}
        for position, unit in enumerate(self.rows):
            start, _ = ranges.get(unit.doc_id, (position, position))
            ranges[unit.doc_id] = (start, position + 1)
        return ranges

    @cached_property
    def families(self) -> HeadingFamilies:
        """The searchable units under each heading, for questions that name a heading."""
        return HeadingFamilies(self.rows)

    @cached_property
    def documents(self) -> tuple[DocumentSpec, ...]:
        """The indexed documents in index order, as the corpus manifest described them."""
        return tuple(
            DocumentSpec(id=d["id"], title=d["title"], short=d["short"], file=d.get("file", ""), aliases=tuple(d.get("aliases", ())))
            for d in self.manifest["documents"]
        )


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
    """Raises IndexStale when the corpus or the embedder setting changed since the build.

    Without a corpus folder (an index deployed on its own) only the embedder setting is checked.

    Raises:
        IndexStale: the corpus or the embedder setting changed.
        CorpusError: the corpus' manifest cannot be read.
    """
    corpus_dir = Path(settings.corpus_dir)
    if corpus_dir.is_dir() and corpus_hash(corpus_dir) != manifest.get("corpus_hash"):
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
    recover_swap(index_dir, MANIFEST)  # a build killed between the two renames of its swap (issue 20)
    manifest = read_manifest(index_dir)
    if check_corpus:
        check_fresh(settings, manifest)
    for name, size in manifest.get("sizes", {}).items():
        path = index_dir / name
        if not path.is_file() or path.stat().st_size != size:
            raise IndexDamaged(f"{path} is missing or truncated; {REBUILD}.")
    try:
        units = tuple(unit for entry in manifest["documents"] for unit in read_units(units_file(index_dir, entry["id"])))
        lexical = LexicalIndex.load(index_dir / BM25_DIR)
        dense = DenseIndex.load(index_dir / VECTORS)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise IndexDamaged(f"The index in {index_dir} cannot be read ({type(error).__name__}); {REBUILD}.") from None
    rows = tuple(u for u in units if u.kind in SEARCHABLE_KINDS)
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
    use_cache(index_dir)  # the answer stage's word lists (place names, nouns) come from the same folder
    statistics = read_statistics(index_dir, len(rows))
    return Index(units, rows, lexical, dense, embedder, Tokenizer(cache=index_dir), manifest, statistics)


def write_statistics(folder: Path, rows: list[Unit], tokenizer: Tokenizer, segmented: dict[str, list[str]]) -> Path:
    """Writes, per token, how many searchable units hold it in their label or body (`statistics.tsv`).

    The answer stage weighs a question's words by these counts; computed at build time from the words
    the build segmented anyway, so loading an index of thousands of plans does not segment every unit
    again (at 600 plans that took most of a 14 s load).
    """
    memo: dict[str, frozenset[str]] = {}

    def tokens(piece: str) -> frozenset[str]:
        if piece not in memo:
            known = segmented.get(piece)
            memo[piece] = frozenset(tokenizer.tokens_of(piece, known) if known is not None else tokenizer.tokens(piece))
        return memo[piece]

    frequency: Counter[str] = Counter()
    for unit in rows:
        frequency.update(tokens(unit.label) | tokens(unit.body))  # jieba never joins words across the space between them
    path = folder / STATISTICS
    lines = [json.dumps({"rows": len(rows)}), *(f"{token}\t{count}" for token, count in sorted(frequency.items()))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_statistics(folder: Path, rows: int) -> dict[str, int] | None:
    """The token counts `write_statistics` wrote for `rows` units, or None (an older index, another row count)."""
    try:
        head, *lines = (folder / STATISTICS).read_text(encoding="utf-8").splitlines()
        if json.loads(head).get("rows") != rows:
            return None
        return {token: int(count) for token, _, count in (line.rpartition("\t") for line in lines)}
    except (OSError, ValueError, AttributeError):
        return None



def warm(index: Index) -> None:
    """Runs one query through both sides so the first user does not pay for lazy set-up."""
    index.lexical.scores(index.tokenizer.tokens("老矿区"))
    index.dense.search(index.embedder.encode(["老矿区"]), 1)
