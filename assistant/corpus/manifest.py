"""Documents: the corpus manifest and reading each file's text."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CorpusError
from ..records import DocumentSpec, ParsedDocument
from .readers import SUFFIXES, read_document
from .repair import PAGE_NUMBER

MANIFEST = "documents.toml"
EXAMPLES = "examples.txt"  # example questions the app shows for this corpus, one a line: not a document
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


def _read_manifest(corpus_dir: Path, missing_ok: bool = False, problems: list[str] | None = None) -> list[DocumentSpec]:
    """The manifest's entries; with a `problems` list, an entry reusing an id is reported there and skipped."""
    path = corpus_dir / MANIFEST
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist; pass --corpus DIR or set ASSISTANT_CORPUS_DIR.")
    if not path.is_file():
        if missing_ok:
            return []
        raise CorpusError(f"{path} is missing; add a [[document]] entry (id, title, short, file) for each plan.")
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path} is not valid TOML ({error}); fix the file and rebuild.") from None
    entries = data.get("document", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        line = _line_where(text, r"^\s*\[\s*document\s*\]") or _line_where(text, r"^\s*document\s*=")
        raise CorpusError(
            f"{path}, line {line}: document must be an array of tables, one [[document]] heading per plan; fix the file and rebuild."
        )
    type_problems = [problem for number, entry in enumerate(entries, start=1) for problem in _type_problems(path, text, number, entry)]
    if type_problems:
        raise CorpusError(" ".join(type_problems))
    specs: list[DocumentSpec] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in ("id", "title", "file") if not str(entry.get(key, "")).strip()]
        if missing:
            raise CorpusError(f"{path}: document entry {number} lacks {', '.join(missing)}; add it and rebuild.")
        doc_id = str(entry["id"])
        if not _ID.match(doc_id):
            raise CorpusError(f"{path}: id {doc_id!r} must be lower-case letters, digits, - or _ (at most 32).")
        outside = _outside(corpus_dir, entry["file"])
        if doc_id in seen or outside:
            message = outside or f"{path}: the id {doc_id!r} is used twice; give each document its own id."
            if problems is None:
                raise CorpusError(message)
            problems.append(f"{message[:-1]} (entry {number}, file {entry['file']}, was left out).")
            continue
        seen.add(doc_id)
        specs.append(
            DocumentSpec(
                id=doc_id,
                title=entry["title"],
                short=entry.get("short") or entry["title"],
                file=entry["file"],
                period=entry.get("period", ""),
                issuer=entry.get("issuer", ""),
                aliases=tuple(alias for alias in entry.get("aliases", ()) if alias.strip()),
            )
        )
    return specs


_TEXT_FIELDS = ("id", "title", "short", "file", "period", "issuer")


def _line_where(text: str, pattern: str, start: int = 0) -> int:
    """The 1-based number of the first line after line `start` matching the pattern (0 when none does)."""
    for number, line in enumerate(text.splitlines()[start:], start=start + 1):
        if re.match(pattern, line):
            return number
    return 0


def _entry_line(text: str, number: int, key: str) -> int:
    """The line of `key` in the number-th [[document]] entry (the entry's heading line when the key is not there)."""
    heading = 0
    for _ in range(number):
        heading = _line_where(text, r"^\s*\[\[\s*document\s*\]\]", heading) or heading
    following = _line_where(text, r"^\s*\[", heading)
    found = _line_where(text, rf"^\s*{re.escape(key)}\s*=", heading)
    return found if found and (not following or found < following) else heading


def _type_problems(path: Path, text: str, number: int, entry: dict) -> list[str]:
    """One sentence per field of a manifest entry that has the wrong type, naming its line."""
    problems = []
    for key in _TEXT_FIELDS:
        if key in entry and not isinstance(entry[key], str):
            kind = type(entry[key]).__name__
            problems.append(f"{path}, line {_entry_line(text, number, key)}: {key} must be a quoted string, not {kind}.")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        problems.append(
            f"{path}, line {_entry_line(text, number, 'aliases')}: aliases must be an array of strings, "
            f'such as aliases = ["江苏省", "振兴规划"], not {type(aliases).__name__}.'
        )
    return problems


def _outside(corpus_dir: Path, file: str) -> str:
    """The refusal for a document path leading out of the corpus folder (absolute, ../, a symlink); "" when inside."""
    root = corpus_dir.resolve()
    target = (corpus_dir / file).resolve()
    if Path(file).is_absolute() or not target.is_relative_to(root):
        return f"{corpus_dir / file} is outside the corpus folder {corpus_dir} (paths and symlinks must stay inside it), so it is not read."
    return ""


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes ("" when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


@dataclass(frozen=True)
class Source:
    """A document file of the corpus, before it is read: its manifest entry and the hash of its bytes."""

    spec: DocumentSpec  # title and short are "" for a file without an entry until it is read
    path: Path
    listed: bool  # has an entry in documents.toml
    sha256: str  # of the file's bytes; "" when the file is missing or unreadable


@dataclass(frozen=True)
class CorpusScan:
    """What the corpus folder holds: the documents to read, and what was left out before reading."""

    sources: tuple[Source, ...]  # manifest entries in order, then unlisted files by name
    problems: tuple[str, ...]  # manifest entries left out (an id used twice), one sentence each
    others: tuple[Path, ...]  # files of another type, left out
    digest: str  # sha256 over the manifest and every source's id, file name and bytes: the corpus version


def scan_corpus(corpus_dir: Path, strict: bool = False, doc_id: str | None = None) -> CorpusScan:
    """Lists the corpus' documents and hashes their files, without reading them.

    Args:
        corpus_dir: the corpus folder (documents.toml may be missing: every file is then a document).
        strict: raise on a manifest entry that reuses an id instead of reporting and skipping it.
        doc_id: only this document.

    Raises:
        CorpusError: the folder or the manifest cannot be used, there are no documents, or doc_id is unknown.
    """
    corpus_dir = Path(corpus_dir)
    problems: list[str] = []
    listed = _read_manifest(corpus_dir, missing_ok=True, problems=None if strict else problems)
    found, others = _unlisted_files(corpus_dir, listed)
    taken = {spec.id for spec in listed}
    unlisted = [DocumentSpec(id=_derived_id(path.name, taken), title="", short="", file=path.name) for path in found]
    if not listed and not unlisted:
        load_manifest(corpus_dir)  # raises the sentence for a missing or empty manifest
    sources = [Source(spec, corpus_dir / spec.file, True, file_hash(corpus_dir / spec.file)) for spec in listed]
    sources += [Source(spec, corpus_dir / spec.file, False, file_hash(corpus_dir / spec.file)) for spec in unlisted]
    digest = hashlib.sha256()
    if (corpus_dir / MANIFEST).is_file():
        digest.update((corpus_dir / MANIFEST).read_bytes())
    for source in sources:
        digest.update(f"\n{source.spec.id}\t{source.spec.file}\t{source.sha256}".encode())
    if doc_id is not None:
        chosen = [source for source in sources if source.spec.id == doc_id]
        if not chosen:
            known = ", ".join(source.spec.id for source in sources)
            raise CorpusError(f"There is no document with id {doc_id!r}; known ids: {known}.")
        return CorpusScan(tuple(chosen), (), (), digest.hexdigest())
    return CorpusScan(tuple(sources), tuple(problems), tuple(others), digest.hexdigest())


def corpus_hash(corpus_dir: Path) -> str:
    """The corpus version an index is built from: changes when the manifest or any document file does.

    Raises:
        CorpusError: the corpus folder or its manifest cannot be used.
    """
    return scan_corpus(corpus_dir).digest


def read_source(source: Source) -> ParsedDocument:
    """Reads and structures one document; a file without an entry is titled from its first line.

    Raises:
        CorpusError: the file is missing, empty, not text, or unreadable (one sentence naming it).
    """
    from .structure import parse_document

    if source.listed and not source.path.is_file():
        raise CorpusError(f"{source.path} is listed in {MANIFEST} but does not exist; add the file or remove its entry.")
    raw = read_document(source.path)
    spec = source.spec
    if not source.listed:
        title = _first_line(raw) or source.path.stem
        spec = replace(spec, title=title, short=title)
    return parse_document(spec, raw)


def unlisted_warning(source: Source, title: str) -> str:
    """The warning for a document file without a manifest entry, naming the id and title it was given."""
    return (
        f"{source.path} has no entry in {MANIFEST}; gave it the id {source.spec.id} and titled it “{title}” from its first line; "
        "add an entry to name it."
    )


def left_out(path: Path) -> str:
    """The warning for a file of a type that is not read, or for one that leads out of the corpus folder."""
    outside = _outside(path.parent, path.name)
    if outside:
        return outside
    return f"{path} is not a .txt, .md, .docx or .pdf file, so it was left out; convert it to include it."


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
        strict: raise at the first file that cannot be read (or manifest entry that reuses an id)
            instead of reporting it; warnings (a file without an entry, a file of another type) never raise.
        doc_id: only this document.

    Returns:
        The parsed documents, and the problem and warning sentences: first the manifest entries left
        out, then one per document in document order, then one per file of another type left out.

    Raises:
        CorpusError: the folder or the manifest cannot be used, there are no documents, doc_id is
            unknown, or (strict) a document file cannot be read.
    """
    scan = scan_corpus(corpus_dir, strict=strict, doc_id=doc_id)
    documents: list[ParsedDocument] = []
    problems = list(scan.problems)
    for source in scan.sources:
        document = read_or_report(source, strict, problems)
        if document is None:
            continue
        if not source.listed:
            problems.append(unlisted_warning(source, document.spec.title))
        documents.append(document)
    problems.extend(left_out(path) for path in scan.others)
    return documents, problems


def read_or_report(source, strict: bool, problems: list[str]) -> ParsedDocument | None:
    """Reads one source; a bad file becomes one sentence in `problems` (or raises, when strict)."""
    try:
        return read_source(source)
    except CorpusError as error:
        if strict:
            raise
        problems.append(str(error))
        return None


def _unlisted_files(corpus_dir: Path, listed: list[DocumentSpec]) -> tuple[list[Path], list[Path]]:
    """Files of the folder without a manifest entry: (readable documents, files of other types)."""
    named = {(corpus_dir / spec.file).resolve() for spec in listed}
    documents: list[Path] = []
    others: list[Path] = []
    for path in sorted(corpus_dir.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.resolve() in named or path.name in (MANIFEST, EXAMPLES) or path.name.startswith((".", "~$")):
            continue
        if path.stem.lower() == "readme":
            continue
        if _outside(corpus_dir, path.name):
            others.append(path)  # reported by left_out
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
