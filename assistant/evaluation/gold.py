"""Gold set: reading and checking a gold Q&A file (the DESIGN.md format) against the corpus."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus.repair import squeeze
from ..errors import GoldFileError
from ..records import ParsedDocument
from .metrics import printed_cells

TYPES = (
    "fact",
    "numeric",
    "table",
    "list",
    "paraphrase",
    "followup",
    "cross",
    "summary",
    "yesno",
    "count",
    "arithmetic",
    "unanswerable",
)
UNANSWERABLE = "unanswerable"
TYPE_LABEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
#: `doc` values besides a document id: evidence in several documents, or in none.
BOTH = "both"
NONE = "none"
#: Types whose keys are results the answer computes, not text of the corpus.
COMPUTED = frozenset({"count", "arithmetic"})
#: A key saying that a document is silent on the question.
SILENCE = re.compile(r"未涉及|没有涉及|未提及|没有提及|未提到|没有提到")
#: How many problems a GoldFileError lists before saying how many more there are.
MAX_LISTED = 20
#: The fields of a gold item; any other is a typo ("histroy") that would silently change the scoring.
FIELDS = ("id", "type", "doc", "question", "history", "keys", "evidence", "answer")


@dataclass(frozen=True)
class GoldItem:
    """One gold question.

    `keys` are facts the answer must contain, each "A|B" accepting either alternative;
    `evidence` holds groups of alternative substrings, each group to be covered by one unit.
    """

    id: str
    type: str
    doc: str  # a document id, "both" or "none"
    question: str
    history: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    evidence: tuple[tuple[str, ...], ...] = ()
    answer: str = ""
    line: int = 0  # line number in the gold file, for messages

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE


@dataclass(frozen=True)
class GoldFile:
    """A gold file as read: the valid items, warnings that did not stop it, and the items left out (--skip-invalid)."""

    items: tuple[GoldItem, ...]
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # one message per problem of a left-out line


def alternatives(key: str) -> tuple[str, ...]:
    """The accepted forms of a key: "1.3万户|13000" -> ("1.3万户", "13000")."""
    return tuple(part.strip() for part in key.split("|"))


def load_gold(path: Path, documents: Sequence[ParsedDocument] | None) -> list[GoldItem]:
    """Reads a gold file and checks every item, reporting all problems at once (see read_gold).

    Returns:
        The items in file order.

    Raises:
        GoldFileError: the file cannot be read or any item is malformed.
    """
    return list(read_gold(path, documents).items)


def read_gold(path: Path, documents: Sequence[ParsedDocument] | None, skip_invalid: bool = False) -> GoldFile:
    """Reads a gold file and checks every item, reporting all problems at once.

    An evidence alternative missing from the corpus is only a warning when another alternative of
    its group is there (the group is still satisfiable); it is a problem when none is.

    Args:
        path: a JSON-lines file, one item per line (blank lines are skipped).
        documents: the parsed corpus; evidence, keys and `doc` are checked against it.
            None skips those checks (format only).
        skip_invalid: leave out the items with problems (listed in `skipped`) instead of raising.

    Returns:
        The valid items in file order, the warnings, and the problems of the items left out.

    Raises:
        GoldFileError: the file cannot be read, has no (valid) items, or, without skip_invalid, any
            item is malformed; the message names the line and the field of each problem (the first 20)
            and says how many there are.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise GoldFileError(f"The gold file {path} does not exist; pass --gold FILE with a JSON-lines gold set.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise GoldFileError(f"The gold file {path} cannot be read as UTF-8 text ({error}).") from None

    corpus = _Corpus(documents) if documents is not None else None
    problems: list[str] = []
    warnings: list[str] = []
    items: list[GoldItem] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{path} line {number}"
        item, item_problems, item_warnings = _parse_line(raw, number, corpus)
        problems.extend(f"{where}: {problem}" for problem in item_problems)
        warnings.extend(f"{where}: {warning}" for warning in item_warnings)
        if item is None:
            continue
        if item.id in first_line:
            problems.append(f"{where}: field 'id' {item.id!r} is already used on line {first_line[item.id]}.")
            continue
        first_line[item.id] = number
        items.append(item)
    if not lines or not any(raw.strip() for raw in lines):
        raise GoldFileError(f"The gold file {path} has no items; write one JSON object per line.")
    if problems and not skip_invalid:
        raise GoldFileError(_summary(path, problems))
    if not items:
        raise GoldFileError(f"The gold file {path} has no valid items:\n" + "\n".join(f"  {problem}" for problem in problems[:MAX_LISTED]))
    return GoldFile(items=tuple(items), warnings=tuple(warnings), skipped=tuple(problems))


def _summary(path: Path, problems: list[str]) -> str:
    if len(problems) == 1:
        return f"{problems[0]} Fix the gold file and run again."
    listed = "\n".join(f"  {problem}" for problem in problems[:MAX_LISTED])
    more = f"\n  … and {len(problems) - MAX_LISTED} more." if len(problems) > MAX_LISTED else ""
    return f"{path} has {len(problems)} problems; fix them and run again:\n{listed}{more}"


class _Corpus:
    """Squeezed text of every document (its text and the rendered sentences of its units)."""

    def __init__(self, documents: Sequence[ParsedDocument]) -> None:
        # a table row also in its printed cell order without footnote marks ("工业遗产保护利用 处 85")
        self.texts = {
            doc.spec.id: "\n".join(
                [squeeze(doc.text), *(squeeze(u.sentence) for u in doc.units if u.sentence), *filter(None, map(printed_cells, doc.units))]
            )
            for doc in documents
        }

    def where(self, fragment: str) -> set[str]:
        """Ids of the documents containing a fragment (compared without white space)."""
        squeezed = squeeze(fragment)
        return {doc_id for doc_id, text in self.texts.items() if squeezed in text}


def _parse_line(raw: str, number: int, corpus: _Corpus | None) -> tuple[GoldItem | None, list[str], list[str]]:
    """The item of one line, its problems (which reject it) and its warnings."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        return None, [f"not valid JSON ({error.msg} at column {error.colno})."], []
    if not isinstance(data, dict):
        return None, ["not a JSON object; write one {...} item per line."], []

    problems: list[str] = [_unknown_field(name) for name in data if name not in FIELDS]
    warnings: list[str] = []

    def text(name: str, required: bool = True) -> str:
        value = data.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            shown = "missing" if value is None else f"{type(value).__name__} {value!r}"[:60]
            problems.append(f"field {name!r} must be a non-empty string, got {shown}.")
            return ""
        return value

    def strings(name: str, value: object) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(entry, str) and entry.strip() for entry in value):
            problems.append(f"field {name!r} must be a list of non-empty strings, got {json.dumps(value, ensure_ascii=False)[:60]}.")
            return None
        return tuple(value)

    item_id = text("id")
    kind = text("type")
    question = text("question")
    answer = text("answer", required=False)
    doc = text("doc", required=False)
    history = strings("history", data.get("history", [])) or ()
    keys = strings("keys", data.get("keys", [])) or ()
    raw_evidence = data.get("evidence", [])
    evidence = _evidence(raw_evidence, strings, problems)
    problems.extend(_inconsistencies(kind, keys, bool(raw_evidence), history))

    if corpus is not None:
        problems.extend(_check_against_corpus(doc, keys, evidence, corpus, kind, warnings))
    if problems:
        return None, problems, warnings
    if not doc:
        doc = _infer_doc(evidence, corpus)
    fields = {"type": kind, "doc": doc, "question": question, "history": history, "keys": keys, "answer": answer}
    return GoldItem(id=item_id, evidence=tuple(evidence), line=number, **fields), [], warnings


def _unknown_field(name: str) -> str:
    """The problem of a field the format does not know, with the nearest known field when there is one."""
    near = difflib.get_close_matches(name.lower(), FIELDS, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}?" if near else f"the fields are {', '.join(FIELDS)}."
    return f"field {name!r} is not a gold field; {hint}"


def _evidence(raw: object, strings, problems: list[str]) -> list[tuple[str, ...]]:
    """The evidence groups of an item; each malformed or empty group is a problem."""
    if not isinstance(raw, list):
        problems.append("field 'evidence' must be a list of groups (lists of strings).")
        return []
    evidence: list[tuple[str, ...]] = []
    for index, group in enumerate(raw, start=1):
        parsed = strings(f"evidence[{index}]", group)
        if parsed is not None and not parsed:
            problems.append(f"field 'evidence[{index}]' is an empty group; give at least one substring.")
        elif parsed:
            evidence.append(parsed)
    return evidence


def _inconsistencies(kind: str, keys: tuple[str, ...], has_evidence: bool, history: tuple[str, ...]) -> list[str]:
    """What an item's type, keys, evidence and history say against each other."""
    problems = [f"field 'keys' entry {key!r} has an empty alternative around '|'." for key in keys if not all(alternatives(key))]
    # A type is a style label the report breaks down by: a new style ("why", "english") is welcome; only
    # "unanswerable" (a refusal is right) and "followup" (history needed) change how an item is scored.
    if kind and not TYPE_LABEL.fullmatch(kind):
        problems.append(f"field 'type' {kind!r} is not a label of lower-case letters, digits, '_' or '-' (e.g. {', '.join(TYPES[:4])}).")
    if kind == UNANSWERABLE and (keys or has_evidence):
        problems.append("an unanswerable item must have empty 'keys' and 'evidence'.")
    if kind and kind != UNANSWERABLE and not has_evidence:
        problems.append("field 'evidence' is empty; an answerable item needs at least one evidence group.")
    if kind == "followup" and not history:
        problems.append("field 'history' is empty; a followup item needs the earlier questions.")
    return problems


def _check_against_corpus(
    doc: str, keys: tuple[str, ...], evidence: list[tuple[str, ...]], corpus: _Corpus, kind: str = "", warnings: list[str] | None = None
) -> list[str]:
    """Problems of an item against the corpus: evidence must be in it; keys too, unless the answer computes them.

    A group needs one alternative in the corpus (in `doc` when it names one): the others that are
    not there go to `warnings`, as keys accept any one alternative. A count or an arithmetic answer
    states a result no document prints ("22.45万"), and a comparison may have to say that a document
    is silent ("未涉及"): such keys are not looked for.
    """
    problems: list[str] = []
    warnings = [] if warnings is None else warnings
    if doc and doc not in corpus.texts and doc not in (BOTH, NONE):
        problems.append(f"field 'doc' {doc!r} is not a document id of the corpus, 'both' or 'none'.")
    for index, group in enumerate(evidence, start=1):
        found = [(alternative, corpus.where(alternative)) for alternative in group]
        in_place = [alt for alt, where in found if where and (doc not in corpus.texts or doc in where)]
        for alternative, found_in in found:
            if not found_in:
                message = f"field 'evidence[{index}]' substring {alternative!r} is not in the corpus (compared without white space)"
            elif doc in corpus.texts and doc not in found_in:
                others = ", ".join(sorted(found_in))
                message = f"field 'evidence[{index}]' substring {alternative!r} is not in document {doc!r}, only in {others}"
            else:
                continue
            if in_place:
                warnings.append(f"{message}; another alternative of the group is, so the group stays.")
            else:
                problems.append(f"{message}.")
    squeezed_evidence = "\n".join(squeeze(alternative) for group in evidence for alternative in group)
    for key in keys:
        if kind in COMPUTED or any(SILENCE.search(form) for form in alternatives(key)):
            continue
        if not any(squeeze(form) in squeezed_evidence or corpus.where(form) for form in alternatives(key)):
            problems.append(f"field 'keys' entry {key!r} occurs neither in the evidence nor in the corpus.")
    return problems


def _infer_doc(evidence: list[tuple[str, ...]], corpus: _Corpus | None) -> str:
    """`doc` for files that leave it out: where the evidence is."""
    if not evidence:
        return NONE
    if corpus is None:
        return ""
    found = set().union(*(corpus.where(alternative) for group in evidence for alternative in group))
    return next(iter(found)) if len(found) == 1 else BOTH
