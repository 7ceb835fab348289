"""Scoring: a briefing against a trainer's expectations — the key points it must quote, what it must not.

A topics file has one JSON object per line: {"topic", "split", "kind": "covered" | "passing" | "absent",
"keys": [evidence substrings a complete briefing quotes], "off": [substrings of off-topic text it must
not quote]}. Compared with all white space removed, like the gold set's evidence.
The trainer gold file is eval/briefings.jsonl; `assistant eval --briefings` reports it per split against the targets.
Topic by topic: `python -m assistant.briefing.scoring eval/briefings.jsonl [--split tune]`
(uses ASSISTANT_CORPUS_DIR / ASSISTANT_INDEX_DIR).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .briefing import Briefing


@dataclass(frozen=True)
class TopicScore:
    """How one briefing met its topic's expectations."""

    topic: str
    split: str
    kind: str  # expected: covered, passing, absent
    status: str  # what the briefing said
    keys_found: int
    keys: int
    off_topic: int  # quoted points containing an "off" substring
    points: int
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """The expected status, every key point quoted, nothing off-topic."""
        return self.status == self.kind and self.keys_found == self.keys and self.off_topic == 0


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def score(briefing: Briefing, item: dict) -> TopicScore:
    """Scores a briefing against one line of a topics file."""
    quoted = [c.quote for c in briefing.citations]
    text = _plain("".join(quoted))
    keys = item.get("keys", [])
    missing = tuple(k for k in keys if _plain(k) not in text)
    off = [_plain(o) for o in item.get("off", [])]
    off_topic = sum(1 for q in quoted if any(o in _plain(q) for o in off))
    return TopicScore(
        item["topic"],
        item.get("split", ""),
        item.get("kind", "covered"),
        briefing.status,
        len(keys) - len(missing),
        len(keys),
        off_topic,
        len(quoted),
        missing,
    )


def read_topics(path: Path | str, split: str | None = None) -> list[dict]:
    """The lines of a topics file (of one split when given)."""
    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [item for item in items if split is None or item.get("split") == split]


def summary(scores: list[TopicScore]) -> dict:
    """Topics judged complete, key-point coverage and share of off-topic points."""
    keys = sum(s.keys for s in scores)
    points = sum(s.points for s in scores)
    return {
        "topics": len(scores),
        "complete": sum(s.complete for s in scores),
        "status_right": sum(s.status == s.kind for s in scores),
        "coverage": round(sum(s.keys_found for s in scores) / keys, 3) if keys else 1.0,
        "off_topic": round(sum(s.off_topic for s in scores) / points, 3) if points else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ..answer.assistant import Assistant
    from ..config import Settings
    from .briefing import build_briefing

    parser = argparse.ArgumentParser(prog="python -m assistant.briefing.scoring")
    parser.add_argument("topics", type=Path)
    parser.add_argument("--split")
    args = parser.parse_args(argv)
    assistant = Assistant.load(Settings.from_env())
    scores = [score(build_briefing(assistant, item["topic"]), item) for item in read_topics(args.topics, args.split)]
    for s in scores:
        mark = "ok " if s.complete else "-- "
        print(
            f"{mark}{s.topic}: expected {s.kind}, got {s.status}; keys {s.keys_found}/{s.keys}; off-topic {s.off_topic}/{s.points}"
            + (f"; missing {list(s.missing)}" if s.missing else "")
        )
    print(json.dumps(summary(scores), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
