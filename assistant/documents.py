"""Documents: the corpus manifest and reading each file's text."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from .errors import CorpusError
from .readers import SUFFIXES, decode_text, read_document
from .records import DocumentSpec, ParsedDocument
from .text import PAGE_NUMBER

MANIFEST = "documents.toml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def load_manifest(corpus_dir: Path) -> list[DocumentSpec]:
    """Reads corpus_dir/documents.toml.

    Args:
        corpus_dir: the corpus folder.

    Returns:
        The documents in manifest order.

    Raises:
        CorpusError: the folder or manifest is missing or malformed, or lists no documents.
    """
    specs = _read_manifest(Path(corpus_dir))
    if not specs:
        raise CorpusError(f"{Path(corpus_dir) / MANIFEST} lists no documents; add a [[document]] entry for each plan.")
    return specs


def _read_manifest(corpus_dir: Path, missing_ok: bool = False) -> list[DocumentSpec]:
    path = corpus_dir / MANIFEST
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist; pass --corpus DIR or set ASSISTANT_CORPUS_DIR.")
    if not path.is_file():
        if missing_ok:
            return []
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
    return specs


def read_text(path: Path) -> str:
    """Reads a plain-text document: UTF-8 (a BOM is dropped), else GB18030, else the best guess.

    Raises:
        CorpusError: the file is missing or not text.
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path} is listed in {MANIFEST} but does not exist; add the file or remove its entry.")
    return decode_text(path, path.read_bytes())


def corpus_hash(corpus_dir: Path, specs: list[DocumentSpec]) -> str:
    """A hash over the manifest and every document file, to tell when an index is stale.

    Pass the specs of the loaded documents (`[d.spec for d in documents]`) so that files without
    a manifest entry count too.
    """
    digest = hashlib.sha256()
    manifest = Path(corpus_dir) / MANIFEST
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    for spec in specs:
        digest.update(spec.id.encode())
        digest.update(file_hash(Path(corpus_dir) / spec.file).encode())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_corpus(corpus_dir: Path, doc_id: str | None = None) -> list[ParsedDocument]:
    """Reads, repairs and structures every document of the corpus (or one of them).

    Files in the folder without a manifest entry are included (see `load_corpus_report`).

    Raises:
        CorpusError: the manifest or a file cannot be used, or doc_id is unknown.
    """
    documents, _ = load_corpus_report(corpus_dir, strict=True, doc_id=doc_id)
    return documents


def load_corpus_report(corpus_dir: Path, strict: bool = False, doc_id: str | None = None) -> tuple[list[ParsedDocument], list[str]]:
    """Reads every document it can and says, one sentence each, what went wrong with the others.

    The manifest's documents come first, in its order; then every .txt, .md, .docx or .pdf file
    of the folder that has no entry, by file name, with an id made from the file name and a
    title from its first line (and a warning saying so). README files and the manifest itself are
    not documents; nor are hidden files and Word lock files (~$…).

    Args:
        corpus_dir: the corpus folder; documents.toml may be missing when every file is to be titled
            from its first line.
        strict: raise at the first file that cannot be read instead of reporting it; warnings
            (a file without an entry, a file of another type) never raise.
        doc_id: only this document.

    Returns:
        The parsed documents, and the problem and warning sentences: one per document in document
        order, then one per file of another type that was left out.

    Raises:
        CorpusError: the folder or the manifest cannot be used, there are no documents, doc_id is
            unknown, or (strict) a document file cannot be read.
    """
    from .structure import parse_document

    corpus_dir = Path(corpus_dir)
    listed = _read_manifest(corpus_dir, missing_ok=True)
    listed_ids = {spec.id for spec in listed}
    found, others = _unlisted_files(corpus_dir, listed)
    taken = set(listed_ids)
    unlisted = [DocumentSpec(id=_derived_id(path.name, taken), title="", short="", file=path.name) for path in found]
    specs = listed + unlisted
    if not specs:
        load_manifest(corpus_dir)  # raises the sentence for a missing or empty manifest
    if doc_id is not None:
        specs = [spec for spec in specs if spec.id == doc_id]
        if not specs:
            known = ", ".join(spec.id for spec in listed + unlisted)
            raise CorpusError(f"There is no document with id {doc_id!r}; known ids: {known}.")
    documents: list[ParsedDocument] = []
    problems: list[str] = []
    for spec in specs:
        path = corpus_dir / spec.file
        try:
            if spec.id in listed_ids and not path.is_file():
                raise CorpusError(f"{path} is listed in {MANIFEST} but does not exist; add the file or remove its entry.")
            raw = read_document(path)
        except CorpusError as error:
            if strict:
                raise
            problems.append(str(error))
            continue
        if spec.id not in listed_ids:
            title = _first_line(raw) or path.stem
            spec = replace(spec, title=title, short=title)
            problems.append(
                f"{path} has no entry in {MANIFEST}; gave it the id {spec.id} and titled it “{title}” from its first line; "
                "add an entry to name it."
            )
        documents.append(parse_document(spec, raw))
    if doc_id is None:
        problems.extend(f"{path} is not a .txt, .md, .docx or .pdf file, so it was left out; convert it to include it." for path in others)
    return documents, problems


def _unlisted_files(corpus_dir: Path, listed: list[DocumentSpec]) -> tuple[list[Path], list[Path]]:
    """Files of the folder without a manifest entry: (readable documents, files of other types)."""
    named = {(corpus_dir / spec.file).resolve() for spec in listed}
    documents: list[Path] = []
    others: list[Path] = []
    for path in sorted(corpus_dir.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.resolve() in named or path.name == MANIFEST or path.name.startswith((".", "~$")):
            continue
        if path.stem.lower() == "readme":
            continue
        (documents if path.suffix.lower() in SUFFIXES else others).append(path)
    return documents, others


def _derived_id(name: str, taken: set[str]) -> str:
    """An id from a file name: its lower-case ASCII slug, or doc-<hash> for a non-ASCII name; unique."""
    stem = Path(name).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:32].strip("-") if stem.isascii() else ""
    if not slug:
        slug = "doc-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    candidate, number = slug, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = slug[: 32 - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def _first_line(text: str) -> str:
    """The first line with text, heading marks dropped, at most 60 characters: a stand-in title."""
    for line in text.splitlines():
        line = " ".join(line.lstrip("#").split())
        if line and not PAGE_NUMBER.match(line):
            return line[:60]
    return ""
