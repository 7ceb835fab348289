"""Documents: the corpus manifest and reading each file's text."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from .errors import CorpusError
from .records import DocumentSpec, ParsedDocument

MANIFEST = "documents.toml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def load_manifest(corpus_dir: Path) -> list[DocumentSpec]:
    """Reads corpus_dir/documents.toml.

    Args:
        corpus_dir: the corpus folder.

    Returns:
        The documents in manifest order.

    Raises:
        CorpusError: the folder or manifest is missing or malformed.
    """
    corpus_dir = Path(corpus_dir)
    path = corpus_dir / MANIFEST
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist; pass --corpus DIR or set ASSISTANT_CORPUS_DIR.")
    if not path.is_file():
        raise CorpusError(f"{path} is missing; add a [[document]] entry (id, title, short, file) for each plan.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path} is not valid TOML ({error}); fix the file and rebuild.") from None
    specs: list[DocumentSpec] = []
    seen: set[str] = set()
    for number, entry in enumerate(data.get("document", []), start=1):
        missing = [key for key in ("id", "title", "file") if not str(entry.get(key, "")).strip()]
        if missing:
            raise CorpusError(f"{path}: document entry {number} lacks {', '.join(missing)}; add it and rebuild.")
        doc_id = str(entry["id"])
        if not _ID.match(doc_id):
            raise CorpusError(f"{path}: id {doc_id!r} must be lower-case letters, digits, - or _ (at most 32).")
        if doc_id in seen:
            raise CorpusError(f"{path}: the id {doc_id!r} is used twice; give each document its own id.")
        seen.add(doc_id)
        specs.append(
            DocumentSpec(
                id=doc_id,
                title=str(entry["title"]),
                short=str(entry.get("short") or entry["title"]),
                file=str(entry["file"]),
                period=str(entry.get("period", "")),
                issuer=str(entry.get("issuer", "")),
                aliases=tuple(str(a) for a in entry.get("aliases", ()) if str(a).strip()),
            )
        )
    if not specs:
        raise CorpusError(f"{path} lists no documents; add a [[document]] entry for each plan.")
    return specs


def read_text(path: Path) -> str:
    """Reads a plain-text document as UTF-8 (a BOM is dropped).

    Raises:
        CorpusError: the file is missing or not UTF-8 text.
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path} is listed in {MANIFEST} but does not exist; add the file or remove its entry.")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path} is not UTF-8 text; save it as UTF-8 and rebuild.") from None


def corpus_hash(corpus_dir: Path, specs: list[DocumentSpec]) -> str:
    """A hash over the manifest and every listed file, to tell when an index is stale."""
    digest = hashlib.sha256()
    digest.update((Path(corpus_dir) / MANIFEST).read_bytes())
    for spec in specs:
        digest.update(spec.id.encode())
        digest.update(file_hash(Path(corpus_dir) / spec.file).encode())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_corpus(corpus_dir: Path, doc_id: str | None = None) -> list[ParsedDocument]:
    """Reads, repairs and structures every document of the corpus (or one of them).

    Raises:
        CorpusError: the manifest or a file cannot be used, or doc_id is unknown.
    """
    from .structure import parse_document

    specs = load_manifest(corpus_dir)
    if doc_id is not None:
        specs = [spec for spec in specs if spec.id == doc_id]
        if not specs:
            known = ", ".join(spec.id for spec in load_manifest(corpus_dir))
            raise CorpusError(f"There is no document with id {doc_id!r}; known ids: {known}.")
    return [parse_document(spec, read_text(Path(corpus_dir) / spec.file)) for spec in specs]
