"""Reuse: what the previous index lends a rebuild — units of unchanged files, their words, its embedder, its vectors.

A document's units are reused when its file's sha256, its id and the parser version are those the
previous index recorded; only its title (which the manifest may have changed) is renewed. So are the
jieba words of its units' labels and bodies (`docs/<id>.words.txt`) while the tokenizer is the same:
segmentation is most of a build's time at 100k units, and BM25 must be rebuilt over all of them. Vectors
are reused per document when the embedder's fingerprint and the document's embedded texts are the
same; the local embedder's fingerprint covers every text it is trained on, so it is retrained (and
every unit re-encoded) as soon as any text changes, and reused whole when none did.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import replace
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from ..records import Unit
from .dense import DenseIndex

# The modules whose code decides the units of a file, and the files whose content decides what
# the local embedder learns: a change to any of them invalidates what was made with the old ones.
# Modules are named by import, not by path, so a module that moves is still hashed (or fails loudly).
PARSER_MODULES = (
    "assistant.corpus.readers",
    "assistant.corpus.normalise",
    "assistant.corpus.layout",
    "assistant.corpus.word",
    "assistant.corpus.repair",
    "assistant.corpus.headings",
    "assistant.corpus.structure",
    "assistant.corpus.table",
)
TOKENIZER_MODULES = ("assistant.indexing.tokenizer", "data/domain_words.txt", "data/stopwords.txt")
EMBEDDER_MODULES = ("assistant.indexing.embedding", *TOKENIZER_MODULES)
DOCS_DIR = "docs"


def source_bytes(name: str) -> bytes:
    """The bytes of a module ("assistant.corpus.table") or of a data file of the package ("data/stopwords.txt")."""
    if name.startswith("assistant."):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(f"{name} is listed in assistant/indexing/reuse.py but does not exist")
        return Path(spec.origin).read_bytes()
    return (resources.files("assistant") / name).read_bytes()


def _sources_hash(names: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(source_bytes(name))
    return digest.hexdigest()[:16]


def parser_version() -> str:
    """A short hash of the parsing code: units cached by another version are parsed again."""
    return _sources_hash(PARSER_MODULES)


def tokenizer_version() -> str:
    """A short hash of the tokenizer's code, dictionaries and jieba: cached words need the same."""
    return _sources_hash(TOKENIZER_MODULES) + "-" + _package_version("jieba")


def texts_hash(texts: list[str]) -> str:
    """sha256 of a list of texts (what a document gives the embedder)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def embedder_fingerprint(name: str, local: bool, text_hashes: list[str]) -> str:
    """What the vectors depend on besides each text.

    Args:
        name: the embedding model setting (a hub name or a folder), or "local".
        local: the model is trained on the corpus at build time.
        text_hashes: per document, `texts_hash` of its embedded texts, in index order (only the
            local embedder depends on them).
    """
    digest = hashlib.sha256(name.encode())
    if local:
        digest.update(_sources_hash(EMBEDDER_MODULES).encode())
        for value in text_hashes:
            digest.update(value.encode())
    else:
        digest.update(_package_version("sentence-transformers").encode())
        folder = Path(name)
        if folder.is_dir():  # a local model folder: its files' names, sizes and times
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def units_file(index_dir: Path, doc_id: str) -> Path:
    """Where an index keeps one document's units (one JSON object per line)."""
    return Path(index_dir) / DOCS_DIR / f"{doc_id}.units.jsonl"


def write_units(index_dir: Path, doc_id: str, units: tuple[Unit, ...]) -> Path:
    """Writes one document's units; returns the file."""
    path = units_file(index_dir, doc_id)
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for unit in units:
            handle.write(json.dumps(unit.to_json(), ensure_ascii=False) + "\n")
    return path


def read_units(path: Path) -> tuple[Unit, ...]:
    """Reads a units file written by `write_units`."""
    units = [Unit.from_json(json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
    return tuple(units)


def words_file(index_dir: Path, doc_id: str) -> Path:
    """Where an index keeps the words of one document's searchable units (label TAB body per line)."""
    return Path(index_dir) / DOCS_DIR / f"{doc_id}.words.txt"


def write_words(index_dir: Path, doc_id: str, rows: tuple[Unit, ...], segmented: dict[str, list[str]]) -> Path:
    """Writes the words of each row's label and body, space-separated (words never hold white space)."""
    path = words_file(index_dir, doc_id)
    path.parent.mkdir(exist_ok=True)
    lines = [" ".join(segmented[unit.label]) + "\t" + " ".join(segmented[unit.body]) + "\n" for unit in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return path


class Previous:
    """The index a build replaces, as a source of reusable parts; empty when there is none or it is unusable.

    Nothing here raises: a damaged or foreign previous index only means there is nothing to reuse.
    """

    def __init__(self, index_dir: Path, manifest: dict | None) -> None:
        self.index_dir = Path(index_dir)
        self.manifest = manifest or {}
        self.entries = {entry["id"]: entry for entry in self.manifest.get("documents", []) if isinstance(entry, dict) and "id" in entry}
        self._dense = None
        self._starts: dict[str, int] = {}
        start = 0
        for entry in self.manifest.get("documents", []):
            self._starts[entry.get("id", "")] = start
            start += int(entry.get("searchable", 0))

    @classmethod
    def open(cls, index_dir: Path, manifest_name: str, format_version: int) -> Previous:
        """The previous index in index_dir, if it was made by this format."""
        try:
            manifest = json.loads((Path(index_dir) / manifest_name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(index_dir, None)
        if not isinstance(manifest, dict) or manifest.get("format") != format_version:
            return cls(index_dir, None)
        try:
            return cls(index_dir, manifest)
        except (AttributeError, TypeError, ValueError):  # a hand-edited or damaged manifest
            return cls(index_dir, None)

    def units(self, doc_id: str, file: str, sha256: str, parser: str, title: str | None) -> tuple[Unit, ...] | None:
        """The cached units of a document whose file, id and parser are unchanged; None otherwise.

        Args:
            doc_id, file, sha256: the document as it is now.
            parser: the current `parser_version()`.
            title: its current title (None: keep the cached one, for a file titled from its first line).
        """
        entry = self.entries.get(doc_id)
        if not entry or not sha256 or (entry.get("file"), entry.get("sha256"), entry.get("parser")) != (file, sha256, parser):
            return None
        path = units_file(self.index_dir, doc_id)
        try:
            if path.stat().st_size != self.manifest.get("sizes", {}).get(f"{DOCS_DIR}/{path.name}"):
                return None
            units = read_units(path)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(units) != entry.get("units"):
            return None
        if title is not None and units and units[0].doc_title != title:
            units = tuple(replace(unit, doc_title=title) for unit in units)
        return units

    def segmented(self, doc_id: str, tokenizer: str, rows: tuple[Unit, ...]) -> dict[str, list[str]]:
        """The cached words of a reused document's rows' labels and bodies ({} when unusable).

        Args:
            doc_id: a document whose units came from this index (`units` returned them).
            tokenizer: the current `tokenizer_version()`.
            rows: its searchable units, in order.
        """
        entry = self.entries.get(doc_id)
        path = words_file(self.index_dir, doc_id)
        try:
            if not entry or entry.get("tokenizer") != tokenizer or path.stat().st_size != self.manifest["sizes"][f"{DOCS_DIR}/{path.name}"]:
                return {}
            lines = path.read_text(encoding="utf-8").split("\n")[:-1]
        except (OSError, KeyError, ValueError):
            return {}
        if len(lines) != len(rows):
            return {}
        known: dict[str, list[str]] = {}
        for unit, line in zip(rows, lines, strict=True):
            label, _, body = line.partition("\t")
            known[unit.label], known[unit.body] = label.split(), body.split()
        return known

    def title(self, doc_id: str) -> str:
        """The title the previous index gave a document ("" if none)."""
        return str(self.entries.get(doc_id, {}).get("title", ""))

    def embedder_dir(self, fingerprint: str, folder: str) -> Path | None:
        """The previous index's trained embedder folder, if it was made with the same fingerprint."""
        path = self.index_dir / folder
        if self.manifest.get("embedder", {}).get("fingerprint") == fingerprint and (path / "modules.json").is_file():
            return path
        return None

    def vectors(self, doc_id: str, fingerprint: str, dense_hash: str, vectors_name: str) -> np.ndarray | None:
        """A document's vectors from the previous index, if its texts and the embedder are unchanged."""
        entry = self.entries.get(doc_id)
        if not entry or entry.get("dense_hash") != dense_hash or self.manifest.get("embedder", {}).get("fingerprint") != fingerprint:
            return None
        try:
            if self._dense is None:
                path = self.index_dir / vectors_name
                if path.stat().st_size != self.manifest.get("sizes", {}).get(vectors_name):
                    return None
                self._dense = DenseIndex.load(path)
            start, count = self._starts[doc_id], int(entry["searchable"])
            if start + count > self._dense.size:
                return None
            return self._dense.vectors(start, start + count)
        except (OSError, RuntimeError, KeyError, ValueError):
            return None
