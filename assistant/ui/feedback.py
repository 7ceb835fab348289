"""Feedback: thumbs up/down on answers, stored durably in SQLite (or PostgreSQL) and exported as CSV or JSON lines.

A `postgresql://` address instead of a file path stores it in PostgreSQL (feedback_postgres.py), for several replicas.

Every write opens its own connection in WAL mode with a busy timeout and commits at once, so
several app workers (threads or processes) can record feedback at the same time without
"database is locked"; a process-wide lock also keeps this process's writers in line.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..config import POSTGRES_SCHEMES
from ..errors import AssistantError
from ..records import Reply

UP, DOWN = "up", "down"
FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "created", "rating", "question", "query", "answer", "found", "citations", "comment", "doc")
BUSY_MS = 30_000  # how long a writer waits for another one before giving up
MAX_COMMENT = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    created   TEXT NOT NULL,                 -- UTC, ISO 8601
    rating    TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question  TEXT NOT NULL,
    query     TEXT NOT NULL,
    answer    TEXT NOT NULL,
    found     INTEGER NOT NULL,
    citations TEXT NOT NULL,                 -- JSON list of {ref, id, doc_id, doc_title, label, path, text, quote}
    comment   TEXT NOT NULL,
    doc       TEXT NOT NULL                  -- the document filter in force ("" for all)
)
"""
_WRITE_LOCK = threading.Lock()


class FeedbackError(AssistantError):
    """The feedback database or an export file cannot be used; the message says what to do.

    `problem` names the kind for callers that word it themselves (the UI speaks Chinese):
    "damaged", "unopenable", "locked", "unwritable" or "invalid"; `path` is the file concerned.
    """

    def __init__(self, message: str, problem: str = "invalid", path: Path | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.path = path


@dataclass(frozen=True)
class Feedback:
    """One rating of one answer, as stored."""

    rating: str  # "up" or "down"
    question: str
    answer: str
    citations: str  # JSON text: the reply's citations in the DESIGN.md shape
    query: str = ""
    found: bool = True
    comment: str = ""
    doc: str = ""
    created: str = ""  # UTC ISO 8601; filled in by `record` when empty
    id: int = 0  # row id; 0 until stored

    @classmethod
    def of_reply(cls, reply: Reply, rating: str, comment: str = "", doc: str = "") -> Feedback:
        """The feedback record for a rated reply.

        Args:
            reply: the rated reply.
            rating: "up" or "down".
            comment: optional free text from the user.
            doc: the document filter the question was asked under ("" for all).
        """
        citations = json.dumps([c.to_json() for c in reply.citations], ensure_ascii=False)
        return cls(rating, reply.question, reply.answer, citations, reply.query, reply.found, comment.strip()[:MAX_COMMENT], doc or "")

    def to_json(self) -> dict:
        """The export shape: citations as a list, found as a boolean."""
        return {
            "id": self.id,
            "created": self.created,
            "rating": self.rating,
            "question": self.question,
            "query": self.query,
            "answer": self.answer,
            "found": self.found,
            "citations": json.loads(self.citations or "[]"),
            "comment": self.comment,
            "doc": self.doc,
        }


def _postgres(db: Path | str) -> bool:
    """The storage seam: a postgresql:// address is PostgreSQL (feedback_postgres.py), anything else an SQLite file."""
    return isinstance(db, str) and db.startswith(POSTGRES_SCHEMES)


def _on_postgres(action: str, db: str, *args: object):
    """Runs one store action on PostgreSQL, its failures as FeedbackError (the module is loaded only when used)."""
    from . import feedback_postgres

    try:
        return getattr(feedback_postgres, action)(db, *args)
    except feedback_postgres.Unavailable as error:
        raise FeedbackError(str(error), error.problem) from None


def _damaged(db: Path, error: sqlite3.Error) -> FeedbackError:
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and "unable to open" in text:
        message = f"The feedback database {db} cannot be opened; check that its folder exists and is writable."
        return FeedbackError(message, "unopenable", db)
    if isinstance(error, sqlite3.OperationalError) and "locked" in text:
        message = f"The feedback database {db} stayed locked by another program for {BUSY_MS // 1000} s; try again."
        return FeedbackError(message, "locked", db)
    if isinstance(error, sqlite3.OperationalError) and "readonly" in text:
        return FeedbackError(f"The feedback database {db} is read-only; make it writable for the app.", "unwritable", db)
    message = f"The feedback database {db} is damaged or not an SQLite file; move it aside (mv {db} {db}.damaged) and a new one is started."
    return FeedbackError(message, "damaged", db)


def _connect(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db, timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        # Changing the journal mode takes a lock; only do it the first time.
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")  # durable in WAL mode up to a power cut
        connection.execute(_SCHEMA)
    except BaseException:
        connection.close()
        raise
    return connection


def record(db: Path, feedback: Feedback) -> int:
    """Stores one feedback record and returns its row id.

    Args:
        db: the SQLite file (created with its folder when missing).
        feedback: what to store; `created` is set to the current UTC time when empty.

    Raises:
        FeedbackError: the rating is not "up"/"down", or the database cannot be used.
    """
    if feedback.rating not in (UP, DOWN):
        raise FeedbackError(f"A rating is 'up' or 'down', not {feedback.rating!r}.")
    created = feedback.created or datetime.now(UTC).isoformat(timespec="seconds")
    row = (created, feedback.rating, feedback.question, feedback.query, feedback.answer, int(feedback.found))
    row += (feedback.citations or "[]", feedback.comment, feedback.doc)
    if _postgres(db):
        return _on_postgres("record", db, row)
    db = Path(db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        with _WRITE_LOCK, closing(_connect(db)) as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created, rating, question, query, answer, found, citations, comment, doc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)
    except sqlite3.Error as error:
        raise _damaged(db, error) from None
    except OSError as error:
        message = f"The feedback database {db} cannot be written ({error.strerror}); check the path and permissions."
        raise FeedbackError(message, "unwritable", db) from None


def check(db: Path) -> None:
    """Checks that the feedback database can be used: its folder exists (made if need be) and, if it
    exists, it reads (a missing one is made on first use).

    Raises:
        FeedbackError: the database is damaged, locked or cannot be opened, or its folder cannot be made.
    """
    if _postgres(db):
        return _on_postgres("check", db)
    db = Path(db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        if not db.exists():
            return
        with closing(_connect(db)) as connection:
            connection.execute("SELECT count(*) FROM feedback").fetchone()
    except sqlite3.Error as error:
        raise _damaged(db, error) from None
    except OSError as error:
        message = f"The feedback database {db} cannot be written ({error.strerror}); check the path and permissions."
        raise FeedbackError(message, "unwritable", db) from None


def read_feedback(db: Path) -> list[Feedback]:
    """Every stored feedback record, oldest first (empty when there is no database yet).

    Raises:
        FeedbackError: the database is damaged.
    """
    if _postgres(db):
        rows = _on_postgres("read_rows", db)
    elif not Path(db).exists():
        return []
    else:
        try:
            with closing(_connect(Path(db))) as connection:
                rows = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()
        except sqlite3.Error as error:
            raise _damaged(Path(db), error) from None
    return [
        Feedback(
            id=int(row[0]),
            created=row[1],
            rating=row[2],
            question=row[3],
            query=row[4],
            answer=row[5],
            found=bool(row[6]),
            citations=row[7],
            comment=row[8],
            doc=row[9],
        )
        for row in rows
    ]


def export_feedback(db: Path, path: Path, fmt: str | None = None) -> int:
    """Writes every feedback record to a CSV or JSON-lines file.

    CSV is written with a byte-order mark so that Excel reads the Chinese correctly; its
    citations column holds the JSON list.

    Args:
        db: the feedback database.
        path: the file to write (its folder is created).
        fmt: "csv" or "jsonl"; None takes it from the file name (default csv).

    Returns:
        The number of records written.

    Raises:
        FeedbackError: unknown format, damaged database, or the file cannot be written.
    """
    path = Path(path)
    fmt = (fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".json") else "csv")).lower()
    if fmt not in FORMATS:
        raise FeedbackError(f"Feedback is exported as csv or jsonl, not {fmt!r}.")
    items = read_feedback(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "jsonl":
            with open(path, "w", encoding="utf-8") as handle:
                for item in items:
                    handle.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        else:
            with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(COLUMNS)
                for item in items:
                    data = item.to_json()
                    data["citations"] = item.citations
                    data["found"] = int(item.found)
                    writer.writerow([data[column] for column in COLUMNS])
    except OSError as error:
        message = f"Cannot write the feedback export {path} ({error.strerror}); choose another file."
        raise FeedbackError(message, "unwritable", path) from None
    return len(items)
