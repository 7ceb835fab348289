"""Feedback on PostgreSQL (psycopg 3): the store several app replicas share, chosen by a postgresql:// address.

The same records, order and errors as the SQLite store in feedback.py, which calls in here when
ASSISTANT_FEEDBACK_DB is a `postgresql://` address. Every write is its own short transaction on its
own connection, so replicas on several machines record feedback side by side; PostgreSQL's row
locks and the BIGSERIAL id keep every record and give each one an id.
"""

from __future__ import annotations

import re
import threading

COLUMNS = "id, created, rating, question, query, answer, found, citations, comment, doc, key"  # feedback.COLUMNS, in order

CONNECT_TIMEOUT = 10  # seconds before a down database is reported, not waited on forever
_SCHEMA_LOCK = 18_001  # advisory lock key: replicas starting together create the table once

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id        BIGSERIAL PRIMARY KEY,
    created   TEXT NOT NULL,                 -- UTC, ISO 8601
    rating    TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question  TEXT NOT NULL,
    query     TEXT NOT NULL,
    answer    TEXT NOT NULL,
    found     BOOLEAN NOT NULL,
    citations TEXT NOT NULL,                 -- JSON list, kept as written (jsonb would reorder its keys)
    comment   TEXT NOT NULL,
    doc       TEXT NOT NULL,
    key       TEXT NOT NULL DEFAULT ''       -- the rated answer (chat session/turn): one rating each
);
ALTER TABLE feedback ADD COLUMN IF NOT EXISTS key TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS feedback_key ON feedback (key)
"""
class Unavailable(Exception):
    """The database cannot be used; `problem` is one of feedback.FeedbackError's kinds (feedback.py translates it)."""

    def __init__(self, message: str, problem: str) -> None:
        super().__init__(message)
        self.problem = problem


_ready: set[str] = set()  # addresses whose table this process has made sure of
_ready_lock = threading.Lock()


def shown(dsn: str) -> str:
    """The address without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", dsn)


def _failed(dsn: str, error: Exception) -> Unavailable:
    import psycopg

    if isinstance(error, psycopg.OperationalError):
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        message = f"The feedback database {shown(dsn)} cannot be reached ({first}); check ASSISTANT_FEEDBACK_DB and that PostgreSQL runs."
        return Unavailable(message, "unopenable")
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return Unavailable(f"The feedback database {shown(dsn)} refuses this user's writes; grant it INSERT on feedback.", "unwritable")
    return Unavailable(f"The feedback database {shown(dsn)} failed ({type(error).__name__}); see the PostgreSQL log.", "damaged")


def _connect(dsn: str):
    import psycopg

    connection = psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT, autocommit=False)
    try:
        with _ready_lock:
            if dsn not in _ready:
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                    connection.execute(_SCHEMA)
                _ready.add(dsn)
    except BaseException:
        connection.close()
        raise
    return connection


def record(dsn: str, row: tuple) -> int:
    """Stores one (already checked) record and returns its id.

    Args:
        dsn: the postgresql:// address.
        row: created, rating, question, query, answer, found, citations, comment, doc, key.

    Raises:
        Unavailable: the database cannot be reached or refuses the write.
    """
    import psycopg

    row = (*row[:5], bool(row[5]), *row[6:])
    key, comment = row[9], row[7]
    try:
        with _connect(dsn) as connection, connection.transaction():
            if key:
                # one rating per answer: a stored rating of the same answer is replaced (its comment kept
                # unless a new one comes), the row locked so two replicas cannot both insert it
                connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
                stored = connection.execute("SELECT id FROM feedback WHERE key = %s", (key,)).fetchone()
                if stored:
                    connection.execute(
                        "UPDATE feedback SET created = %s, rating = %s, question = %s, query = %s, answer = %s, found = %s,"
                        " citations = %s, comment = CASE WHEN %s = '' THEN comment ELSE %s END, doc = %s WHERE id = %s",
                        (*row[:7], comment, comment, row[8], stored[0]),
                    )
                    return int(stored[0])
            cursor = connection.execute(
                "INSERT INTO feedback (created, rating, question, query, answer, found, citations, comment, doc, key)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                row,
            )
            return int(cursor.fetchone()[0])
    except psycopg.Error as error:
        raise _failed(dsn, error) from None


def change(dsn: str, statement: str, values: tuple) -> int:
    """Runs one UPDATE/DELETE (a comment added, a rating withdrawn); returns how many rows it changed.

    Raises:
        Unavailable: the database cannot be reached or refuses the write.
    """
    import psycopg

    try:
        with _connect(dsn) as connection, connection.transaction():
            return connection.execute(statement, values).rowcount
    except psycopg.Error as error:
        raise _failed(dsn, error) from None


def check(dsn: str) -> None:
    """Connects and reads the table (making it when missing).

    Raises:
        Unavailable: the database cannot be reached or read.
    """
    import psycopg

    try:
        with _connect(dsn) as connection:
            connection.execute("SELECT count(*) FROM feedback").fetchone()
    except psycopg.Error as error:
        raise _failed(dsn, error) from None


def read_rows(dsn: str) -> list[tuple]:
    """Every stored record as a row of COLUMNS, oldest first.

    Raises:
        Unavailable: the database cannot be reached or read.
    """
    import psycopg

    try:
        with _connect(dsn) as connection:
            return connection.execute(f"SELECT {COLUMNS} FROM feedback ORDER BY id").fetchall()
    except psycopg.Error as error:
        raise _failed(dsn, error) from None
