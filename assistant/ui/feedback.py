"""Feedback: thumbs up/down on answers, stored durably in SQLite (or PostgreSQL) and exported as CSV or JSON lines.

A `postgresql://` address instead of a file path stores it in PostgreSQL (feedback_postgres.py), for several replicas.

An answer has one rating: a record with a `key` (the chat's session and turn) replaces the earlier
rating of that answer, and a comment is added to it later. Exports have Chinese columns and times
in China Standard Time, for the officials who read them in Excel.

Every write opens its own connection in WAL mode with a busy timeout and commits at once, so
several app workers (threads or processes) can record feedback at the same time without
"database is locked"; a process-wide lock also keeps this process's writers in line.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from ..config import POSTGRES_SCHEMES
from ..errors import AssistantError
from ..records import Reply

UP, DOWN = "up", "down"
FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "created", "rating", "question", "query", "answer", "found", "citations", "comment", "doc", "key")
# The export's columns (Chinese, for the officials who open it in Excel) and the record field of each.
EXPORT_COLUMNS = (
    ("编号", "id"),
    ("时间", "created"),
    ("问题", "question"),
    ("检索", "query"),
    ("回答", "answer"),
    ("评价", "rating"),
    ("意见", "comment"),
    ("引用", "citations"),
    ("是否找到", "found"),
    ("检索范围", "doc"),
)
RATINGS = {UP: "赞", DOWN: "踩"}
# Asia/Shanghai has had no daylight saving since 1991: a fixed +8 needs no tz database on the server.
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
BUSY_MS = 30_000  # how long a writer waits for another one before giving up
SETUP_TRIES = 20  # a new file's setup retried this often when another process holds it mid-switch to WAL
SETUP_PAUSE = 0.05  # seconds, times the attempt number, between those tries
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
    doc       TEXT NOT NULL,                 -- the document filter in force ("" for all)
    key       TEXT NOT NULL DEFAULT ''       -- the rated answer (chat session/turn): one rating each
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
    key: str = ""  # the rated answer; a record with the key of a stored one replaces its rating

    @classmethod
    def of_reply(cls, reply: Reply, rating: str, comment: str = "", doc: str = "", key: str = "") -> Feedback:
        """The feedback record for a rated reply.

        Args:
            reply: the rated reply.
            rating: "up" or "down".
            comment: optional free text from the user.
            doc: the document filter the question was asked under ("" for all).
            key: what identifies the rated answer ("" for a record of its own).
        """
        citations = json.dumps([c.to_json() for c in reply.citations], ensure_ascii=False)
        comment = comment.strip()[:MAX_COMMENT]
        return cls(rating, reply.question, reply.answer, citations, reply.query, reply.found, comment, doc or "", key=key)

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

    def to_export(self) -> dict:
        """The export shape: Chinese keys, the time in China Standard Time, citations as readable lines."""
        created = datetime.fromisoformat(self.created).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S") if self.created else ""
        values = {
            "id": self.id,
            "created": created,
            "question": self.question,
            "query": self.query,
            "answer": self.answer,
            "rating": RATINGS.get(self.rating, self.rating),
            "comment": self.comment,
            "citations": "\n".join(_citation_line(c) for c in json.loads(self.citations or "[]")),
            "found": "是" if self.found else "否",
            "doc": self.doc or "全部",
        }
        return {column: values[field] for column, field in EXPORT_COLUMNS}


def _citation_line(citation: dict) -> str:
    """A citation as one readable line: [1] 《title》 label：quote."""
    quote = citation.get("quote") or citation.get("text") or ""
    return f"[{citation.get('ref', '')}] 《{citation.get('doc_title', '')}》 {citation.get('label', '')}：{quote}"


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


_PREPARED: set[str] = set()  # databases whose table, key column and index this process has made sure of


def _connect(db: Path) -> sqlite3.Connection:
    name, fresh = str(Path(db).resolve()), not Path(db).exists()
    connection = sqlite3.connect(db, timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        connection.execute("PRAGMA synchronous = NORMAL")  # durable in WAL mode up to a power cut
        if fresh or name not in _PREPARED:  # the schema statements take the write lock: once per process
            _prepare(connection)
            _PREPARED.add(name)
    except BaseException:
        connection.close()
        raise
    return connection


def _prepare(connection: sqlite3.Connection) -> None:
    """WAL mode, the table, its key column and index.

    Two processes opening a new file at once can be told "database is locked" at once, without the
    busy timeout, while one of them switches the file to WAL; that is retried, for up to SETUP_TRIES.
    """
    for attempt in range(SETUP_TRIES):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                connection.execute("PRAGMA journal_mode = WAL")  # persistent: only the first opening changes it
            connection.execute(_SCHEMA)
            if "key" not in {row[1] for row in connection.execute("PRAGMA table_info(feedback)")}:  # a database from before keys
                connection.execute("ALTER TABLE feedback ADD COLUMN key TEXT NOT NULL DEFAULT ''")
            connection.execute("CREATE INDEX IF NOT EXISTS feedback_key ON feedback (key)")
            return
        except sqlite3.OperationalError as error:
            passing = "locked" in str(error) or "duplicate column" in str(error)  # another process is setting it up
            if not passing or attempt == SETUP_TRIES - 1:
                raise
            time.sleep(SETUP_PAUSE * (attempt + 1))


def record(db: Path, feedback: Feedback) -> int:
    """Stores one feedback record and returns its row id.

    A record whose `key` is already stored replaces that row's rating, time and answer (keeping its
    comment unless the new record has one): one rating per answer, the latest click counts.

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
    row += (feedback.citations or "[]", feedback.comment, feedback.doc, feedback.key)
    if _postgres(db):
        return _on_postgres("record", db, row)
    db = Path(db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        with _WRITE_LOCK, closing(_connect(db)) as connection:
            if feedback.key:
                stored = connection.execute("SELECT id FROM feedback WHERE key = ?", (feedback.key,)).fetchone()
                if stored:
                    connection.execute(
                        "UPDATE feedback SET created = ?, rating = ?, question = ?, query = ?, answer = ?, found = ?, citations = ?,"
                        " comment = CASE WHEN ? = '' THEN comment ELSE ? END, doc = ? WHERE id = ?",
                        (*row[:7], feedback.comment, feedback.comment, feedback.doc, stored[0]),
                    )
                    return int(stored[0])
            cursor = connection.execute(
                "INSERT INTO feedback (created, rating, question, query, answer, found, citations, comment, doc, key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)
    except sqlite3.Error as error:
        raise _damaged(db, error) from None
    except OSError as error:
        message = f"The feedback database {db} cannot be written ({error.strerror}); check the path and permissions."
        raise FeedbackError(message, "unwritable", db) from None


def _change(db: Path, statement: str, values: tuple) -> int:
    """Runs one UPDATE/DELETE on an existing database; returns how many rows it changed (0 without a database)."""
    if _postgres(db):
        return _on_postgres("change", db, statement.replace("?", "%s"), values)
    db = Path(db)
    if not db.exists():
        return 0
    try:
        with _WRITE_LOCK, closing(_connect(db)) as connection:
            return connection.execute(statement, values).rowcount
    except sqlite3.Error as error:
        raise _damaged(db, error) from None


def add_comment(db: Path, key: str, comment: str) -> bool:
    """Sets the comment of the rated answer `key`; False when that answer has no rating stored.

    Raises:
        FeedbackError: the database cannot be used.
    """
    return bool(key) and _change(db, "UPDATE feedback SET comment = ? WHERE key = ?", (comment.strip()[:MAX_COMMENT], key)) > 0


def withdraw(db: Path, key: str) -> bool:
    """Removes the rating of the answer `key` (its thumb was clicked off); False when there was none.

    Raises:
        FeedbackError: the database cannot be used.
    """
    return bool(key) and _change(db, "DELETE FROM feedback WHERE key = ?", (key,)) > 0


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
            key=row[10],
        )
        for row in rows
    ]


def export_feedback(db: Path, path: Path, fmt: str | None = None) -> int:
    """Writes every feedback record to a CSV or JSON-lines file.

    Both have the Chinese columns of `EXPORT_COLUMNS` (时间 in China Standard Time, 引用 one readable
    line per citation); CSV is written with a byte-order mark so that Excel reads the Chinese correctly.

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
                    handle.write(json.dumps(item.to_export(), ensure_ascii=False) + "\n")
        else:
            with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([column for column, _ in EXPORT_COLUMNS])
                for item in items:
                    writer.writerow(list(item.to_export().values()))
    except OSError as error:
        message = f"Cannot write the feedback export {path} ({error.strerror}); choose another file."
        raise FeedbackError(message, "unwritable", path) from None
    return len(items)
