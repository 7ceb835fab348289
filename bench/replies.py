"""Every reply on the gold sets, dumped or compared to an earlier dump: the check that a refactoring changed no answer.

    python -m bench.replies dump before.jsonl        # on the old code
    python -m bench.replies compare before.jsonl     # on the new code: lists every reply that differs

Each gold and held-out question is asked three times (all documents, then each document alone), and
the reply is written in the `assistant ask --json` shape. Uses the index of ASSISTANT_INDEX_DIR
(default index/), building it when missing or stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD_FILES = (ROOT / "eval" / "gold.jsonl", ROOT / "eval" / "heldout.jsonl")


def replies() -> list[dict]:
    """The replies of every gold question, in file order, each under every document filter."""
    from assistant import Assistant, Settings

    assistant = Assistant.load(Settings.from_env(), build=True)
    filters = [None, *(d.id for d in assistant.index.documents)]
    out = []
    for path in GOLD_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            for doc in filters:
                reply = assistant.ask(item["question"], item.get("history", []), doc=doc)
                out.append({"id": item["id"], "doc": doc, **reply.to_json()})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["dump", "compare"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    now = replies()
    if args.action == "dump":
        args.file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in now), encoding="utf-8")
        print(f"Wrote {len(now)} replies to {args.file}.")
        return 0
    before = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    # fields added since the dump (a new reply field) are not a change of the answer
    changed = [(old, new) for old, new in zip(before, now, strict=False) if old != {key: new.get(key) for key in old}]
    for old, new in changed:
        print(f"{old['id']} (doc {old['doc']}): {old['answer'][:60]!r} -> {new['answer'][:60]!r}")
    same = len(before) == len(now) and not changed
    print(f"{len(now)} replies, {len(changed)} differ" + ("" if len(before) == len(now) else f", {len(before)} before") + ".")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
